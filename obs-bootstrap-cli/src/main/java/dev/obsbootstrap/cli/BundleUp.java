package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterTarget;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.lock.RunIdentity;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.plan.BundleInstall;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import dev.obsbootstrap.core.run.RunOptions;
import dev.obsbootstrap.core.run.Runner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code up --bundle DIR}: the reviewed bundle installed as it is. Its digests are checked before anything connects,
 * its own config (inputs/) drives the run, Helm gets its values files and charts, and before the first write every
 * release must template into exactly the reviewed manifests for this cluster's Kubernetes version. The rest is the
 * ordinary {@code up}: lock, ledger, phases in order, waits, probes, reports.
 */
final class BundleUp {
    private final UpCommand up;
    private final Path directory;

    BundleUp(UpCommand up, Path directory) {
        this.up = up;
        this.directory = directory;
    }

    ExitCode run() {
        ConfigMixin configOptions = bundleConfigOrEmpty();
        return up.reported("up", up.output, configOptions, (runId, started) -> {
            BundleOptions.refuseConfigOptions("up", up.configOptions, up.chartsDirs, up.clusterOptions);
            BundleInstall reviewed = BundleInstall.open(directory);
            Console console = up.console();
            console.info(
                    "bundle %s: digests match (%s), planned for Kubernetes %s, profile %s",
                    directory, reviewed.digest(), reviewed.inputs().kubeVersion(), reviewed.profile());
            PhasePlan plan = up.phasePlan();
            RunOptions options = new RunOptions(
                    up.skipVerify, Optional.ofNullable(up.from), Optional.ofNullable(up.only), up.onFailure);
            Runner.checkSelection(plan, options);
            BootstrapConfig config = up.loadConfig(BundleOptions.config(reviewed), up.clusterOptions);
            StackTopology topology = up.catalog().topology(config);
            ReleaseRenderer renderer = reviewed.renderer(console);
            try (ClusterHub hub = ClusterSession.open(up.clusterOptions, config)) {
                ClusterTarget target = ClusterSession.announce(hub, config, up.yes, "up", console);
                String kubeVersion = ClusterSession.helmKubeVersion(target);
                reviewed.checkRendering(plan, config, topology, renderer, HelmJavaDriver.templateOnly(), kubeVersion);
                console.info(
                        "every release renders for Kubernetes %s exactly as reviewed: installing the bundle's bytes",
                        kubeVersion);
                try (ClusterProbeContext probes =
                        ClusterSession.probeContext(config, topology, hub, plan, Map.of(), runId)) {
                    Runner runner = ClusterSession.runner(
                            hub,
                            target,
                            config,
                            topology,
                            plan,
                            reviewed.charts(console),
                            renderer,
                            probes,
                            up.clusterOptions.timeout(),
                            runId,
                            console);
                    console.info(
                            "run %s: bundle %s, profile %s, phases %s",
                            runId, reviewed.digest(), config.profile().name(), String.join(" -> ", plan.ids()));
                    return runner.up(RunIdentity.current(runId), options);
                }
            }
        });
    }

    /** For the report of a run that fails before the bundle is open: the profile is not known yet. */
    private static ConfigMixin bundleConfigOrEmpty() {
        return ConfigMixin.of(null, Optional.empty(), List.of());
    }
}
