package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.cluster.CrdApplier;
import dev.obsbootstrap.core.cluster.Diagnostics;
import dev.obsbootstrap.core.cluster.FailFast;
import dev.obsbootstrap.core.cluster.HelmReleaseRecords;
import dev.obsbootstrap.core.cluster.ImmutableFields;
import dev.obsbootstrap.core.cluster.KubeErrors;
import dev.obsbootstrap.core.cluster.LiveObjects;
import dev.obsbootstrap.core.cluster.ReadMemo;
import dev.obsbootstrap.core.cluster.ReadinessChecks;
import dev.obsbootstrap.core.cluster.ResourceRef;
import dev.obsbootstrap.core.cluster.StackSecrets;
import dev.obsbootstrap.core.cluster.Waiter;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.Durations;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.manifest.PodSecurity;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.probe.ProbeRunner;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import dev.obsbootstrap.core.secret.StackSecret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The real cluster work behind {@link Runner}: Secrets the phase declares, {@code helm upgrade --install} of each
 * release (CRD charts are templated and server-side applied instead), a watch-based wait for every workload Helm
 * wrote and the operator created, and the phase's probes. Knows no component by name: everything comes from the
 * phase, the catalog and the rendered manifests.
 *
 * <p>It also remembers what this run itself did to each release (installed it, or upgraded it from which deployed
 * revision), because that, and not a release's status afterwards, decides what a rollback may touch.
 */
public final class ClusterPhaseActions implements PhaseActions {
    /** The revision the ledger records for a CRD set that is applied and Established (CRDs have no Helm history). */
    static final int CRDS_PRESENT = 1;

    private final BootstrapConfig config;
    private final StackTopology topology;
    private final KubernetesClient client;
    private final HelmDriver helm;
    private final ReleaseRenderer renderer;
    private final StackSecrets secrets;
    private final ProbeRunner probes;
    private final ProbeContext probeContext;
    private final String kubeVersion;
    private final Optional<Duration> timeoutOverride;
    private final String runId;
    private final FailFast failFast;
    private final Console console;
    private final Map<String, List<ReleaseSpec>> prepared = new LinkedHashMap<>();
    private final Map<String, List<StackSecret>> declaredSecrets = new LinkedHashMap<>();
    private final Map<String, List<ResourceRef>> awaited = new LinkedHashMap<>();
    /** What this run did to each phase's releases, in the order it did it. */
    private final Map<String, List<ReleaseChange>> changes = new LinkedHashMap<>();
    /** Rendered manifests by release, within this run: each release is templated at most once. */
    private final Map<ReleaseSpec, String> templates = new HashMap<>();
    /**
     * The cluster's answers this run may use again a moment later ({@link ReadMemo}): the checks before the first write
     * and the phases after them ask many of the same questions. Forgotten around every write.
     */
    private final ReadMemo reads = new ReadMemo();
    /** Phase -> the CRDs its last {@link #deployedRevisions} found present and Established. */
    private final Map<String, Set<String>> establishedCrds = new HashMap<>();
    /** Phase -> the workload lists its check for deleted objects read ({@link LiveObjects.Listing#workloads}). */
    private final Map<String, Map<List<String>, List<? extends HasMetadata>>> listedWorkloads = new HashMap<>();
    /** Those of the phase whose unchanged workloads are being awaited now; empty otherwise. */
    private Map<List<String>, List<? extends HasMetadata>> freshWorkloads = Map.of();
    /** See {@link #podSecurity()}. */
    private Map<String, PodSecurityLevel> podSecurityLevels;

    /** One Helm write of this run: whether the release existed before it, and which revision was deployed then. */
    private record ReleaseChange(
            String release, String namespace, boolean existedBefore, Optional<Integer> deployedBefore) {}

