package dev.obsbootstrap.core.diff;

import dev.obsbootstrap.core.cluster.CrdApplier;
import dev.obsbootstrap.core.cluster.HelmReleaseRecords;
import dev.obsbootstrap.core.cluster.KubeErrors;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What {@code up} would change, release by release, computed with reads only: each release rendered as {@code up}
 * would render it (the same values, charts and Kubernetes version), compared with the manifest Helm recorded for the
 * release's current revision, and each CRD compared with the live object. Changes made to objects with kubectl after
 * Helm applied them are not seen, as with {@code helm diff}; {@code status} reports revisions changed outside.
 */
public final class StackDiff {
    /** How the release stands against what {@code up} would apply. */
    public enum State {
        /** Nothing would change. */
        UNCHANGED,
        /** Some objects would be added, changed or removed. */
        CHANGED,
        /** Not installed: {@code up} would install every object. */
        NEW
    }

    /**
     * One release (or a phase's CRDs): its current revision (empty when not installed, or for CRDs) and every object
     * that would change.
     *
     * @param note what the reader should know beyond the objects (a release not in the deployed state, a chart change)
     */
    public record ReleaseDiff(
            String phase,
            String release,
            String chart,
            InstallMode mode,
            State state,
            Optional<HelmRelease> live,
            List<ManifestDiff.ObjectChange> changes,
            List<String> notes) {
        public ReleaseDiff {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(chart, "chart");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(live, "live");
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
        }

        public long count(ManifestDiff.Change change) {
            return changes.stream().filter(c -> c.change() == change).count();
        }
    }

    private final KubernetesClient client;
    private final HelmDriver helm;
    private final ReleaseRenderer renderer;
    private final int context;

    public StackDiff(KubernetesClient client, HelmDriver helm, ReleaseRenderer renderer, int context) {
        this.client = Objects.requireNonNull(client, "client");
        this.helm = Objects.requireNonNull(helm, "helm");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.context = context;
    }

    /** Every enabled phase the selection accepts, in plan order. */
    public List<ReleaseDiff> compute(
            PhasePlan plan,
            BootstrapConfig config,
            StackTopology topology,
            String kubeVersion,
            Predicate<String> phaseSelected) {
        HelmReleaseRecords records = new HelmReleaseRecords(client);
        List<ReleaseDiff> diffs = new ArrayList<>();
        for (Phase phase : plan.ordered()) {
            if (!phase.enabled(config) || !phaseSelected.test(phase.id())) {
                continue;
            }
            for (String componentId : phase.components(config)) {
                ReleaseSpec spec =
                        renderer.releaseSpec(phase, topology.component(componentId), config, topology, kubeVersion);
                String desired = helm.template(spec, kubeVersion);
                diffs.add(
                        spec.mode() == InstallMode.APPLY_CRDS
                                ? crds(phase.id(), spec, desired)
                                : release(phase.id(), spec, desired, records));
            }
        }
        return diffs;
    }

    private ReleaseDiff release(String phase, ReleaseSpec spec, String desired, HelmReleaseRecords records) {
        Optional<HelmRelease> live = helm.status(spec.releaseName(), spec.namespace());
        String chart = spec.chart().coordinate();
        if (live.isEmpty()) {
            List<ManifestDiff.ObjectChange> changes = ManifestDiff.compare("", desired, spec.namespace(), context);
            return new ReleaseDiff(phase, spec.releaseName(), chart, spec.mode(), State.NEW, live, changes, List.of());
        }
        List<String> notes = new ArrayList<>();
        HelmRelease current = live.get();
        if (!current.deployed()) {
            notes.add("revision " + current.revision() + " is " + current.status()
                    + ": up recovers or upgrades it; compared with that revision's manifest");
        }
        String wanted = spec.chart().name() + "-" + spec.chart().version();
        if (!current.chart().isEmpty() && !current.chart().equals(wanted)) {
            notes.add("chart " + current.chart() + " -> " + wanted);
        }
        String installed = records.installedManifest(spec.namespace(), spec.releaseName(), current.revision())
                .orElseThrow(() -> new ClusterException("cannot read Helm's record of " + spec.releaseName()
                        + " revision " + current.revision() + " (Secret " + spec.namespace() + "/"
                        + HelmReleaseRecords.secretName(spec.releaseName(), current.revision())
                        + "): diff needs get on secrets in " + spec.namespace()));
        List<ManifestDiff.ObjectChange> changes = ManifestDiff.compare(installed, desired, spec.namespace(), context);
        State state = changes.isEmpty() && notes.isEmpty() ? State.UNCHANGED : State.CHANGED;
        return new ReleaseDiff(phase, spec.releaseName(), chart, spec.mode(), state, live, changes, notes);
    }

