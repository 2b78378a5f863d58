package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.cluster.HelmReleaseRecords;
import dev.obsbootstrap.core.cluster.LiveObjects;
import dev.obsbootstrap.core.cluster.ReadinessChecks;
import dev.obsbootstrap.core.cluster.StatusReads;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.lock.LeaseRunLock;
import dev.obsbootstrap.core.lock.LockHolder;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesPaths;
import dev.obsbootstrap.core.values.ValuesRenderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code status} shows, read from the cluster and the ledger: per release its chart, revision, ready workloads,
 * the last verdict and drift (what {@code up} would change), and the last run and the lock. The CLI only renders it.
 *
 * @param releases one per release of every phase in plan order (a disabled phase: one row without a release)
 * @param lastRun  the ledger's last run
 * @param lock     who holds (or last held) the run lock
 * @param at       when it was read: the lock's expiry is judged against it
 */
public record StackStatus(List<Release> releases, LedgerState.LastRun lastRun, Optional<LockHolder> lock, Instant at) {
    private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";

    public StackStatus {
        releases = List.copyOf(releases);
        Objects.requireNonNull(lastRun, "lastRun");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(at, "at");
    }

    /**
     * One release as status sees it.
     *
     * @param release  empty for a disabled phase
     * @param chart    name-version installed, or the config's chart when none is
     * @param helm     Helm's record; empty when absent (or for CRDs, which are applied, not released)
     * @param ready    ready/total workloads; empty when not applicable
     * @param verdict  the ledger's last verdict for the phase; empty when it never ran
     * @param drift    why {@code up} would change the release; empty list: no drift; empty Optional: unknown (never run)
     */
    public record Release(
            String phase,
            boolean enabled,
            Optional<String> release,
            String chart,
            InstallMode mode,
            Optional<HelmRelease> helm,
            Optional<Readiness> ready,
            Optional<LedgerEntry> verdict,
            Optional<List<String>> drift) {
        public Release {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(chart, "chart");
            drift = drift.map(List::copyOf);
        }
    }

    /** Ready and total Deployments, StatefulSets and DaemonSets of a release. */
    public record Readiness(long ready, long total) {
        @Override
        public String toString() {
            return ready + "/" + total;
        }
    }

    /** "last run: obs-1a2b finished", with who ran it, and a run that died said so. */
    public String lastRunLine() {
        if (lastRun.runId().isEmpty()) {
            return "last run: none";
        }
        String state = lastRun.state().word();
        boolean alive = lock.filter(h -> h.identity().runId().equals(lastRun.runId()) && !h.expired(at))
                .isPresent();
        if (lastRun.state() == RunState.RUNNING && !alive) {
            state =
                    "died while running (it no longer holds the lock; the next up records it as interrupted and repairs what it left)";
        }
        return "last run: " + lastRun.runId() + " " + state
                + (lastRun.stoppedAt().isEmpty() ? "" : " in phase " + lastRun.stoppedAt())
                + (lastRun.holder().isEmpty() ? "" : " (" + lastRun.holder() + ")");
    }

    /** Who holds the run lock now, if anyone. */
    public String lockLine() {
        if (lock.isEmpty()) {
            return "lock: free";
        }
        if (lock.get().expired(at)) {
            return "lock: free (" + lock.get().describe(at) + " stopped renewing it; the next run takes it over)";
        }
        return "lock: held by " + lock.get().describe(at);
    }

