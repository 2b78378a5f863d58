package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ReadinessChecks;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.KubeAccess;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.run.PhaseDigest;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerEntry;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.run.RunState;
import dev.obsbootstrap.core.lock.LeaseRunLock;
import dev.obsbootstrap.core.lock.LockHolder;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Command(name = "status",
        description = {
                "Show each phase's release, chart@version, revision, ready/total workloads, last verification and drift.",
                "Drift: what `up` would change: the values and charts the config renders now differ from what the last `up` "
                        + "installed, or a release is no longer at the revision `up` recorded."
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
            String kubeVersion = ClusterSession.helmKubeVersion(ClusterSession.describe(hub, config, console()));
            HelmJavaDriver helm = new HelmJavaDriver(new KubeAccess.KubeconfigContents(hub.kubeconfigContents()),
                    ChartResolver.standard(List.of(), console()));
            LedgerState ledger = new ConfigMapLedgerStore(hub.client(), config.namespace()).read();
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("PHASE", "RELEASE", "CHART", "REVISION", "READY", "VERDICT", "LAST RUN", "DRIFT"));
            for (Phase phase : plan.ordered()) {
                if (!phase.enabled(config)) {
                    rows.add(List.of(phase.id(), "-", "-", "-", "-", "DISABLED", "-", "-"));
                    continue;
                }
                Optional<LedgerEntry> entry = ledger.entry(phase.id());
                String verdict = entry.map(e -> e.verdict().name()).orElse("never run");
                String lastRun = entry.map(e -> e.at().truncatedTo(ChronoUnit.SECONDS) + " " + e.runId()).orElse("-");
                Map<String, String> hashes = currentHashes(phase, config, topology, kubeVersion);
                for (String componentId : phase.components(config)) {
                    ComponentSpec component = topology.component(componentId);
                    // per release when the ledger has per-release digests, else per phase (ledgers written before them)
                    boolean configChanged = entry.map(e -> e.releaseHashes().isEmpty()
                            ? !e.configHash().equals(hashes.get(PHASE_HASH))
                            : !hashes.get(component.release()).equals(e.releaseHashes().get(component.release()))).orElse(false);
                    String chart = config.charts().getOrDefault(componentId, component.chart()).coordinate();
                    if (component.mode() == InstallMode.APPLY_CRDS) {
                        rows.add(List.of(phase.id(), component.release(), chart, "-", "-", verdict, lastRun,
                                entry.isEmpty() ? "-" : drift(configChanged, List.of())));
                        continue;
                    }
                    Optional<HelmRelease> release = helm.status(component.release(), config.namespace());
                    List<String> outside = entry.map(e -> changedOutside(e, component.release(), release)).orElse(List.of());
                    rows.add(List.of(phase.id(), component.release(),
                            release.map(HelmRelease::chart).filter(c -> !c.isEmpty()).orElse(chart),
                            release.map(r -> r.revision() + " " + r.status()).orElse("absent"),
                            release.isPresent() ? readiness(hub.client(), config.namespace(), component) : "-",
                            verdict, lastRun, entry.isEmpty() ? "-" : drift(configChanged, outside)));
                }
            }
            Optional<LockHolder> holder = new LeaseRunLock(hub.client(), config.namespace()).lastHolder();
            PrintWriter out = out();
            printTable(rows, out);
            out.println(lastRunLine(ledger.lastRun(), holder, Instant.now()));
            out.println(lockLine(holder, Instant.now()));
            out.flush();
        }
        return ExitCode.OK;
    }

    /** "last run: obs-1a2b finished", with who ran it, and a run that died said so. */
    static String lastRunLine(LedgerState.LastRun last, Optional<LockHolder> holder, Instant now) {
        if (last.runId().isEmpty()) {
            return "last run: none";
        }
        String state = last.state().word();
        boolean alive = holder.filter(h -> h.identity().runId().equals(last.runId()) && !h.expired(now)).isPresent();
        if (last.state() == RunState.RUNNING && !alive) {
            state = "died while running (it no longer holds the lock; the next up records it as interrupted and repairs what it left)";
        }
        return "last run: " + last.runId() + " " + state + (last.stoppedAt().isEmpty() ? "" : " in phase " + last.stoppedAt())
                + (last.holder().isEmpty() ? "" : " (" + last.holder() + ")");
    }

    /** Who holds the run lock now, if anyone. */
    static String lockLine(Optional<LockHolder> holder, Instant now) {
        if (holder.isEmpty()) {
            return "lock: free";
        }
        if (holder.get().expired(now)) {
            return "lock: free (" + holder.get().describe(now) + " stopped renewing it; the next run takes it over)";
        }
        return "lock: held by " + holder.get().describe(now);
    }

    /**
     * Whether `up` would change the phase: the config renders something else than it installed, or a release is not
     * at the revision `up` recorded (someone upgraded, rolled back or removed it since).
     */
    private static String drift(boolean configChanged, List<String> changedOutside) {
        List<String> reasons = new ArrayList<>();
        if (configChanged) {
            reasons.add("config changed");
        }
        reasons.addAll(changedOutside);
        return reasons.isEmpty() ? "no" : "yes: " + String.join(", ", reasons) + "; run up";
    }

    private static List<String> changedOutside(LedgerEntry entry, String releaseName, Optional<HelmRelease> live) {
        Integer recorded = entry.revisions().get(releaseName);
        if (recorded == null) {
            return List.of("not recorded as installed");
        }
        if (live.isEmpty()) {
            return List.of("release gone (up installed revision " + recorded + ")");
        }
        if (!live.get().deployed() || live.get().revision() != recorded) {
            return List.of("now revision " + live.get().revision() + " " + live.get().status() + ", up installed " + recorded);
        }
        return List.of();
    }

    /** Columns as wide as their widest cell, two spaces apart. */
    private static void printTable(List<List<String>> rows, PrintWriter out) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /**
     * ready/total of the release's Deployments, StatefulSets and DaemonSets: those with the standard instance label,
     * and those its operator creates (the component's operator selectors; their instance label is the operator's).
     */
    private static String readiness(KubernetesClient client, String namespace, ComponentSpec component) {
        Map<String, HasMetadata> workloads = new LinkedHashMap<>();
        List<String> selectors = new ArrayList<>();
        selectors.add(INSTANCE_LABEL + "=" + component.release());
        selectors.addAll(component.operatorWorkloads());
        for (String selector : selectors) {
            List<HasMetadata> found = new ArrayList<>();
            found.addAll(client.apps().deployments().inNamespace(namespace).withLabelSelector(selector).list().getItems());
            found.addAll(client.apps().statefulSets().inNamespace(namespace).withLabelSelector(selector).list().getItems());
            found.addAll(client.apps().daemonSets().inNamespace(namespace).withLabelSelector(selector).list().getItems());
            found.forEach(w -> workloads.putIfAbsent(w.getClass().getSimpleName() + "/" + w.getMetadata().getName(), w));
        }
        long ready = workloads.values().stream().filter(ReadinessChecks::isReady).count();
        return ready + "/" + workloads.size();
    }

    /** The key of the phase's own digest in {@link #currentHashes}. */
    private static final String PHASE_HASH = "";

    /**
     * The digests `up` would record now: per release, and the phase's under "". Values are rendered, charts are not
     * fetched (the digests do not read them).
     */
    private static Map<String, String> currentHashes(Phase phase, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ValuesRenderer values = new ValuesRenderer();
        List<PhaseDigest.Release> releases = new ArrayList<>();
        List<dev.obsbootstrap.core.secret.StackSecret> declared = phase.secrets(config, topology);
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String componentId : phase.components(config)) {
            ComponentSpec component = topology.component(componentId);
            RenderedValues rendered = values.render(component, config, topology, kubeVersion);
            PhaseDigest.Release release = new PhaseDigest.Release(componentId, component.release(), topology.namespace(),
                    config.charts().getOrDefault(componentId, component.chart()), component.mode(), rendered.yaml());
            releases.add(release);
            hashes.put(component.release(), PhaseDigest.of(List.of(release), declared));
        }
        hashes.put(PHASE_HASH, PhaseDigest.of(releases, declared));
        return hashes;
    }
}
