package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.cluster.CrdApplier;
import dev.obsbootstrap.core.cluster.Diagnostics;
import dev.obsbootstrap.core.cluster.ResourceRef;
import dev.obsbootstrap.core.cluster.StackSecrets;
import dev.obsbootstrap.core.cluster.Waiter;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.Durations;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.plan.Planner;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.probe.ProbeRunner;
import dev.obsbootstrap.core.report.Console;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The real cluster work behind {@link Runner}: Secrets the phase declares, {@code helm upgrade --install} of each
 * release (CRD charts are templated and server-side applied instead), a watch-based wait for every workload Helm
 * wrote and the operator created, and the phase's probes. Knows no component by name: everything comes from the
 * phase, the catalog and the rendered manifests.
 */
public final class ClusterPhaseActions implements PhaseActions {
    /** The revision the ledger records for a CRD set that is applied and Established (CRDs have no Helm history). */
    static final int CRDS_PRESENT = 1;

    private final BootstrapConfig config;
    private final StackTopology topology;
    private final KubernetesClient client;
    private final HelmDriver helm;
    private final Planner planner;
    private final StackSecrets secrets;
    private final ProbeRunner probes;
    private final ProbeContext probeContext;
    private final String kubeVersion;
    private final Optional<Duration> timeoutOverride;
    private final Console console;
    private final Map<String, List<ReleaseSpec>> prepared = new LinkedHashMap<>();
    private final Map<String, List<StackSecret>> declaredSecrets = new LinkedHashMap<>();
    private final Map<String, List<ResourceRef>> awaited = new LinkedHashMap<>();
    /** Rendered manifests by release, within this run: a CRD chart is templated once for the presence check and the apply. */
    private final Map<ReleaseSpec, String> templates = new java.util.HashMap<>();

    /**
     * @param probes          runs with the root console: it tags lines with the phase itself
     * @param timeoutOverride --timeout, which wins over the profile's per-phase timeouts
     */
    public ClusterPhaseActions(BootstrapConfig config, StackTopology topology, KubernetesClient client, HelmDriver helm,
                               Planner planner, StackSecrets secrets, ProbeRunner probes, ProbeContext probeContext,
                               String kubeVersion, Optional<Duration> timeoutOverride, Console console) {
        this.config = Objects.requireNonNull(config, "config");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.client = Objects.requireNonNull(client, "client");
        this.helm = Objects.requireNonNull(helm, "helm");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.probeContext = Objects.requireNonNull(probeContext, "probeContext");
        this.kubeVersion = Objects.requireNonNull(kubeVersion, "kubeVersion");
        this.timeoutOverride = Objects.requireNonNull(timeoutOverride, "timeoutOverride");
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public PreparedPhase prepare(Phase phase) {
        List<ReleaseSpec> specs = new ArrayList<>();
        Map<String, String> releases = new LinkedHashMap<>();
        Map<String, String> components = new LinkedHashMap<>();
        for (String componentId : phase.components(config)) {
            ReleaseSpec spec = planner.releaseSpec(phase, topology.component(componentId), config, topology, kubeVersion);
            specs.add(spec);
            releases.put(spec.releaseName(), spec.chart().coordinate());
            components.put(spec.releaseName(), spec.componentId());
        }
        List<StackSecret> declared = phase.secrets(config, topology);
        prepared.put(phase.id(), specs);
        declaredSecrets.put(phase.id(), declared);
        return new PreparedPhase(phase.id(), releases, PhaseDigest.of(specs.stream().map(PhaseDigest.Release::of).toList(), declared), components);
    }

    @Override
    public Map<String, Integer> deployedRevisions(PreparedPhase phase) throws InterruptedException {
        Map<String, Integer> revisions = new LinkedHashMap<>();
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            if (spec.mode() == InstallMode.APPLY_CRDS) {
                if (crdsPresent(spec)) {
                    revisions.put(spec.releaseName(), CRDS_PRESENT);
                }
            } else {
                helm.status(spec.releaseName(), spec.namespace())
                        .filter(HelmRelease::deployed)
                        .ifPresent(release -> revisions.put(spec.releaseName(), release.revision()));
            }
        }
        return revisions;
    }