    /**
     * @param probes          runs with the root console: it tags lines with the phase itself
     * @param timeoutOverride --timeout, which wins over the profile's per-phase timeouts
     * @param runId           recorded in the description of every Helm revision this run writes
     */
    public ClusterPhaseActions(
            BootstrapConfig config,
            StackTopology topology,
            KubernetesClient client,
            HelmDriver helm,
            ReleaseRenderer renderer,
            StackSecrets secrets,
            ProbeRunner probes,
            ProbeContext probeContext,
            String kubeVersion,
            Optional<Duration> timeoutOverride,
            String runId,
            FailFast failFast,
            Console console) {
        this.config = Objects.requireNonNull(config, "config");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.client = Objects.requireNonNull(client, "client");
        this.helm = Objects.requireNonNull(helm, "helm");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.probeContext = Objects.requireNonNull(probeContext, "probeContext");
        this.kubeVersion = Objects.requireNonNull(kubeVersion, "kubeVersion");
        this.timeoutOverride = Objects.requireNonNull(timeoutOverride, "timeoutOverride");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.failFast = Objects.requireNonNull(failFast, "failFast");
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public PreparedPhase prepare(Phase phase) {
        try {
            return prepare(phase, Optional::empty);
        } catch (InterruptedException e) {
            throw new IllegalStateException("nothing to wait for without a ledger", e);
        }
    }

    /**
     * Resolves the phase's charts and digests what each release's values are rendered from; renders them unless the
     * ledger's entry was recorded from the same inputs (then its digests are this phase's, and a release's values are
     * rendered only if something reads them: an unchanged up never does).
     */
    @Override
    public PreparedPhase prepare(Phase phase, Recorded recorded) throws InterruptedException {
        List<ReleaseSpec> specs = new ArrayList<>();
        List<PhaseDigest.Release> inputs = new ArrayList<>();
        Map<String, String> releases = new LinkedHashMap<>();
        Map<String, String> components = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>(phase.configProblems(config));
        for (String componentId : phase.components(config)) {
            try {
                ReleaseRenderer.Deferred deferred =
                        renderer.deferredSpec(phase, topology.component(componentId), config, topology, kubeVersion);
                ReleaseSpec spec = deferred.spec();
                specs.add(spec);
                deferred.inputsDigest()
                        .ifPresent(digest -> inputs.add(new PhaseDigest.Release(
                                spec.componentId(),
                                spec.releaseName(),
                                spec.namespace(),
                                spec.chart(),
                                spec.mode(),
                                "render inputs " + digest)));
                releases.put(spec.releaseName(), spec.chart().coordinate());
                components.put(spec.releaseName(), spec.componentId());
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        List<StackSecret> declared = problems.isEmpty() ? phase.secrets(config, topology) : List.of();
        String inputsHash = problems.isEmpty() && inputs.size() == specs.size() ? PhaseDigest.of(inputs, declared) : "";
        Optional<LedgerEntry> sameInputs = inputsHash.isEmpty()
                ? Optional.empty()
                : recorded.entry().filter(entry -> entry.inputsHash().equals(inputsHash));
        if (sameInputs.isEmpty()) {
            for (ReleaseSpec spec : specs) {
                try {
                    spec.valuesYaml(); // rendered now: every template error of the run is reported before any write
                } catch (ConfigException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        prepared.put(phase.id(), specs);
        declaredSecrets.put(phase.id(), declared);
        Map<String, String> releaseHashes = new LinkedHashMap<>();
        String configHash;
        if (sameInputs.isPresent()) {
            // the recorded digests are of these very values: same inputs render the same (ValuesInputs)
            configHash = sameInputs.get().configHash();
            releaseHashes.putAll(sameInputs.get().releaseHashes());
        } else {
            configHash =
                    PhaseDigest.of(specs.stream().map(PhaseDigest.Release::of).toList(), declared);
            specs.forEach(spec -> releaseHashes.put(
                    spec.releaseName(), PhaseDigest.of(List.of(PhaseDigest.Release.of(spec)), declared)));
        }
        Map<String, String> replaces = new LinkedHashMap<>();
        for (String componentId : phase.replacedComponents(config)) {
            ComponentSpec replaced = topology.component(componentId);
            if (replaced.mode() == InstallMode.HELM_RELEASE && !releases.containsKey(replaced.release())) {
                replaces.put(replaced.release(), componentId);
            }
        }
        return new PreparedPhase(phase.id(), releases, configHash, components, releaseHashes, replaces, inputsHash);
    }

    // ---- before the first write
    // --------------------------------------------------------------------------------------

    @Override
    public List<Problem> check(
            List<PreparedPhase> phases, List<PreparedPhase> changing, Map<String, Integer> deadRunWrites)
            throws InterruptedException {
        List<Problem> problems = new ArrayList<>();
        for (PreparedPhase phase : phases) {
            for (StackSecret declared : declaredSecrets.getOrDefault(phase.phaseId(), List.of())) {
                secrets.problems(declared)
                        .forEach(message -> problems.add(Problem.badInput("[" + phase.phaseId() + "] " + message)));
            }
            if (!changing.contains(phase)) {
                // unchanged: the run found every release's latest revision deployed (Runner#unchanged), so none is
                // pending and nothing below applies; reading Helm's records again would only repeat that
                continue;
            }
            for (ReleaseSpec spec : specs(phase)) {
                checkInterrupt();
                if (spec.mode() != InstallMode.HELM_RELEASE) {
                    continue;
                }
                List<HelmRelease> history = helm.history(spec.releaseName(), spec.namespace());
                Optional<HelmRelease> latest =
                        history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
                if (latest.isPresent()
                        && latest.get().status().isPending()
                        && !Integer.valueOf(latest.get().revision()).equals(deadRunWrites.get(spec.releaseName()))) {
                    problems.add(Problem.cluster(unexplainedPending(spec, latest.get(), history)));
                }
                // rendered now, so a chart that rejects its values fails here, before any phase was written
                try {
                    String manifest = template(spec);
                    if (!history.isEmpty()) {
                        new ImmutableFields(client)
                                .problems(spec.releaseName(), manifest, spec.namespace())
                                .forEach(message ->
                                        problems.add(Problem.badInput("[" + phase.phaseId() + "] " + message)));
                    }
                } catch (ConfigException e) {
                    problems.add(Problem.badInput("[" + phase.phaseId() + "] " + e.getMessage()));
                }
            }
        }
        return problems;
    }

    /** A pending release no run of ours explains: someone else's helm command, maybe still running. Left alone. */
    private static String unexplainedPending(ReleaseSpec spec, HelmRelease latest, List<HelmRelease> history) {
        Optional<HelmRelease> lastGood = lastDeployed(history, latest.revision());
        String recover = lastGood.map(good ->
                        "helm -n " + spec.namespace() + " rollback " + spec.releaseName() + " " + good.revision())
                .orElse("helm -n " + spec.namespace() + " uninstall " + spec.releaseName());
        return "release " + spec.releaseName() + " in namespace " + spec.namespace() + " is " + latest.status()
                + " at revision "
                + latest.revision() + " (\"" + latest.description()
                + "\"), and no obs-bootstrap run explains it: another helm command "
                + "started it and may still be running, so obs-bootstrap leaves it alone. If nothing is running on it any more, "
                + "recover it with: " + recover;
    }

    @Override
    public List<String> recover(List<PreparedPhase> phases, Map<String, Integer> deadRunWrites)
            throws InterruptedException {
        reads.forget(); // what was read before a write does not stand for after it, nor after a failed one
        try {
            return writeRecover(phases, deadRunWrites);
        } finally {
            reads.forget();
        }
    }

    private List<String> writeRecover(List<PreparedPhase> phases, Map<String, Integer> deadRunWrites)
            throws InterruptedException {
        List<String> done = new ArrayList<>();
        HelmReleaseRecords records = new HelmReleaseRecords(client);
        for (PreparedPhase phase : phases) {
            for (ReleaseSpec spec : specs(phase)) {
                checkInterrupt();
                Integer revision = deadRunWrites.get(spec.releaseName());
                if (spec.mode() != InstallMode.HELM_RELEASE || revision == null) {
                    continue;
                }
                List<HelmRelease> history = helm.history(spec.releaseName(), spec.namespace());
                Optional<HelmRelease> pending = history.stream()
                        .filter(h -> h.revision() == revision && h.status().isPending())
                        .findFirst();
                if (pending.isEmpty()) {
                    continue; // the dead run's write finished after all
                }
                String release = spec.releaseName();
                records.markFailed(
                        spec.namespace(),
                        release,
                        revision,
                        "obs-bootstrap run " + runId + ": the run that wrote this revision died before it finished");
                Optional<HelmRelease> lastGood = lastDeployed(history, revision);
                if (lastGood.isEmpty()) {
                    helm.uninstall(release, spec.namespace());
                    done.add(release + " was left " + pending.get().status() + " at revision " + revision
                            + " by the dead run and had never been deployed: removed (this run installs it again)");
                    continue;
                }
                try {
                    HelmRelease back = helm.rollback(
                            release,
                            spec.namespace(),
                            lastGood.get().revision(),
                            "obs-bootstrap run " + runId + ": back to revision "
                                    + lastGood.get().revision() + " after a dead run's upgrade");
                    done.add(release + " was left " + pending.get().status() + " at revision " + revision
                            + " by the dead run: marked " + "failed and rolled back to revision "
                            + lastGood.get().revision() + " (now revision " + back.revision() + ")");
                } catch (ConfigException chartMissing) {
                    done.add(release + " was left " + pending.get().status() + " at revision " + revision
                            + " by the dead run: marked " + "failed (revision "
                            + lastGood.get().revision() + " stays deployed; " + chartMissing.getMessage() + ")");
                }
            }
        }
        return done;
    }

    private static Optional<HelmRelease> lastDeployed(List<HelmRelease> history, int before) {
        return history.stream()
                .filter(h -> h.revision() < before && h.status().wasDeployed())
                .reduce((first, second) -> second);
    }

    // ---- state
    // ----------------------------------------------------------------------------------------------------------

    @Override
    public Map<String, Integer> deployedRevisions(PreparedPhase phase, Optional<LedgerEntry> recorded)
            throws InterruptedException {
        Map<String, Integer> revisions = new LinkedHashMap<>();
        HelmReleaseRecords records = new HelmReleaseRecords(client);
        Set<String> established = new java.util.HashSet<>();
        establishedCrds.put(phase.phaseId(), established);
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            if (spec.mode() == InstallMode.APPLY_CRDS) {
                List<String> crds = crdNames(phase, spec, recorded);
                if (crdsPresent(crds)) {
                    revisions.put(spec.releaseName(), CRDS_PRESENT);
                    established.addAll(crds);
                }
            } else {
                // what helm status would say, from Helm's records: deciding "nothing changed" needs no Helm
                deployedRevision(records, spec).ifPresent(revision -> revisions.put(spec.releaseName(), revision));
            }
        }
        return revisions;
    }

    /** What helm status would say of the release's deployed revision, from Helm's records (a moment old at most). */
    private Optional<Integer> deployedRevision(HelmReleaseRecords records, ReleaseSpec spec) {
        return reads.answer(helmQuestion(spec), () -> records.deployedRevision(spec.namespace(), spec.releaseName()));
    }

    private static String helmQuestion(ReleaseSpec spec) {
        return "helm records " + spec.namespace() + " " + spec.releaseName();
    }

    /**
     * Asks at once what {@link #deployedRevisions} and {@link #missingObjects} will ask of each phase one question at a
     * time: each release's Helm records, the CRDs the ledger recorded, and, for a phase whose digest is the recorded
     * one (the only kind whose objects are checked), the collections its objects are in. Nothing is rendered for it:
     * a phase the ledger has no objects of is left to those methods.
     */
    @Override
    public void readAhead(List<PreparedPhase> phases, Function<String, Optional<LedgerEntry>> recorded)
            throws InterruptedException {
        // question -> its read: phases of one namespace list the same collections, and each is asked once
        Map<String, Runnable> ahead = new LinkedHashMap<>();
        HelmReleaseRecords records = new HelmReleaseRecords(client);
        for (PreparedPhase phase : phases) {
            Optional<LedgerEntry> entry = recorded.apply(phase.phaseId());
            for (ReleaseSpec spec : specs(phase)) {
                if (spec.mode() == InstallMode.APPLY_CRDS) {
                    recordedObjects(phase, spec, entry).stream()
                            .flatMap(List::stream)
                            .filter(ref -> ref.kind().equals("CustomResourceDefinition"))
                            .forEach(ref -> ahead.putIfAbsent(
                                    LiveObjects.crdQuestion(ref.name()),
                                    () -> LiveObjects.crd(client, ref.name(), reads)));
                } else {
                    ahead.putIfAbsent(helmQuestion(spec), () -> deployedRevision(records, spec));
                }
            }
            entry.filter(e -> e.configHash().equals(phase.configHash()))
                    .ifPresent(e -> LiveObjects.readsFor(
                                    client,
                                    e.objects().values().stream()
                                            .flatMap(List::stream)
                                            .filter(key -> ResourceRef.parse(key)
                                                    .filter(ref -> ref.kind().equals("CustomResourceDefinition"))
                                                    .isEmpty())
                                            .toList(),
                                    reads)
                            .forEach(ahead::putIfAbsent));
        }
        reads.readAhead(List.copyOf(ahead.values()));
    }

    /**
     * The objects of one release as the ledger recorded them, when the entry's digest is this phase's: the same charts
     * and values render the same manifest, so an unchanged phase is not rendered again (without Helm). Empty when there
     * is no such record: then the manifest is rendered.
     */
    private static Optional<List<ResourceRef>> recordedObjects(
            PreparedPhase phase, ReleaseSpec spec, Optional<LedgerEntry> recorded) {
        return recorded.filter(entry -> entry.configHash().equals(phase.configHash()))
                .map(entry -> entry.objects().getOrDefault(spec.releaseName(), List.of()))
                .filter(keys -> !keys.isEmpty())
                .map(keys -> keys.stream()
                        .map(ResourceRef::parse)
                        .flatMap(Optional::stream)
                        .toList());
    }

    private List<String> crdNames(PreparedPhase phase, ReleaseSpec spec, Optional<LedgerEntry> recorded) {
        List<String> names = recordedObjects(phase, spec, recorded)
                .map(refs -> refs.stream()
                        .filter(ref -> ref.kind().equals("CustomResourceDefinition"))
                        .map(ResourceRef::name)
                        .toList())
                .orElse(List.of());
        return names.isEmpty()
                ? CrdApplier.crdsIn(template(spec)).stream()
                        .map(crd -> crd.getMetadata().getName())
                        .toList()
                : names;
    }

    /** The workloads of a release's manifest (hooks included when rendered; the ledger records no hooks). */
    private List<ResourceRef> manifestWorkloads(PreparedPhase phase, ReleaseSpec spec, Optional<LedgerEntry> recorded) {
        return recordedObjects(phase, spec, recorded)
                .map(refs -> refs.stream()
                        .filter(ref -> Waiter.WORKLOAD_KINDS.contains(ref.kind()))
                        .toList())
                .orElseGet(() -> Waiter.workloadsInManifest(template(spec), spec.namespace()));
    }

    private boolean crdsPresent(List<String> crds) {
        try {
            for (String crd : crds) {
                // without its spec: whether it is Established is in its status (StatusReads)
                CustomResourceDefinition live = LiveObjects.crd(client, crd, reads);
                if (live == null || !ReadinessChecks.isCrdEstablished(live)) {
                    return false;
                }
            }
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read CustomResourceDefinitions: " + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(
                                    e, "your user needs get on customresourcedefinitions.apiextensions.k8s.io"),
                    e);
        }
        return !crds.isEmpty();
    }

    @Override
    public List<String> missingObjects(PreparedPhase phase, LedgerEntry entry) throws InterruptedException {
        // the CRDs the revisions check read a moment ago, present and Established, need no second read (each is a
        // whole schema, up to a megabyte for the monitoring ones)
        Set<String> established = establishedCrds.getOrDefault(phase.phaseId(), Set.of());
        List<String> keys = new ArrayList<>();
        entry.objects().values().stream()
                .flatMap(List::stream)
                .filter(key -> ResourceRef.parse(key)
                        .filter(ref ->
                                ref.kind().equals("CustomResourceDefinition") && established.contains(ref.name()))
                        .isEmpty())
                .forEach(keys::add);
        LiveObjects.Listing listing = LiveObjects.read(client, keys, "phase " + phase.phaseId(), reads);
        listedWorkloads.put(phase.phaseId(), listing.workloads());
        return listing.missing();
    }

    @Override
    public void forgetReads() {
        reads.forget();
    }

    @Override
    public Map<String, List<String>> inventory(PreparedPhase phase) {
        Map<String, List<String>> objects = new LinkedHashMap<>();
        for (ReleaseSpec spec : specs(phase)) {
            objects.put(
                    spec.releaseName(),
                    objectsIn(template(spec), spec.namespace()).stream()
                            .map(ResourceRef::key)
                            .toList());
        }
        return objects;
    }

    /** The objects Helm keeps for a release: everything rendered but its hooks (Helm deletes those by their policy). */
    private static List<ResourceRef> objectsIn(String manifest, String namespace) {
        List<ResourceRef> refs = new ArrayList<>();
        for (ManifestObject object : Manifests.objects(manifest)) {
            if (object.isHook() || object.name().isEmpty()) {
                continue;
            }
            String objectNamespace =
                    object.namespace().isEmpty() && !object.clusterScoped() ? namespace : object.namespace();
            refs.add(new ResourceRef(object.apiVersion(), object.kind(), objectNamespace, object.name()));
        }
        return refs;
    }

    // ---- install and wait -------------------------------------------------------------------------------------------

    @Override
    public List<ReleaseOutcome> install(
            PreparedPhase phase, Set<String> unchanged, Console phaseConsole, WriteLog writes)
            throws InterruptedException {
        reads.forget(); // what was read before a write does not stand for after it, nor after a failed one
        try {
            return writeInstall(phase, unchanged, phaseConsole, writes);
        } finally {
            reads.forget();
        }
    }

    private List<ReleaseOutcome> writeInstall(
            PreparedPhase phase, Set<String> unchanged, Console phaseConsole, WriteLog writes)
            throws InterruptedException {
        // --timeout (else the profile's) limits the whole phase, however many releases and waits it has
        Duration timeout = timeout(phase);
        Instant deadline = Instant.now().plus(timeout);
        List<ReleaseOutcome> outcomes = new ArrayList<>();
        List<ResourceRef> workloads = new ArrayList<>();
        awaited.put(phase.phaseId(), workloads);
        List<ReleaseChange> done = changes.computeIfAbsent(phase.phaseId(), k -> new ArrayList<>());
        // the waits after Helm read the full workload and pod model: built while the releases install
        Waiter.prepareFullReaders(client);
        // before the Secrets, which would create the namespace without the labels
        for (ReleaseSpec spec : specs(phase)) {
            secrets.ensureNamespace(
                    spec.namespace(), Optional.ofNullable(podSecurity().get(spec.namespace())));
        }
        for (StackSecret declared : declaredSecrets.getOrDefault(phase.phaseId(), List.of())) {
            StackSecrets.Outcome outcome = secrets.ensure(declared);
            phaseConsole.info(
                    "Secret %s/%s %s (%s: %s)",
                    outcome.namespace(),
                    outcome.name(),
                    outcome.action(),
                    declared.purpose(),
                    String.join(", ", outcome.keys()));
        }
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            secrets.ensureNamespace(spec.namespace());
            if (spec.mode() == InstallMode.APPLY_CRDS) {
                List<String> applied = withinLimit(
                        phase.phaseId(),
                        timeout,
                        deadline,
                        () -> new CrdApplier(client, new Waiter(client)).apply(template(spec), remaining(deadline)));
                phaseConsole.info(
                        "%d CRDs server-side applied and Established (%s)",
                        applied.size(), spec.chart().coordinate());
                outcomes.add(new ReleaseOutcome(
                        spec.componentId(),
                        spec.releaseName(),
                        spec.chart().coordinate(),
                        CRDS_PRESENT,
                        ReleaseAction.APPLIED,
                        applied.size(),
                        applied.size()));
                continue;
            }
            if (unchanged.contains(spec.releaseName())) {
                // another release of the phase changed, this one did not: awaited, not upgraded to an identical
                // revision
                outcomes.add(awaitRelease(
                        phase,
                        spec,
                        manifestWorkloads(phase, spec, Optional.empty()),
                        ReleaseAction.UNCHANGED,
                        helm.status(spec.releaseName(), spec.namespace())
                                .map(HelmRelease::revision)
                                .orElse(0),
                        workloads,
                        timeout,
                        deadline,
                        phaseConsole));
                phaseConsole.info("%s unchanged (same values, chart and revision): no upgrade", spec.releaseName());
                continue;
            }
            List<HelmRelease> history = helm.history(spec.releaseName(), spec.namespace());
            boolean existed = !history.isEmpty();
            int next = existed ? history.get(history.size() - 1).revision() + 1 : 1;
            phaseConsole.info("%s %s", existed ? "upgrading" : "installing", spec.describe());
            writes.writing(spec.releaseName(), next);
            done.add(new ReleaseChange(
                    spec.releaseName(),
                    spec.namespace(),
                    existed,
                    lastDeployed(history, next).map(HelmRelease::revision)));
            HelmRelease release = helm.upgradeInstall(spec, kubeVersion, "obs-bootstrap run " + runId);
            checkInterrupt();
            List<ResourceRef> releaseWorkloads =
                    new ArrayList<>(Waiter.workloadsInManifest(template(spec), spec.namespace()));
            releaseWorkloads.addAll(operatorWorkloads(phase, spec, releaseWorkloads, timeout, deadline));
            workloads.addAll(releaseWorkloads);
            int total = releaseWorkloads.size();
            awaitReady(phase.phaseId(), spec.releaseName(), releaseWorkloads, timeout, deadline, phaseConsole);
            phaseConsole.info(
                    "%s revision %d: %d/%d workloads ready", spec.releaseName(), release.revision(), total, total);
            outcomes.add(new ReleaseOutcome(
                    spec.componentId(),
                    spec.releaseName(),
                    spec.chart().coordinate(),
                    release.revision(),
                    existed ? ReleaseAction.UPGRADED : ReleaseAction.INSTALLED,
                    total,
                    total));
        }
        return outcomes;
    }

    @Override
    public List<ReleaseOutcome> awaitUnchanged(
            PreparedPhase phase, Map<String, Integer> revisions, LedgerEntry recorded, Console phaseConsole)
            throws InterruptedException {
        Duration timeout = timeout(phase);
        Instant deadline = Instant.now().plus(timeout);
        List<ResourceRef> workloads = new ArrayList<>();
        awaited.put(phase.phaseId(), workloads);
        // the workloads the check for deleted objects listed a moment ago: their readiness needs no second read
        freshWorkloads = listedWorkloads.getOrDefault(phase.phaseId(), Map.of());
        try {
            return awaitUnchanged(phase, revisions, recorded, phaseConsole, timeout, deadline, workloads);
        } finally {
            freshWorkloads = Map.of();
            listedWorkloads.remove(phase.phaseId());
        }
    }

    private List<ReleaseOutcome> awaitUnchanged(
            PreparedPhase phase,
            Map<String, Integer> revisions,
            LedgerEntry recorded,
            Console phaseConsole,
            Duration timeout,
            Instant deadline,
            List<ResourceRef> workloads)
            throws InterruptedException {
        List<ReleaseOutcome> outcomes = new ArrayList<>();
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            int revision = revisions.getOrDefault(spec.releaseName(), 0);
            if (spec.mode() == InstallMode.APPLY_CRDS) {
                int count = crdNames(phase, spec, Optional.of(recorded)).size();
                outcomes.add(new ReleaseOutcome(
                        spec.componentId(),
                        spec.releaseName(),
                        spec.chart().coordinate(),
                        revision,
                        ReleaseAction.UNCHANGED,
                        count,
                        count));
                continue;
            }
            outcomes.add(awaitRelease(
                    phase,
                    spec,
                    manifestWorkloads(phase, spec, Optional.of(recorded)),
                    ReleaseAction.UNCHANGED,
                    revision,
                    workloads,
                    timeout,
                    deadline,
                    phaseConsole));
        }
        return outcomes;
    }

    /** Waits for one release's workloads (those in its manifest and those its operator made) and reports them. */
    private ReleaseOutcome awaitRelease(
            PreparedPhase phase,
            ReleaseSpec spec,
            List<ResourceRef> inManifest,
            ReleaseAction action,
            int revision,
            List<ResourceRef> phaseWorkloads,
            Duration timeout,
            Instant deadline,
            Console phaseConsole)
            throws InterruptedException {
        List<ResourceRef> releaseWorkloads = new ArrayList<>(inManifest);
        releaseWorkloads.addAll(operatorWorkloads(phase, spec, releaseWorkloads, timeout, deadline));
        phaseWorkloads.addAll(releaseWorkloads);
        awaitReady(phase.phaseId(), spec.releaseName(), releaseWorkloads, timeout, deadline, phaseConsole);
        return new ReleaseOutcome(
                spec.componentId(),
                spec.releaseName(),
                spec.chart().coordinate(),
                revision,
                action,
                releaseWorkloads.size(),
                releaseWorkloads.size());
    }

    /** The workloads the component's operator creates after Helm returns, not counted twice when also in the manifest. */
    private List<ResourceRef> operatorWorkloads(
            PreparedPhase phase, ReleaseSpec spec, List<ResourceRef> inManifest, Duration timeout, Instant deadline)
            throws InterruptedException {
        ComponentSpec component = topology.component(spec.componentId());
        if (component.operatorWorkloads().isEmpty()) {
            return List.of();
        }
        Waiter waiter = new Waiter(client);
        return withinLimit(
                        phase.phaseId(),
                        timeout,
                        deadline,
                        () -> waiter.operatorWorkloads(
                                spec.namespace(), component.operatorWorkloads(), remaining(deadline), freshWorkloads))
                .stream()
                .filter(ref -> !inManifest.contains(ref))
                .toList();
    }

    private void awaitReady(
            String phaseId,
            String release,
            List<ResourceRef> workloads,
            Duration timeout,
            Instant deadline,
            Console phaseConsole)
            throws InterruptedException {
        Waiter.Progress progress = new Waiter.Progress() {
            @Override
            public void update(int ready, int total, List<ResourceRef> pending) {
                phaseConsole.progress(
                        "%s: %d/%d workloads ready%s",
                        release,
                        ready,
                        total,
                        pending.isEmpty()
                                ? ""
                                : "; waiting for "
                                        + String.join(
                                                ", ",
                                                pending.stream()
                                                        .map(ResourceRef::describe)
                                                        .limit(3)
                                                        .toList())
                                        + (pending.size() > 3 ? " and " + (pending.size() - 3) + " more" : ""));
            }

            @Override
            public void trouble(String message) {
                if (message.isEmpty()) {
                    phaseConsole.info("the API server answers again");
                } else {
                    phaseConsole.warn("%s", message);
                }
            }
        };
        withinLimit(phaseId, timeout, deadline, () -> {
            new Waiter(client).waitAllReady(workloads, remaining(deadline), progress, failFast, freshWorkloads);
            return workloads.size();
        });
    }

    @Override
    public List<ProbeResult> verify(Phase phase, Console phaseConsole) throws InterruptedException {
        return probes.run(phase.id(), phase.probes(config), probeContext);
    }

    @Override
    public String diagnose(PreparedPhase phase) {
        Set<ResourceRef> workloads = new LinkedHashSet<>(awaited.getOrDefault(phase.phaseId(), List.of()));
        try {
            if (workloads.isEmpty()) {
                for (ReleaseSpec spec : specs(phase)) {
                    if (spec.mode() == InstallMode.HELM_RELEASE) {
                        workloads.addAll(Waiter.workloadsInManifest(template(spec), spec.namespace()));
                        workloads.addAll(operatorWorkloadsNow(spec));
                    }
                }
            }
            Diagnostics.Report report = new Diagnostics(client).diagnose(List.copyOf(workloads));
            return report.isEmpty() ? "" : report.render();
        } catch (RuntimeException e) {
            return "diagnostics unavailable: "
                    + (e instanceof KubernetesClientException k ? KubeErrors.describe(client, k) : e.getMessage());
        }
    }

    @Override
    public List<String> rollback(PreparedPhase phase) throws InterruptedException {
        reads.forget(); // what was read before a write does not stand for after it, nor after a failed one
        try {
            return writeRollback(phase);
        } finally {
            reads.forget();
        }
    }

    private List<String> writeRollback(PreparedPhase phase) throws InterruptedException {
        List<String> undone = new ArrayList<>();
        List<ReleaseChange> done = new ArrayList<>(changes.getOrDefault(phase.phaseId(), List.of()));
        Collections.reverse(done);
        for (ReleaseChange change : done) {
            checkInterrupt();
            if (!change.existedBefore()) {
                helm.uninstall(change.release(), change.namespace());
                undone.add(change.release() + " uninstalled (this run installed it)");
                continue;
            }
            if (change.deployedBefore().isEmpty()) {
                undone.add(
                        change.release() + " left as it is: it had no deployed revision before this run to go back to");
                continue;
            }
            int before = change.deployedBefore().get();
            Optional<HelmRelease> now = helm.status(change.release(), change.namespace());
            if (now.isPresent() && now.get().deployed() && now.get().revision() == before) {
                continue; // the upgrade never got written
            }
            HelmRelease back = helm.rollback(
                    change.release(),
                    change.namespace(),
                    before,
                    "obs-bootstrap run " + runId + ": rolled back to revision " + before + " after a failed phase");
            undone.add(change.release() + " rolled back to revision " + before + " (now revision " + back.revision()
                    + ")");
        }
        changes.remove(phase.phaseId());
        return undone;
    }

    @Override
    public List<ReleaseOutcome> removeReplaced(PreparedPhase phase, Map<String, String> installed, Console phaseConsole)
            throws InterruptedException {
        List<ReleaseOutcome> removed = new ArrayList<>();
        Set<String> candidates = new LinkedHashSet<>(phase.replaces().keySet());
        candidates.addAll(installed.keySet());
        String replacement = String.join(", ", phase.releaseNames());
        // Helm's records say whether a release exists without loading Helm: an up that changes nothing stays without it
        HelmReleaseRecords records = new HelmReleaseRecords(client);
        for (String name : candidates) {
            checkInterrupt();
            Optional<Integer> revision = records.latestRevision(topology.namespace(), name);
            if (revision.isEmpty()) {
                continue;
            }
            String component = phase.replaces().getOrDefault(name, name);
            if (!installed.containsKey(name)) {
                phaseConsole.warn(
                        "release %s (%s) runs beside %s, which this config installs in its place, but obs-bootstrap did"
                                + " not install it (its ledger does not know it): left alone; if it is a leftover,"
                                + " remove it with: helm -n %s uninstall %s",
                        name, component, replacement, topology.namespace(), name);
                continue;
            }
            reads.forget(); // what was read before a write does not stand for after it, nor after a failed one
            try {
                helm.uninstall(name, topology.namespace());
            } finally {
                reads.forget();
            }
            phaseConsole.info(
                    "%s (%s, revision %d) uninstalled: the config installs %s in its place, verified above; its"
                            + " PersistentVolumeClaims stay, and so does what it wrote to object storage",
                    name, component, revision.get(), replacement);
            removed.add(new ReleaseOutcome(
                    component, name, installed.get(name), revision.get(), ReleaseAction.REPLACED, 0, 0));
        }
        return removed;
    }

    @Override
    public List<ReleaseOutcome> uninstall(Phase phase, boolean purge, Set<String> recorded)
            throws InterruptedException {
        reads.forget(); // what was read before a write does not stand for after it, nor after a failed one
        try {
            return writeUninstall(phase, purge, recorded);
        } finally {
            reads.forget();
        }
    }

    private List<ReleaseOutcome> writeUninstall(Phase phase, boolean purge, Set<String> recorded)
            throws InterruptedException {
        List<ReleaseOutcome> removed = new ArrayList<>();
        List<String> components = new ArrayList<>(phase.components(config));
        Collections.reverse(components);
        removed.addAll(uninstallReplaced(phase, components, purge, recorded));
        for (String componentId : components) {
            checkInterrupt();
            ComponentSpec component = topology.component(componentId);
            if (component.mode() == InstallMode.APPLY_CRDS) {
                if (purge) {
                    ReleaseSpec spec = renderer.releaseSpec(phase, component, config, topology, kubeVersion);
                    List<CustomResourceDefinition> crds = CrdApplier.crdsIn(template(spec));
                    for (CustomResourceDefinition crd : crds) {
                        client.apiextensions()
                                .v1()
                                .customResourceDefinitions()
                                .withName(crd.getMetadata().getName())
                                .delete();
                    }
                    removed.add(new ReleaseOutcome(
                            componentId,
                            component.release(),
                            spec.chart().coordinate(),
                            0,
                            ReleaseAction.PURGED,
                            0,
                            crds.size()));
                } else {
                    console.forPhase(phase.id())
                            .info("CRDs kept (custom resources of other tools may use them); --purge removes them");
                    removed.add(new ReleaseOutcome(
                            componentId,
                            component.release(),
                            component.chart().coordinate(),
                            0,
                            ReleaseAction.KEPT,
                            0,
                            0));
                }
                continue;
            }
            Optional<HelmRelease> release = helm.status(component.release(), topology.namespace());
            if (release.isEmpty()) {
                continue;
            }
            helm.uninstall(component.release(), topology.namespace());
            if (purge) {
                deleteVolumeClaims(component.release());
            }
            removed.add(new ReleaseOutcome(
                    componentId,
                    component.release(),
                    release.get().chart(),
                    release.get().revision(),
                    purge ? ReleaseAction.UNINSTALLED_PURGED : ReleaseAction.UNINSTALLED,
                    0,
                    0));
        }
        return removed;
    }

    /**
     * down's part for releases the ledger records for the phase that the config no longer installs: a choice switched
     * by a run that did not get to remove the old release. They go first: they stood in for one of the phase's current
     * components, which the rest of the walk removes after them.
     */
    private List<ReleaseOutcome> uninstallReplaced(
            Phase phase, List<String> components, boolean purge, Set<String> recorded) throws InterruptedException {
        Set<String> current = new LinkedHashSet<>();
        components.forEach(id -> current.add(topology.component(id).release()));
        Map<String, String> componentOf = new LinkedHashMap<>();
        for (String id : phase.replacedComponents(config)) {
            componentOf.put(topology.component(id).release(), id);
        }
        List<ReleaseOutcome> removed = new ArrayList<>();
        for (String name : recorded) {
            checkInterrupt();
            if (current.contains(name)) {
                continue;
            }
            Optional<HelmRelease> release = helm.status(name, topology.namespace());
            if (release.isEmpty()) {
                continue;
            }
            helm.uninstall(name, topology.namespace());
            if (purge) {
                deleteVolumeClaims(name);
            }
            removed.add(new ReleaseOutcome(
                    componentOf.getOrDefault(name, name),
                    name,
                    release.get().chart(),
                    release.get().revision(),
                    purge ? ReleaseAction.UNINSTALLED_PURGED : ReleaseAction.UNINSTALLED,
                    0,
                    0));
        }
        return removed;
    }

    private void deleteVolumeClaims(String release) {
        client.persistentVolumeClaims()
                .inNamespace(topology.namespace())
                .withLabel("app.kubernetes.io/instance", release)
                .delete();
    }

    /** {@code helm template} of a release, rendered once per run (the spec holds the values and chart it renders). */
    private String template(ReleaseSpec spec) {
        return templates.computeIfAbsent(spec, s -> helm.template(s, kubeVersion));
    }

    /** The workloads the component's operator selectors match now (no waiting: for diagnostics). */
    private List<ResourceRef> operatorWorkloadsNow(ReleaseSpec spec) {
        List<ResourceRef> refs = new ArrayList<>();
        Waiter waiter = new Waiter(client);
        for (String selector : topology.component(spec.componentId()).operatorWorkloads()) {
            refs.addAll(waiter.matching(spec.namespace(), selector));
        }
        return refs;
    }

    private Duration timeout(PreparedPhase phase) {
        return timeoutOverride.orElse(config.profile().timeoutFor(phase.phaseId()));
    }

    /** A wait that may run out of time. */
    @FunctionalInterface
    private interface Wait<T> {
        T run() throws InterruptedException;
    }

    /**
     * Runs a wait; when it fails because the phase's time is up, the message says what the limit was and where it is
     * set. A workload found broken ({@code WorkloadFailedException}) is not a matter of time and is passed on as it is.
     */
    private static <T> T withinLimit(String phaseId, Duration limit, Instant deadline, Wait<T> wait)
            throws InterruptedException {
        try {
            return wait.run();
        } catch (dev.obsbootstrap.core.cluster.WorkloadFailedException e) {
            throw e;
        } catch (ClusterException e) {
            if (Instant.now().isBefore(deadline)) {
                throw e;
            }
            throw new ClusterException(
                    e.getMessage() + "\nPhase " + phaseId + " has " + Durations.format(limit)
                            + " in all (--timeout, else the profile's timeouts." + phaseId
                            + "): if it is only slow (large images, "
                            + "volumes being provisioned), give it more.",
                    e);
        }
    }

    /** What is left of the phase's time limit; never zero, so a wait still looks once. */
    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }

    /**
     * Namespace -> the Pod Security level the workloads of every phase prepared in this run need there, so the
     * namespace the first phase creates admits the node agents a later phase brings. Computed once, from the rendered
     * manifests (templated once per release anyway).
     */
    private Map<String, PodSecurityLevel> podSecurity() {
        if (podSecurityLevels == null) {
            Map<String, PodSecurityLevel> levels = new TreeMap<>();
            for (List<ReleaseSpec> specs : prepared.values()) {
                for (ReleaseSpec spec : specs) {
                    PodSecurity.neededByNamespace(template(spec), spec.namespace())
                            .forEach((namespace, level) -> levels.merge(namespace, level, PodSecurity::moreAllowing));
                }
            }
            podSecurityLevels = levels;
        }
        return podSecurityLevels;
    }

    private List<ReleaseSpec> specs(PreparedPhase phase) {
        List<ReleaseSpec> specs = prepared.get(phase.phaseId());
        if (specs == null) {
            throw new IllegalStateException("phase " + phase.phaseId() + " was not prepared by this instance");
        }
        return specs;
    }

    private static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }
}