    /**
     * CRDs are applied server-side, not through Helm: each rendered CRD is compared with the live one on the fields the
     * rendered one sets (the API server adds defaults and status; those are no change).
     */
    private ReleaseDiff crds(String phase, ReleaseSpec spec, String desired) {
        List<ManifestDiff.ObjectChange> changes = new ArrayList<>();
        for (CustomResourceDefinition crd : CrdApplier.crdsIn(desired)) {
            String name = crd.getMetadata().getName();
            Map<String, Object> wanted = asMap(crd);
            CustomResourceDefinition existing;
            try {
                existing = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(name)
                        .get();
            } catch (KubernetesClientException e) {
                throw new ClusterException(
                        "cannot read CustomResourceDefinition " + name + ": " + KubeErrors.describe(client, e)
                                + KubeErrors.accessHint(e, "diff needs get on customresourcedefinitions"),
                        e);
            }
            String object = "CustomResourceDefinition " + name;
            String after = ManifestDiff.yaml((Map<?, ?>) project(wanted, wanted), null, true);
            if (existing == null) {
                changes.add(new ManifestDiff.ObjectChange(
                        object,
                        "CustomResourceDefinition",
                        ManifestDiff.Change.ADDED,
                        ManifestDiff.unified(object, "", after, context)));
                continue;
            }
            String before = ManifestDiff.yaml((Map<?, ?>) project(asMap(existing), wanted), null, false);
            if (!before.equals(after)) {
                changes.add(new ManifestDiff.ObjectChange(
                        object,
                        "CustomResourceDefinition",
                        ManifestDiff.Change.CHANGED,
                        ManifestDiff.unified(object, before, after, context)));
            }
        }
        boolean added = changes.stream().allMatch(c -> c.change() == ManifestDiff.Change.ADDED);
        State state = changes.isEmpty() ? State.UNCHANGED : added ? State.NEW : State.CHANGED;
        return new ReleaseDiff(
                phase,
                spec.releaseName(),
                spec.chart().coordinate(),
                spec.mode(),
                state,
                Optional.empty(),
                changes,
                List.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(CustomResourceDefinition crd) {
        return Serialization.jsonMapper().convertValue(crd, Map.class);
    }

    /**
     * {@code live} reduced to the keys {@code shape} has, recursively (lists element by element): what a server-side
     * apply of {@code shape} would compare. Keys the server added are left out; a key {@code shape} sets that the
     * live object lacks stays absent, so it shows as added.
     */
    @SuppressWarnings("unchecked")
    static Object project(Object live, Object shape) {
        if (live instanceof Map<?, ?> liveMap && shape instanceof Map<?, ?> shapeMap) {
            Map<String, Object> projected = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : shapeMap.entrySet()) {
                if (liveMap.containsKey(entry.getKey())) {
                    projected.put(
                            String.valueOf(entry.getKey()), project(liveMap.get(entry.getKey()), entry.getValue()));
                }
            }
            return projected;
        }
        if (live instanceof List<?> liveList && shape instanceof List<?> shapeList) {
            List<Object> projected = new ArrayList<>();
            for (int i = 0; i < liveList.size(); i++) {
                projected.add(i < shapeList.size() ? project(liveList.get(i), shapeList.get(i)) : liveList.get(i));
            }
            return projected;
        }
        return live;
    }
}