    private boolean crdsPresent(ReleaseSpec spec) {
        List<CustomResourceDefinition> crds = CrdApplier.crdsIn(template(spec));
        try {
            for (CustomResourceDefinition crd : crds) {
                CustomResourceDefinition live = client.apiextensions().v1().customResourceDefinitions()
                        .withName(crd.getMetadata().getName()).get();
                if (live == null || !dev.obsbootstrap.core.cluster.ReadinessChecks.isCrdEstablished(live)) {
                    return false;
                }
            }
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot read CustomResourceDefinitions: " + e.getMessage()
                    + " (your user needs get on customresourcedefinitions.apiextensions.k8s.io)", e);
        }
        return !crds.isEmpty();
    }

    @Override
    public List<ReleaseOutcome> install(PreparedPhase phase, Console phaseConsole) throws InterruptedException {
        // --timeout (else the profile's) limits the whole phase, however many releases and waits it has
        Duration timeout = timeoutOverride.orElse(config.profile().timeoutFor(phase.phaseId()));
        Instant deadline = Instant.now().plus(timeout);
        List<ReleaseOutcome> outcomes = new ArrayList<>();
        List<ResourceRef> workloads = new ArrayList<>();
        awaited.put(phase.phaseId(), workloads);
        for (StackSecret declared : declaredSecrets.getOrDefault(phase.phaseId(), List.of())) {
            StackSecrets.Outcome outcome = secrets.ensure(declared);
            phaseConsole.info("Secret %s/%s %s (%s: %s)", outcome.namespace(), outcome.name(), outcome.action(),
                    declared.purpose(), String.join(", ", outcome.keys()));
        }
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            secrets.ensureNamespace(spec.namespace());
            if (spec.mode() == InstallMode.APPLY_CRDS) {
                List<String> applied = withinLimit(phase.phaseId(), timeout, deadline,
                        () -> new CrdApplier(client, new Waiter(client)).apply(template(spec), remaining(deadline)));
                phaseConsole.info("%d CRDs server-side applied and Established (%s)", applied.size(), spec.chart().coordinate());
                outcomes.add(new ReleaseOutcome(spec.componentId(), spec.releaseName(), spec.chart().coordinate(), CRDS_PRESENT,
                        "applied", applied.size(), applied.size()));
                continue;
            }
            Optional<HelmRelease> before = helm.status(spec.releaseName(), spec.namespace());
            phaseConsole.info("%s %s", before.isPresent() ? "upgrading" : "installing", spec.describe());
            HelmRelease release = helm.upgradeInstall(spec, kubeVersion);
            List<ResourceRef> releaseWorkloads = new ArrayList<>(Waiter.workloadsInManifest(release.manifest(), spec.namespace()));
            ComponentSpec component = topology.component(spec.componentId());
            workloads.addAll(releaseWorkloads);
            Waiter waiter = new Waiter(client);
            if (!component.operatorWorkloads().isEmpty()) {
                // A workload can be both in the manifest and matched by the operator selector: count it once.
                List<ResourceRef> operated = withinLimit(phase.phaseId(), timeout, deadline,
                        () -> waiter.operatorWorkloads(spec.namespace(), component.operatorWorkloads(), remaining(deadline))).stream()
                        .filter(ref -> !releaseWorkloads.contains(ref)).toList();
                releaseWorkloads.addAll(operated);
                workloads.addAll(operated);
            }
            int total = releaseWorkloads.size();
            withinLimit(phase.phaseId(), timeout, deadline, () -> {
                waiter.waitAllReady(releaseWorkloads, remaining(deadline),
                        (now, all) -> phaseConsole.progress("%s: %d/%d workloads ready", spec.releaseName(), now, all));
                return total;
            });
            phaseConsole.info("%s revision %d: %d/%d workloads ready", spec.releaseName(), release.revision(), total, total);
            outcomes.add(new ReleaseOutcome(spec.componentId(), spec.releaseName(), spec.chart().coordinate(), release.revision(),
                    before.isPresent() ? "upgraded" : "installed", total, total));
        }
        return outcomes;
    }

    @Override
    public List<ProbeResult> verify(Phase phase, Console phaseConsole) throws InterruptedException {
        return probes.run(phase.id(), phase.probes(config), probeContext);
    }

    @Override
    public String diagnose(PreparedPhase phase) {
        java.util.Set<ResourceRef> workloads = new java.util.LinkedHashSet<>(awaited.getOrDefault(phase.phaseId(), List.of()));
        if (workloads.isEmpty()) {
            // Nothing was installed in this run (the phase was unchanged, only probed): look at the workloads an install
            // would have waited on. Helm's status carries no manifest, so the release is templated again.
            try {
                for (ReleaseSpec spec : specs(phase)) {
                    if (spec.mode() == InstallMode.HELM_RELEASE) {
                        workloads.addAll(Waiter.workloadsInManifest(template(spec), spec.namespace()));
                        workloads.addAll(operatorWorkloadsNow(spec));
                    }
                }
            } catch (RuntimeException e) {
                return "diagnostics unavailable: " + e.getMessage();
            }
        }
        try {
            Diagnostics.Report report = new Diagnostics(client).diagnose(List.copyOf(workloads));
            return report.isEmpty() ? "diagnostics: every workload of the phase is ready; the failure is in what it does (see the probe above)"
                    : report.render();
        } catch (RuntimeException e) {
            return "diagnostics unavailable: " + e.getMessage();
        }
    }

    @Override
    public void rollback(PreparedPhase phase, Map<String, Integer> revisionsBefore) throws InterruptedException {
        Console phaseConsole = console.forPhase(phase.phaseId());
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            if (spec.mode() != InstallMode.HELM_RELEASE) {
                continue; // CRDs are never rolled back: other releases' objects may depend on them
            }
            // Only what this run changed goes back: a release the failed install never reached stays as it is,
            // instead of getting a new revision that repeats its current one.
            Integer before = revisionsBefore.get(spec.releaseName());
            Optional<HelmRelease> now = helm.status(spec.releaseName(), spec.namespace());
            if (now.isEmpty()) {
                continue;
            }
            if (before == null) {
                helm.uninstall(spec.releaseName(), spec.namespace());
                phaseConsole.info("%s uninstalled (this run installed it)", spec.releaseName());
            } else if (now.get().revision() != before || !now.get().deployed()) {
                HelmRelease back = helm.rollback(spec.releaseName(), spec.namespace(), before);
                phaseConsole.info("%s rolled back to revision %d (now revision %d)", spec.releaseName(), before, back.revision());
            }
        }
    }

    @Override
    public List<ReleaseOutcome> uninstall(Phase phase, boolean purge) throws InterruptedException {
        List<ReleaseOutcome> removed = new ArrayList<>();
        List<String> components = new ArrayList<>(phase.components(config));
        java.util.Collections.reverse(components);
        for (String componentId : components) {
            checkInterrupt();
            ComponentSpec component = topology.component(componentId);
            if (component.mode() == InstallMode.APPLY_CRDS) {
                if (purge) {
                    ReleaseSpec spec = planner.releaseSpec(phase, component, config, topology, kubeVersion);
                    List<CustomResourceDefinition> crds = CrdApplier.crdsIn(helm.template(spec, kubeVersion));
                    for (CustomResourceDefinition crd : crds) {
                        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).delete();
                    }
                    removed.add(new ReleaseOutcome(componentId, component.release(), spec.chart().coordinate(), 0, "purged", 0, crds.size()));
                } else {
                    console.forPhase(phase.id()).info("CRDs kept (custom resources of other tools may use them); --purge removes them");
                    removed.add(new ReleaseOutcome(componentId, component.release(),
                            config.charts().getOrDefault(componentId, component.chart()).coordinate(), 0, "kept (no --purge)", 0, 0));
                }
                continue;
            }
            Optional<HelmRelease> release = helm.status(component.release(), topology.namespace());
            if (release.isEmpty()) {
                continue;
            }
            helm.uninstall(component.release(), topology.namespace());
            if (purge) {
                client.persistentVolumeClaims().inNamespace(topology.namespace())
                        .withLabel("app.kubernetes.io/instance", component.release()).delete();
            }
            removed.add(new ReleaseOutcome(componentId, component.release(), release.get().chart(), release.get().revision(),
                    purge ? "uninstalled, volumes purged" : "uninstalled", 0, 0));
        }
        return removed;
    }

    /** {@code helm template} of a release, rendered once per run (the spec holds the values and chart it renders). */
    private String template(ReleaseSpec spec) {
        String manifest = templates.get(spec);
        if (manifest == null) {
            manifest = helm.template(spec, kubeVersion);
            templates.put(spec, manifest);
        }
        return manifest;
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

    /** A wait that may run out of time. */
    @FunctionalInterface
    private interface Wait<T> {
        T run() throws InterruptedException;
    }

    /** Runs a wait; when it fails because the phase's time is up, the message says what the limit was and where it is set. */
    private static <T> T withinLimit(String phaseId, Duration limit, Instant deadline, Wait<T> wait) throws InterruptedException {
        try {
            return wait.run();
        } catch (ClusterException e) {
            if (Instant.now().isBefore(deadline)) {
                throw e;
            }
            throw new ClusterException(e.getMessage() + "\nPhase " + phaseId + " has " + Durations.format(limit)
                    + " in all (--timeout, else the profile's timeouts." + phaseId + "): if it is only slow, give it more.", e);
        }
    }

    /** What is left of the phase's time limit; never zero, so a wait still looks once. */
    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
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
