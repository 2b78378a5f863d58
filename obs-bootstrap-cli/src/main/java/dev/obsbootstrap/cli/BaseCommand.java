package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.ConfigLoader;
import dev.obsbootstrap.core.config.ProfileCatalog;
import dev.obsbootstrap.core.config.SetOverride;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.report.Console;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

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
        return loadConfig(config, options);
    }

    protected BootstrapConfig loadConfig(ConfigMixin config) {
        return loadConfig(config, List.of());
    }

    private BootstrapConfig loadConfig(ConfigMixin config, List<SetOverride> options) {
        ComponentCatalog catalog = catalog();
        BootstrapConfig loaded = new ConfigLoader(catalog, ProfileCatalog.fromClasspath())
                .load(config.configFile(), config.profile(), config.sets(), options);
        loaded.warnings().forEach(warning -> console().warn("%s", warning));
        console().debug("config %s, profile %s, namespace %s", loaded.source(), loaded.profile().name(), loaded.namespace());
        return loaded;
    }

    protected ComponentCatalog catalog() {
        if (catalog == null) {
            catalog = ComponentCatalog.fromClasspath();
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

    /** Tests replace the phases ServiceLoader would find (for example the real ones with controllable probes). */
    void usePhases(Supplier<List<Phase>> source) {
        this.testPhases = Objects.requireNonNull(source, "source");
    }

    protected Console console() {
        if (console == null) {
            console = StderrConsole.create(err(), verbosity);
        }
        return console;
    }
}
