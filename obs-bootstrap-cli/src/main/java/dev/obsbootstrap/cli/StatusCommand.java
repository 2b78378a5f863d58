package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ReadinessChecks;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.KubeAccess;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.run.ClusterPhaseActions;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerEntry;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "status",
        description = {
                "Show each phase's release, chart@version, revision, ready/total workloads, last verification and drift.",
                "Drift: the values and charts the config renders now differ from what the last `up` installed."
        })
public final class StatusCommand extends BaseCommand {
    private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";

    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Override
    protected ExitCode doCall() {
        BootstrapConfig config = loadConfig(configOptions, clusterOptions);
        StackTopology topology = catalog().topology(config);
        PhasePlan plan = phasePlan();
        try (ClusterHub hub = ClusterSession.open(clusterOptions, config)) {
            String kubeVersion = ClusterSession.helmKubeVersion(ClusterSession.announce(hub, config, true, "status", console()));
            HelmJavaDriver helm = new HelmJavaDriver(new KubeAccess.KubeconfigContents(hub.kubeconfigContents()),
                    ChartResolver.standard(List.of(), console()));
            LedgerState ledger = new ConfigMapLedgerStore(hub.client(), config.namespace()).read();
            PrintWriter out = out();
            String format = "%-9s %-17s %-33s %-9s %-8s %-10s %-30s %s%n";
            out.printf(format, "PHASE", "RELEASE", "CHART", "REVISION", "READY", "VERDICT", "LAST RUN", "DRIFT");
            for (Phase phase : plan.ordered()) {
                if (!phase.enabled(config)) {
                    out.printf(format, phase.id(), "-", "-", "-", "-", "DISABLED", "-", "-");
                    continue;
                }
                Optional<LedgerEntry> entry = ledger.entry(phase.id());
                String verdict = entry.map(e -> e.verdict().name()).orElse("never run");
                String lastRun = entry.map(e -> e.at() + " " + e.runId()).orElse("-");
                String drift = entry.map(e -> e.configHash().equals(currentHash(phase, config, topology, kubeVersion)) ? "no" : "yes: run up")
                        .orElse("-");
                for (String componentId : phase.components(config)) {
                    ComponentSpec component = topology.component(componentId);
                    String chart = config.charts().getOrDefault(componentId, component.chart()).coordinate();
                    if (component.mode() == InstallMode.APPLY_CRDS) {
                        out.printf(format, phase.id(), component.release(), chart, "-", "-", verdict, lastRun, drift);
                        continue;
                    }
                    Optional<HelmRelease> release = helm.status(component.release(), config.namespace());
                    out.printf(format, phase.id(), component.release(),
                            release.map(HelmRelease::chart).filter(c -> !c.isEmpty()).orElse(chart),
                            release.map(r -> r.revision() + " " + r.status()).orElse("absent"),
                            release.isPresent() ? readiness(hub.client(), config.namespace(), component.release()) : "-",
                            verdict, lastRun, drift);
                }
            }
            out.printf("last run: %s %s%s%n", ledger.lastRun().runId().isEmpty() ? "none" : ledger.lastRun().runId(),
                    ledger.lastRun().state(), ledger.lastRun().stoppedAt().isEmpty() ? "" : " in phase " + ledger.lastRun().stoppedAt());
            out.flush();
        }
        return ExitCode.OK;
    }

    /** ready/total of the release's Deployments, StatefulSets and DaemonSets, found by the standard instance label. */
    private static String readiness(KubernetesClient client, String namespace, String release) {
        List<HasMetadata> workloads = new ArrayList<>();
        workloads.addAll(client.apps().deployments().inNamespace(namespace).withLabel(INSTANCE_LABEL, release).list().getItems());
        workloads.addAll(client.apps().statefulSets().inNamespace(namespace).withLabel(INSTANCE_LABEL, release).list().getItems());
        workloads.addAll(client.apps().daemonSets().inNamespace(namespace).withLabel(INSTANCE_LABEL, release).list().getItems());
        long ready = workloads.stream().filter(ReadinessChecks::isReady).count();
        return ready + "/" + workloads.size();
    }

    /** The hash `up` would record now; values are rendered, charts are not fetched (the hash does not read them). */
    private static String currentHash(Phase phase, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ValuesRenderer values = new ValuesRenderer();
        List<ReleaseSpec> specs = new ArrayList<>();
        for (String componentId : phase.components(config)) {
            ComponentSpec component = topology.component(componentId);
            ChartRef chart = config.charts().getOrDefault(componentId, component.chart());
            RenderedValues rendered = values.render(component, config, topology, kubeVersion);
            specs.add(new ReleaseSpec(componentId, component.release(), topology.namespace(), chart, Path.of(chart.name()),
                    rendered.values(), rendered.yaml(), component.mode(), config.profile().timeoutFor(phase.id())));
        }
        return ClusterPhaseActions.configHash(specs, phase.secrets(config, topology));
    }
}
