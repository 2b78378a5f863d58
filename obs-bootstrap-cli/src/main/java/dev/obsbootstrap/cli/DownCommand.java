package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterTarget;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.lock.RunIdentity;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "down",
        description = {
            "Uninstall the phases in reverse order (alerting, traces, logs, metrics, crds).",
            "CRDs and PersistentVolumeClaims are kept unless --purge. Asks for confirmation unless --yes."
        })
public final class DownCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Mixin
    OutputMixin output;

    @Option(names = "--yes", description = "Do not ask; also needed on a protected kube context.")
    boolean yes;

    @Option(
            names = "--purge",
            description =
                    "Also delete the Prometheus Operator CRDs (and every custom resource of them) and the releases' PVCs.")
    boolean purge;

    @Option(
            names = "--charts-dir",
            paramLabel = "DIR",
            description = "Charts for --purge to find the CRD names (as for up). Repeatable.")
    List<Path> chartsDirs = new ArrayList<>();

    @Override
    protected ExitCode doCall() {
        return reported("down", output, configOptions, (runId, started) -> {
            Console console = console();
            BootstrapConfig config = loadConfig(configOptions, clusterOptions);
            StackTopology topology = catalog().topology(config);
            PhasePlan plan = phasePlan();
            try (ClusterHub hub = ClusterSession.open(clusterOptions, config)) {
                ClusterTarget target = ClusterSession.announce(hub, config, yes, "down", console);
                if (purge) {
                    // --purge finds the CRD names in their chart: have it before the first release is removed
                    ChartResolver charts = ChartResolver.standard(chartsDirs, console);
                    charts.resolveAll(pinnedCharts(plan, config, topology).stream()
                            .filter(chart -> topology.components().values().stream()
                                    .anyMatch(c -> c.mode() == InstallMode.APPLY_CRDS
                                            && config.charts()
                                                    .getOrDefault(c.id(), c.chart())
                                                    .equals(chart)))
                            .toList());
                }
                confirm(target, config);
                // down runs no probe: an endpoint-less context, so no probe client is built
                try (EndpointProbeContext probes = EndpointProbeContext.builder(config, topology)
                        .endpoints(Map.of())
                        .runId(runId)
                        .build()) {
                    return ClusterSession.runner(
                                    hub,
                                    target,
                                    config,
                                    topology,
                                    plan,
                                    chartsDirs,
                                    probes,
                                    Optional.empty(),
                                    runId,
                                    console)
                            .down(RunIdentity.current(runId), purge);
                }
            }
        });
    }

    private void confirm(ClusterTarget target, BootstrapConfig config) {
        if (yes) {
            return;
        }
        java.io.Console terminal = System.console();
        if (terminal == null) {
            throw new ConfigException("down removes the stack from " + target.describe() + " namespace "
                    + config.namespace() + ": there is no terminal to confirm on, so pass --yes");
        }
        String answer = terminal.readLine(
                "Remove the observability stack from %s, namespace %s%s? [y/N] ",
                target.describe(), config.namespace(), purge ? ", with its CRDs and volumes" : "");
        if (answer == null
                || !answer.trim().equalsIgnoreCase("y") && !answer.trim().equalsIgnoreCase("yes")) {
            throw new ConfigException("down cancelled: nothing was removed");
        }
    }
}
