package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.ConfigLoader;
import dev.obsbootstrap.core.config.ConfigSchema;
import dev.obsbootstrap.core.config.ProfileCatalog;
import dev.obsbootstrap.core.config.SetOverride;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.config.UserProfiles;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.ResolvedChart;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.RunIds;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunFailure;
import dev.obsbootstrap.core.run.RunReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Every command: parse, then {@link #doCall()} returns one named exit code. Results go to {@link #out()}
 * (stdout), everything else through {@link #console()} (stderr). Nothing happens while parsing.
 */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected VerbosityMixin verbosity;

    private Console console;
    private ComponentCatalog catalog;
    private Supplier<List<Phase>> testPhases;

    @Override
    public final Integer call() throws Exception {
        return doCall().code();
    }

    protected abstract ExitCode doCall() throws Exception;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * The run's config: file, --profile, --set, then the cluster options that mirror config keys
     * (--namespace, --context), all through the same validation. Warnings are printed here, once.
     */
    protected BootstrapConfig loadConfig(ConfigMixin config, ClusterMixin cluster) {
        List<SetOverride> options = new ArrayList<>();
        cluster.namespace().ifPresent(ns -> options.add(SetOverride.forOption("--namespace", "cluster.namespace", ns)));
        cluster.context().ifPresent(ctx -> options.add(SetOverride.forOption("--context", "cluster.context", ctx)));
        cluster.stack().ifPresent(stack -> options.add(SetOverride.forOption("--stack", "cluster.stack", stack)));
        return loadConfig(config, options);
    }

    protected BootstrapConfig loadConfig(ConfigMixin config) {
        return loadConfig(config, List.of());
    }

    private BootstrapConfig loadConfig(ConfigMixin config, List<SetOverride> options) {
        ComponentCatalog catalog = catalog();
        PhasePlan plan = phasePlan();
        ConfigSchema schema = plan.configSchema();
        BuiltInCatalogs builtIn = BuiltInCatalogs.get();
        UserProfiles.Selection profiles = UserProfiles.select(
                catalog == builtIn.components
                        ? builtIn.profiles
                        : ProfileCatalog.fromClasspath().withSettingsFrom(catalog),
                config.configFile(),
                config.profile(),
                Path.of(""),
                plan.ids());
        BootstrapConfig loaded = new ConfigLoader(catalog, profiles.catalog(), schema)
                .load(config.configFile(), profiles.profile(), config.sets(), options);
        loaded.warnings().forEach(warning -> console().warn("%s", warning));
        console()
                .debug(
                        "config %s, profile %s, namespace %s",
                        loaded.source(), loaded.profile().name(), loaded.namespace());
        return loaded;
    }

    protected ComponentCatalog catalog() {
        if (catalog == null) {
            catalog = BuiltInCatalogs.get().components;
        }
        return catalog;
    }

    /**
     * The phases on the classpath (or the test's, see {@link #usePhases}), ordered and checked (duplicates, unknown
     * dependencies, cycles are exit 2).
     */
    protected PhasePlan phasePlan() {
        if (testPhases != null) {
            return PhasePlan.of(testPhases.get());
        }
        List<Phase> phases = new ArrayList<>();
        ServiceLoader.load(Phase.class).forEach(phases::add);
        return PhasePlan.of(phases);
    }

    /** The chart each enabled phase's components install: the config's pin, else the catalog's. */
    static List<ChartRef> pinnedCharts(PhasePlan plan, BootstrapConfig config, StackTopology topology) {
        List<ChartRef> charts = new ArrayList<>();
        for (Phase phase : plan.ordered()) {
            if (phase.enabled(config)) {
                for (String id : phase.components(config)) {
                    charts.add(config.charts()
                            .getOrDefault(id, topology.component(id).chart()));
                }
            }
        }
        return charts;
    }

    /** Every chart the run needs, found or fetched before anything else happens; all missing ones named at once. */
    List<ResolvedChart> requireCharts(
            ChartResolver charts, PhasePlan plan, BootstrapConfig config, StackTopology topology) {
        return charts.resolveAll(pinnedCharts(plan, config, topology));
    }

    /** Tests replace the phases ServiceLoader would find (for example the real ones with controllable probes). */
    void usePhases(Supplier<List<Phase>> source) {
        this.testPhases = Objects.requireNonNull(source, "source");
    }

    /** What the process's signal handlers received (nothing, in tests that run the CLI in-process). */
    protected StopSignals signals() {
        return spec.root().userObject() instanceof ObsBootstrapCommand root ? root.signals() : StopSignals.none();
    }

    /** The work of a command that ends in a report; it may throw anything, the report still comes out. */
    @FunctionalInterface
    protected interface ReportedRun {
        RunReport run(String runId, Instant started);
    }

    /**
     * The whole life of a command that ends in a {@link RunReport} (up, down, verify): whatever happens (bad input, an
     * unreachable cluster, a lock held by another run, a signal, a bug), the text or JSON report goes to stdout and the
     * JUnit file is written, with the run's own failure as an error, so CI always has a result to show.
     */
    protected ExitCode reported(String command, OutputMixin output, ConfigMixin config, ReportedRun run) {
        Instant started = Instant.now();
        String runId = RunIds.next();
        ReportOutput reports = ReportOutput.forStdout(output, Redactor.standard());
        RunReport report;
        try {
            reports.checkJUnitTarget();
            report = run.run(runId, started);
            // a run that ended before its phases says why on stderr too, not only in the report
            report.failure().ifPresent(failure -> console().warn("%s", failure.message()));
        } catch (BootstrapException e) {
            console().error("%s", e.getMessage());
            if (verbosity.debug()) {
                e.printStackTrace(err());
            }
            report = notRun(command, runId, started, config, new RunFailure(e.exitCode(), e.getMessage()));
        } catch (RuntimeException e) {
            String message = ObsBootstrapCommand.internalError(e);
            console().error("%s", message);
            if (verbosity.debug()) {
                e.printStackTrace(err());
            }
            report = notRun(command, runId, started, config, new RunFailure(ExitCode.INTERNAL_ERROR, message));
        }
        StopSignals signals = signals();
        if (signals.exitCode().isPresent()) {
            report = report.withFailure(new RunFailure(
                    signals.exitCode().get(), "stopped by " + signals.signal().orElse("a signal")));
        }
        Thread.interrupted(); // the run is over: writing the reports must not be refused because of the interrupt
        try {
            return reports.emit(report, out(), console());
        } catch (ConfigException e) {
            console().error("%s", e.getMessage());
            return report.exitCode().worst(ExitCode.BAD_INPUT);
        }
    }

    /** A report for a run that ended before its phases: every phase listed, none run, and why. */
    private RunReport notRun(String command, String runId, Instant started, ConfigMixin config, RunFailure failure) {
        List<PhaseOutcome> phases = new ArrayList<>();
        try {
            PhasePlan plan = phasePlan();
            List<Phase> order = command.equals("down") ? plan.reversed() : plan.ordered();
            order.forEach(phase -> phases.add(
                    PhaseOutcome.skipped(phase.id(), PhaseStatus.SKIPPED, "not run: the run ended before its phases")));
            if (command.equals("down")) {
                java.util.Collections.reverse(phases);
            }
        } catch (BootstrapException planBroken) {
            // the phases themselves are the problem: the report has the run's error only
        }
        return new RunReport(
                command,
                runId,
                config.profile().orElse(""),
                started,
                Duration.between(started, Instant.now()),
                phases,
                Optional.of(failure));
    }

    protected Console console() {
        if (console == null) {
            console = StderrConsole.create(err(), verbosity);
        }
        return console;
    }
}