    /**
     * Reads the status of every phase of the plan in the config's namespace.
     *
     * @param kubeVersion the version values are rendered for when computing drift (the cluster's)
     */
    public static StackStatus read(
            KubernetesClient client,
            HelmDriver helm,
            PhasePlan plan,
            BootstrapConfig config,
            StackTopology topology,
            String kubeVersion) {
        LedgerState ledger = new ConfigMapLedgerStore(client, config.namespace()).read();
        HelmReleaseRecords records = new HelmReleaseRecords(client);
        List<Release> rows = new ArrayList<>();
        for (Phase phase : plan.ordered()) {
            if (!phase.enabled(config)) {
                rows.add(new Release(
                        phase.id(),
                        false,
                        Optional.empty(),
                        "",
                        InstallMode.HELM_RELEASE,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()));
                continue;
            }
            Optional<LedgerEntry> entry = ledger.entry(phase.id());
            Current current = current(phase, config, topology, kubeVersion);
            for (String componentId : phase.components(config)) {
                ComponentSpec component = topology.component(componentId);
                // per release when the ledger has per-release digests, else per phase (ledgers written before them)
                boolean configChanged = entry.map(e -> e.releaseHashes().isEmpty()
                                ? !e.configHash().equals(current.hashes().get(PHASE_HASH))
                                : !current.hashes()
                                        .get(component.release())
                                        .equals(e.releaseHashes().get(component.release())))
                        .orElse(false);
                ChartRef pinned = config.charts().getOrDefault(componentId, component.chart());
                String chart = pinned.coordinate();
                if (component.mode() == InstallMode.APPLY_CRDS) {
                    rows.add(new Release(
                            phase.id(),
                            true,
                            Optional.of(component.release()),
                            chart,
                            component.mode(),
                            Optional.empty(),
                            Optional.empty(),
                            entry,
                            entry.map(e -> drift(configChanged ? List.of("config changed") : List.of(), List.of()))));
                    continue;
                }
                Optional<HelmRelease> release = helm.status(component.release(), config.namespace());
                List<String> outside = new ArrayList<>(entry.map(e -> changedOutside(e, component.release(), release))
                        .orElse(List.of()));
                if (release.isPresent() && entry.isPresent()) {
                    outside.addAll(missing(client, entry.get(), component.release()));
                }
                List<String> what = configChanged
                        ? whatChanged(
                                records,
                                config.namespace(),
                                pinned,
                                release,
                                current.values().get(componentId))
                        : List.of();
                rows.add(new Release(
                        phase.id(),
                        true,
                        Optional.of(component.release()),
                        release.map(HelmRelease::chart)
                                .filter(c -> !c.isEmpty())
                                .orElse(chart),
                        component.mode(),
                        release,
                        release.map(r -> readiness(client, config.namespace(), component)),
                        entry,
                        entry.map(e -> drift(what, outside))));
            }
            entry.ifPresent(e -> rows.addAll(replaced(client, phase, config, topology, helm, e)));
        }
        Optional<LockHolder> holder = new LeaseRunLock(client, config.namespace()).lastHolder();
        return new StackStatus(rows, ledger.lastRun(), holder, Instant.now());
    }

    /**
     * A row for each release the ledger says obs-bootstrap installed for the phase that the config no longer installs
     * (a choice switched, the phase not verified since): it still runs, and the next {@code up} that verifies the
     * phase removes it.
     */
    private static List<Release> replaced(
            KubernetesClient client,
            Phase phase,
            BootstrapConfig config,
            StackTopology topology,
            HelmDriver helm,
            LedgerEntry entry) {
        List<String> current = phase.components(config).stream()
                .map(id -> topology.component(id).release())
                .toList();
        List<Release> rows = new ArrayList<>();
        for (String name : entry.installedReleases()) {
            if (current.contains(name)) {
                continue;
            }
            Optional<HelmRelease> live = helm.status(name, config.namespace());
            if (live.isEmpty()) {
                continue;
            }
            String chart = entry.replaced().getOrDefault(name, entry.charts().getOrDefault(name, ""));
            Optional<ComponentSpec> component = phase.replacedComponents(config).stream()
                    .map(topology::component)
                    .filter(spec -> spec.release().equals(name))
                    .findFirst();
            rows.add(new Release(
                    phase.id(),
                    true,
                    Optional.of(name),
                    live.map(HelmRelease::chart).filter(c -> !c.isEmpty()).orElse(chart),
                    InstallMode.HELM_RELEASE,
                    live,
                    component.map(c -> readiness(client, config.namespace(), c)),
                    Optional.of(entry),
                    Optional.of(
                            List.of("replaced by this config, removed by the up that verifies phase " + phase.id()))));
        }
        return rows;
    }

    private static final int MISSING_SHOWN = 3;

