package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.ExplicitEndpoints;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.RunReport;
import dev.obsbootstrap.core.run.Verifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Probes only: runs the probes of the chosen phases against explicit endpoints or the cluster and reports. Every
 * phase of the plan appears in the report (left out: SKIPPED, switched off: DISABLED); a failing phase does not stop
 * the others. See docs/reports.md.
 */
@Command(
        name = "verify",
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

    @Option(
            names = "--phase",
            paramLabel = "NAME",
            description =
                    "Verify only this phase (repeatable; default: every enabled phase). The phases are those `plan` lists.")
    List<String> phases = new ArrayList<>();

    @Option(
            names = "--endpoint",
            paramLabel = "NAME=URL",
            description =
                    "Probe this URL for a topology endpoint instead of reaching it through the cluster's API server, "
                            + "for example NAME=http://127.0.0.1:9090 (repeatable; the names are the catalog's endpoints). Credentials for NAME "
                            + "come from OBS_<NAME>_USER/OBS_<NAME>_PASSWORD.")
    List<String> endpoints = new ArrayList<>();

    @Override
    protected ExitCode doCall() {
        return reported("verify", output, configOptions, (runId, startedAt) -> {
            long started = System.nanoTime();
            PhasePlan plan = phasePlan();
            Verifier.Selection chosen = Verifier.Selection.of(plan, phases, "--phase");
            BootstrapConfig config = loadConfig(configOptions, clusterOptions);
            StackTopology topology = catalog().topology(config);
            Map<String, HttpUrl> explicit =
                    ExplicitEndpoints.parse(endpoints, topology.endpoints().keySet());
            // Ctrl-C interrupts the probes: the report (phase INTERRUPTED, exit 130) still comes out
            List<PhaseOutcome> outcomes = probePhases(plan, chosen, config, topology, explicit, runId, console());
            return new RunReport(
                    "verify",
                    runId,
                    config.profile().name(),
                    startedAt,
                    Duration.ofNanos(System.nanoTime() - started),
                    outcomes);
        });
    }

    private List<PhaseOutcome> probePhases(
            PhasePlan plan,
            Verifier.Selection chosen,
            BootstrapConfig config,
            StackTopology topology,
            Map<String, HttpUrl> explicit,
            String runId,
            Console console) {
        try (ContextHandle context = openContext(config, topology, plan, explicit, runId)) {
            return new Verifier(console, clusterOptions.timeout()).verify(plan, chosen, config, context.context());
        }
    }

    /**
     * Explicit endpoints and no cluster option: no cluster at all. Otherwise the cluster, through the API server's
     * service and pod proxies, with the explicit endpoints (if any) used instead for those names.
     */
    private ContextHandle openContext(
            BootstrapConfig config,
            StackTopology topology,
            PhasePlan plan,
            Map<String, HttpUrl> explicit,
            String runId) {
        boolean clusterAsked = clusterOptions.kubeconfig().isPresent()
                || clusterOptions.context().isPresent();
        if (!explicit.isEmpty() && !clusterAsked) {
            console().debug("explicit endpoints %s: no cluster is used", explicit.keySet());
            EndpointProbeContext context = EndpointProbeContext.builder(config, topology)
                    .endpoints(explicit)
                    .runId(runId)
                    .build();
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
