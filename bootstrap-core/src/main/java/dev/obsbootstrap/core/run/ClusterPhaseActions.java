package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.cluster.CrdApplier;
import dev.obsbootstrap.core.cluster.Diagnostics;
import dev.obsbootstrap.core.cluster.ResourceRef;
import dev.obsbootstrap.core.cluster.StackSecrets;
import dev.obsbootstrap.core.cluster.Waiter;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
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
        for (String componentId : phase.components(config)) {
            ReleaseSpec spec = planner.releaseSpec(phase, topology.component(componentId), config, topology, kubeVersion);
            specs.add(spec);
            releases.put(spec.releaseName(), spec.chart().coordinate());
        }
        List<StackSecret> declared = phase.secrets(config, topology);
        prepared.put(phase.id(), specs);
        declaredSecrets.put(phase.id(), declared);
        return new PreparedPhase(phase.id(), releases, configHash(specs, declared));
    }

    /**
     * What the ledger compares: every release's chart and rendered values, and the shape (not the values) of the
     * Secrets the phase declares. A changed receiver credential reference changes it; a rotated value does not.
     */
    public static String configHash(List<ReleaseSpec> specs, List<StackSecret> declared) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ReleaseSpec spec : specs) {
                update(digest, spec.componentId(), spec.releaseName(), spec.namespace(), spec.chart().repository(),
                        spec.chart().coordinate(), spec.mode().name(), spec.valuesYaml());
            }
            for (StackSecret secret : declared) {
                update(digest, secret.namespace(), secret.name(), String.valueOf(secret.replace()), secret.keys().toString());
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String... parts) {
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
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
        List<CustomResourceDefinition> crds = CrdApplier.crdsIn(helm.template(spec, kubeVersion));
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
        Duration timeout = timeoutOverride.orElse(config.profile().timeoutFor(phase.phaseId()));
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
                List<String> applied = new CrdApplier(client, new Waiter(client)).apply(helm.template(spec, kubeVersion), timeout);
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
                List<ResourceRef> operated = waiter.operatorWorkloads(spec.namespace(), component.operatorWorkloads(), timeout);
                releaseWorkloads.addAll(operated);
                workloads.addAll(operated);
            }
            int total = releaseWorkloads.size();
            waiter.waitAllReady(releaseWorkloads, timeout,
                    (now, all) -> phaseConsole.progress("%s: %d/%d workloads ready", spec.releaseName(), now, all));
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
        List<ResourceRef> workloads = new ArrayList<>(awaited.getOrDefault(phase.phaseId(), List.of()));
        if (workloads.isEmpty()) {
            for (ReleaseSpec spec : specs(phase)) {
                if (spec.mode() == InstallMode.HELM_RELEASE) {
                    try {
                        helm.status(spec.releaseName(), spec.namespace())
                                .ifPresent(release -> workloads.addAll(Waiter.workloadsInManifest(release.manifest(), spec.namespace())));
                    } catch (RuntimeException e) {
                        return "diagnostics unavailable: " + e.getMessage();
                    }
                }
            }
        }
        try {
            Diagnostics.Report report = new Diagnostics(client).diagnose(workloads);
            return report.isEmpty() ? "diagnostics: every workload of the phase is ready; the failure is in what it does (see the probe above)"
                    : report.render();
        } catch (RuntimeException e) {
            return "diagnostics unavailable: " + e.getMessage();
        }
    }

    @Override
    public void rollback(PreparedPhase phase, Map<String, Integer> revisionsBefore) throws InterruptedException {
        for (ReleaseSpec spec : specs(phase)) {
            checkInterrupt();
            if (spec.mode() != InstallMode.HELM_RELEASE) {
                continue; // CRDs are never rolled back: other releases' objects may depend on them
            }
            Integer before = revisionsBefore.get(spec.releaseName());
            if (before == null) {
                helm.uninstall(spec.releaseName(), spec.namespace());
            } else {
                helm.rollback(spec.releaseName(), spec.namespace(), before);
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