    /** Objects up installed for the release (the ledger's inventory) that are gone: "missing Deployment ns/x". */
    private static List<String> missing(KubernetesClient client, LedgerEntry entry, String release) {
        List<String> keys = entry.objects().getOrDefault(release, List.of());
        if (keys.isEmpty()) {
            return List.of();
        }
        List<String> gone;
        try {
            gone = LiveObjects.missing(client, keys, "release " + release);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        if (gone.isEmpty()) {
            return List.of();
        }
        return List.of("missing " + String.join(", ", gone.subList(0, Math.min(MISSING_SHOWN, gone.size())))
                + (gone.size() > MISSING_SHOWN ? " (+" + (gone.size() - MISSING_SHOWN) + " more)" : ""));
    }

    /** Why `up` would change the release: what the config renders now, and what happened to it outside obs-bootstrap. */
    private static List<String> drift(List<String> configChanges, List<String> changedOutside) {
        List<String> reasons = new ArrayList<>(configChanges);
        reasons.addAll(changedOutside);
        return reasons;
    }

    private static final int KEYS_SHOWN = 5;

    /**
     * What differs between what the config renders now and what the release was installed with: the chart pin, the
     * values' key paths (never the values). "config changed" when neither shows it (a declared Secret changed).
     */
    private static List<String> whatChanged(
            HelmReleaseRecords records,
            String namespace,
            ChartRef pinned,
            Optional<HelmRelease> live,
            RenderedValues rendered) {
        List<String> what = new ArrayList<>();
        if (live.isPresent()) {
            String wanted = pinned.name() + "-" + pinned.version();
            if (!live.get().chart().isEmpty() && !live.get().chart().equals(wanted)) {
                what.add("chart " + live.get().chart() + " installed, the config pins " + pinned.version());
            }
            records.installedValues(namespace, live.get().name(), live.get().revision())
                    .ifPresent(installed -> {
                        List<String> keys = ValuesPaths.changed(rendered.values(), installed);
                        if (!keys.isEmpty()) {
                            what.add("values differ at "
                                    + String.join(", ", keys.subList(0, Math.min(KEYS_SHOWN, keys.size())))
                                    + (keys.size() > KEYS_SHOWN ? " (+" + (keys.size() - KEYS_SHOWN) + " more)" : ""));
                        }
                    });
        }
        if (what.isEmpty()) {
            what.add("config changed");
        }
        return what;
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
            return List.of(
                    "now revision " + live.get().revision() + " " + live.get().status() + ", up installed " + recorded);
        }
        return List.of();
    }

    /**
     * ready/total of the release's Deployments, StatefulSets and DaemonSets: those with the standard instance label,
     * and those its operator creates (the component's operator selectors; their instance label is the operator's).
     */
    private static Readiness readiness(KubernetesClient client, String namespace, ComponentSpec component) {
        Map<String, HasMetadata> workloads = new LinkedHashMap<>();
        List<String> selectors = new ArrayList<>();
        selectors.add(INSTANCE_LABEL + "=" + component.release());
        selectors.addAll(component.operatorWorkloads());
        for (String selector : selectors) {
            List<HasMetadata> found = new ArrayList<>();
            for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet")) {
                found.addAll(StatusReads.list(client, kind, namespace, Optional.of(selector)));
            }
            found.forEach(w -> workloads.putIfAbsent(
                    w.getClass().getSimpleName() + "/" + w.getMetadata().getName(), w));
        }
        long ready =
                workloads.values().stream().filter(ReadinessChecks::isReady).count();
        return new Readiness(ready, workloads.size());
    }

    /** The key of the phase's own digest in {@link Current#hashes}. */
    private static final String PHASE_HASH = "";

    /** What `up` would install now: the digests it would record (per release, the phase's under ""), and the values. */
    private record Current(Map<String, String> hashes, Map<String, RenderedValues> values) {}

    /** Values are rendered, charts are not fetched (the digests do not read them). */
    private static Current current(Phase phase, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ValuesRenderer renderer = new ValuesRenderer();
        List<PhaseDigest.Release> releases = new ArrayList<>();
        List<StackSecret> declared = phase.secrets(config, topology);
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, RenderedValues> values = new LinkedHashMap<>();
        for (String componentId : phase.components(config)) {
            ComponentSpec component = topology.component(componentId);
            RenderedValues rendered = renderer.render(component, config, topology, kubeVersion);
            values.put(componentId, rendered);
            PhaseDigest.Release release = new PhaseDigest.Release(
                    componentId,
                    component.release(),
                    topology.namespace(),
                    config.charts().getOrDefault(componentId, component.chart()),
                    component.mode(),
                    rendered.yaml());
            releases.add(release);
            hashes.put(component.release(), PhaseDigest.of(List.of(release), declared));
        }
        hashes.put(PHASE_HASH, PhaseDigest.of(releases, declared));
        return new Current(hashes, values);
    }
}
