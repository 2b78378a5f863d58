package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.ExplicitEndpoints;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.probe.ProbeRunner;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunReport;
import okhttp3.HttpUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Probes only: runs the probes of the chosen phases against explicit endpoints or the cluster and reports. Every
 * phase of the plan appears in the report (left out: SKIPPED, switched off: DISABLED); a failing phase does not stop
 * the others. See docs/reports.md.
 */
@Command(name = "verify",
        description = {
                "Run the probes of the chosen phases against the cluster or explicit endpoints, and report.",
                "With --endpoint and no --kubeconfig/--context, no cluster is touched."
        })
public final class VerifyCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Mixin
    OutputMixin output;

    @Option(names = "--phase", paramLabel = "NAME",
            description = "Verify only this phase (repeatable; default: every enabled phase): crds, metrics, logs, traces, alerting.")
    List<String> phases = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "NAME=URL",
            description = "Probe this URL for a topology endpoint instead of reaching it through the cluster's API server, "
                    + "for example prometheus=http://127.0.0.1:9090 (repeatable). Credentials for NAME come from OBS_<NAME>_USER/OBS_<NAME>_PASSWORD.")
    List<String> endpoints = new ArrayList<>();

    @Override
    protected ExitCode doCall() {
        return reported("verify", output, configOptions, (runId, startedAt) -> {
            long started = System.nanoTime();
            PhasePlan plan = phasePlan();
            Set<String> chosen = chosenPhases(plan);
            BootstrapConfig config = loadConfig(configOptions, clusterOptions);
            StackTopology topology = catalog().topology(config);
            Map<String, HttpUrl> explicit = ExplicitEndpoints.parse(endpoints, topology.endpoints().keySet());
            // Ctrl-C interrupts the probes: the report (phase INTERRUPTED, exit 130) still comes out
            List<PhaseOutcome> outcomes = probePhases(plan, chosen, config, topology, explicit, runId, console());
            return new RunReport("verify", runId, config.profile().name(), startedAt, Duration.ofNanos(System.nanoTime() - started), outcomes);
        });
    }

    private List<PhaseOutcome> probePhases(PhasePlan plan, Set<String> chosen, BootstrapConfig config, StackTopology topology,
                                           Map<String, HttpUrl> explicit, String runId, Console console) {
        List<PhaseOutcome> outcomes = new ArrayList<>();
        try (ContextHandle context = openContext(config, topology, plan, explicit, runId)) {
            ProbeRunner runner = new ProbeRunner(console);
            boolean interrupted = false;
            for (Phase phase : plan.ordered()) {
                if (interrupted) {
                    outcomes.add(PhaseOutcome.skipped(phase.id(), PhaseStatus.SKIPPED, "not run: the run was interrupted"));
                } else if (!chosen.contains(phase.id())) {
                    outcomes.add(PhaseOutcome.skipped(phase.id(), PhaseStatus.SKIPPED, "not selected (--phase " + String.join(" --phase ", phases) + ")"));
                } else if (phases.isEmpty() && !phase.enabled(config)) {
                    outcomes.add(PhaseOutcome.skipped(phase.id(), PhaseStatus.DISABLED,
                            "switched off in the config (" + config.source() + ", profile " + config.profile().name() + ")"));
                } else {
                    if (!phase.enabled(config)) {
                        console.forPhase(phase.id()).info("switched off in the config, verified anyway because --phase names it");
                    }
                    PhaseOutcome outcome = verify(phase, config, context.context(), runner, console);
                    interrupted = outcome.status() == PhaseStatus.INTERRUPTED;
                    outcomes.add(outcome);
                }
            }
        }
        return outcomes;
    }

    /** The --phase names, checked against the plan; without --phase, every phase (disabled ones are dropped later). */
    private Set<String> chosenPhases(PhasePlan plan) {
        if (phases.isEmpty()) {
            return new LinkedHashSet<>(plan.ids());
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : phases) {
            chosen.add(plan.phase(name, "--phase").id());
        }
        return chosen;
    }

    PhaseOutcome verify(Phase phase, BootstrapConfig config, ProbeContext context, ProbeRunner runner, Console console) {
        Console phaseConsole = console.forPhase(phase.id());
        long started = System.nanoTime();
        List<Probe> probes = capDeadlines(phase.probes(config));
        if (probes.isEmpty()) {
            phaseConsole.warn("this phase has no probes: nothing to verify");
            return new PhaseOutcome(phase.id(), PhaseStatus.VERIFIED, Duration.ZERO, List.of(), List.of(), "no probes to run");
        }
        phaseConsole.info("running %d %s", probes.size(), probes.size() == 1 ? "probe" : "probes");
        List<ProbeResult> results;
        try {
            results = runner.run(phase.id(), probes, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PhaseOutcome(phase.id(), PhaseStatus.INTERRUPTED, Duration.ofNanos(System.nanoTime() - started),
                    List.of(), List.of(), "interrupted while probing");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        List<String> failed = results.stream().filter(r -> !r.passed()).map(ProbeResult::probe).toList();
        if (failed.isEmpty()) {
            return new PhaseOutcome(phase.id(), PhaseStatus.VERIFIED, took, List.of(), results, "");
        }
        return new PhaseOutcome(phase.id(), PhaseStatus.VERIFY_FAILED, took, List.of(), results,
                failed.size() + " of " + results.size() + " probes failed: " + String.join(", ", failed));
    }

    /** --timeout, for verify: no probe keeps trying longer than this. */
    private List<Probe> capDeadlines(List<Probe> probes) {
        if (clusterOptions.timeout().isEmpty()) {
            return probes;
        }
        Duration cap = clusterOptions.timeout().get();
        return probes.stream().map(probe -> probe.deadline().compareTo(cap) > 0 ? (Probe) new CappedProbe(probe, cap) : probe).toList();
    }

    /** A probe with a shorter deadline; everything else is the original's. */
    private record CappedProbe(Probe probe, Duration deadline) implements Probe {
        @Override
        public String name() {
            return probe.name();
        }

        @Override
        public String proves() {
            return probe.proves();
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) throws Exception {
            return probe.attempt(context);
        }
    }

    /**
     * Explicit endpoints and no cluster option: no cluster at all. Otherwise the cluster, through the API server's
     * service and pod proxies, with the explicit endpoints (if any) used instead for those names.
     */
    private ContextHandle openContext(BootstrapConfig config, StackTopology topology, PhasePlan plan, Map<String, HttpUrl> explicit,
                                      String runId) {
        boolean clusterAsked = clusterOptions.kubeconfig().isPresent() || clusterOptions.context().isPresent();
        if (!explicit.isEmpty() && !clusterAsked) {
            console().debug("explicit endpoints %s: no cluster is used", explicit.keySet());
            EndpointProbeContext context = EndpointProbeContext.builder(config, topology).endpoints(explicit).runId(runId).build();
            return new ContextHandle(context, context::close);
        }
        ClusterHub hub = ClusterSession.open(clusterOptions, config);
        try {
            // verify only reads, so a protected context needs no --yes
            ClusterSession.describe(hub, config, console());
            ClusterProbeContext context = ClusterSession.probeContext(config, topology, hub, plan, explicit, runId);
            return new ContextHandle(context, () -> {
                context.close();
                hub.close();
            });
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    /** A probe context and how to release it. */
    private record ContextHandle(ProbeContext context, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}
