package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.manifest.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Changes Kubernetes refuses on objects that already exist, found before Helm tries them. The API server rejects an
 * update of a StatefulSet's spec outside replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds (kubernetes {@code pkg/apis/apps/validation/validation.go}
 * {@code ValidateStatefulSetUpdate}), and of the selector of a Deployment or DaemonSet ({@code apps/v1} made it
 * immutable). A profile switch (ci to prod: persistence on, another size) hits exactly this, and Helm only says so
 * half-way through the phase. Here it is found with the rendered manifest and the live objects, and the message says
 * how to get past it.
 */
public final class ImmutableFields {
    private final KubernetesClient client;

    public ImmutableFields(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** One message per object whose rendered spec changes a field Kubernetes will not change; empty when none. */
    public List<String> problems(String release, String manifest, String defaultNamespace) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> document : Manifests.maps(manifest, "the manifest of " + release)) {
            String kind = Manifests.text(document, "kind");
            if (!List.of("StatefulSet", "Deployment", "DaemonSet").contains(kind)) {
                continue;
            }
            Map<String, Object> metadata = Manifests.map(document, "metadata");
            String namespace = Manifests.text(metadata, "namespace").isEmpty()
                    ? defaultNamespace
                    : Manifests.text(metadata, "namespace");
            String name = Manifests.text(metadata, "name");
            GenericKubernetesResource live;
            try {
                live = client.genericKubernetesResources("apps/v1", kind)
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
            } catch (KubernetesClientException e) {
                problems.add("cannot read " + kind + " " + namespace + "/" + name
                        + " to compare it with the new values: " + KubeErrors.describe(client, e));
                continue;
            }
            if (live == null) {
                continue;
            }
            Map<String, Object> wanted = Manifests.map(document, "spec");
            Map<String, Object> current =
                    live.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? cast(spec) : Map.of();
            List<String> changed = new ArrayList<>();
            if (!Objects.equals(normalized(wanted.get("selector")), normalized(current.get("selector")))) {
                changed.add("spec.selector");
            }
            if (kind.equals("StatefulSet")) {
                compare(changed, "spec.serviceName", wanted.get("serviceName"), current.get("serviceName"));
                compare(
                        changed,
                        "spec.podManagementPolicy",
                        wanted.getOrDefault("podManagementPolicy", "OrderedReady"),
                        current.getOrDefault("podManagementPolicy", "OrderedReady"));
                changed.addAll(claimTemplateChanges(
                        list(wanted.get("volumeClaimTemplates")), list(current.get("volumeClaimTemplates"))));
            }
            if (changed.isEmpty()) {
                continue;
            }
            String object = kind + " " + namespace + "/" + name;
            problems.add(object + " (release " + release + "): the new values change " + String.join(", ", changed)
                    + ", which Kubernetes does not allow on an existing " + kind + ". To apply it, delete the " + kind
                    + " but keep its pods and volumes: kubectl -n " + namespace + " delete "
                    + kind.toLowerCase(java.util.Locale.ROOT)
                    + " " + name + " --cascade=orphan, then run up again (Helm creates it anew); or run down first");
        }
        return problems;
    }

    private static void compare(List<String> changed, String field, Object wanted, Object current) {
        if (!Objects.equals(
                wanted == null ? null : String.valueOf(wanted), current == null ? null : String.valueOf(current))) {
            changed.add(field + " (" + current + " -> " + wanted + ")");
        }
    }

    /** Claim templates by name: added or removed ones, and changed size, access modes or storage class. */
    private static List<String> claimTemplateChanges(
            List<Map<String, Object>> wanted, List<Map<String, Object>> current) {
        List<String> changed = new ArrayList<>();
        List<String> wantedNames = wanted.stream()
                .map(t -> Manifests.text(Manifests.map(t, "metadata"), "name"))
                .toList();
        List<String> currentNames = current.stream()
                .map(t -> Manifests.text(Manifests.map(t, "metadata"), "name"))
                .toList();
        if (!wantedNames.equals(currentNames)) {
            changed.add(
                    "spec.volumeClaimTemplates (" + (currentNames.isEmpty() ? "none" : String.join(", ", currentNames))
                            + " -> " + (wantedNames.isEmpty() ? "none" : String.join(", ", wantedNames)) + ")");
            return changed;
        }
        for (int i = 0; i < wanted.size(); i++) {
            String name = wantedNames.get(i);
            Map<String, Object> want = Manifests.map(wanted.get(i), "spec");
            Map<String, Object> have = Manifests.map(current.get(i), "spec");
            String field = "spec.volumeClaimTemplates[" + name + "]";
            Object wantSize = storage(want);
            Object haveSize = storage(have);
            if (wantSize != null
                    && haveSize != null
                    && !new Quantity(String.valueOf(wantSize)).equals(new Quantity(String.valueOf(haveSize)))) {
                changed.add(field + " storage (" + haveSize + " -> " + wantSize + ")");
            }
            if (want.get("accessModes") != null && !Objects.equals(want.get("accessModes"), have.get("accessModes"))) {
                changed.add(
                        field + " accessModes (" + have.get("accessModes") + " -> " + want.get("accessModes") + ")");
            }
            if (want.get("storageClassName") != null
                    && !Objects.equals(want.get("storageClassName"), have.get("storageClassName"))) {
                changed.add(field + " storageClassName (" + have.get("storageClassName") + " -> "
                        + want.get("storageClassName") + ")");
            }
        }
        return changed;
    }

    private static Object storage(Map<String, Object> claimSpec) {
        return Manifests.map(Manifests.map(claimSpec, "resources"), "requests").get("storage");
    }

    /** A selector with absent and empty parts treated alike, so defaults the server fills in are not "changes". */
    private static Object normalized(Object selector) {
        if (!(selector instanceof Map<?, ?> map)) {
            return Map.of();
        }
        Map<String, Object> result = new java.util.TreeMap<>();
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && m.isEmpty() || v instanceof List<?> l && l.isEmpty() || v == null) {
                return;
            }
            result.put(String.valueOf(k), v instanceof Map<?, ?> m ? new java.util.TreeMap<>(cast(m)) : v);
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        if (!(value instanceof List<?> items)) {
            return List.of();
        }
        return items.stream()
                .filter(Map.class::isInstance)
                .map(item -> (Map<String, Object>) item)
                .toList();
    }
}
