package dev.obsbootstrap.core.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A rendered Kubernetes object: a document with apiVersion, kind and metadata.name.
 * Read-only helpers tolerate any shape, so checks never throw on odd charts.
 */
public record ManifestObject(
        String apiVersion, String kind, String name, String namespace, Map<?, ?> body, ManifestDocument document) {
    /** Kinds that live outside namespaces, so messages do not invent one for them. */
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "CustomResourceDefinition",
            "ClusterRole",
            "ClusterRoleBinding",
            "PersistentVolume",
            "StorageClass",
            "PriorityClass",
            "IngressClass",
            "RuntimeClass",
            "APIService",
            "CSIDriver",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "PodSecurityPolicy",
            "Node");

    public ManifestObject {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(document, "document");
    }

    /** The object, when the map has the three fields every Kubernetes object has; empty otherwise. */
    static Optional<ManifestObject> of(Map<?, ?> map, ManifestDocument document) {
        String apiVersion = text(map.get("apiVersion"));
        String kind = text(map.get("kind"));
        Map<?, ?> metadata = map.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        String name = text(metadata.get("name"));
        boolean list = kind.endsWith("List") && map.get("items") instanceof List<?>;
        if (apiVersion.isEmpty() || kind.isEmpty() || (name.isEmpty() && !list)) {
            return Optional.empty();
        }
        return Optional.of(new ManifestObject(apiVersion, kind, name, text(metadata.get("namespace")), map, document));
    }

    /** What is missing for this map to be a Kubernetes object ("apiVersion, metadata.name"), "" when nothing. */
    public static String missingFields(Map<?, ?> map) {
        List<String> missing = new ArrayList<>();
        if (text(map.get("apiVersion")).isEmpty()) {
            missing.add("apiVersion");
        }
        if (text(map.get("kind")).isEmpty()) {
            missing.add("kind");
        }
        Map<?, ?> metadata = map.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        boolean list = text(map.get("kind")).endsWith("List") && map.get("items") instanceof List<?>;
        if (text(metadata.get("name")).isEmpty() && !list) {
            missing.add("metadata.name");
        }
        return String.join(", ", missing);
    }

    public boolean isList() {
        return kind.endsWith("List") && body.get("items") instanceof List<?>;
    }

    /** "StatefulSet observability/obs-store"; namespaced objects without a namespace are shown in the release's. */
    /** Whether this kind lives outside namespaces: Helm leaves such objects without one. */
    public boolean clusterScoped() {
        return CLUSTER_SCOPED.contains(kind);
    }

    /** Whether Helm runs this object as a hook (deleted by its policy), rather than keeping it as part of the release. */
    public boolean isHook() {
        return at("metadata", "annotations")
                .filter(Map.class::isInstance)
                .map(annotations -> ((Map<?, ?>) annotations).containsKey("helm.sh/hook"))
                .orElse(false);
    }

    public String describe(String releaseNamespace) {
        if (CLUSTER_SCOPED.contains(kind)) {
            return kind + " " + name;
        }
        return kind + " " + (namespace.isEmpty() ? releaseNamespace : namespace) + "/" + name;
    }

    /** The value at a path of map keys, or empty when any step is missing or not a map. */
    public Optional<Object> at(String... path) {
        Object current = body;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return Optional.empty();
            }
            current = map.get(key);
        }
        return Optional.ofNullable(current);
    }

    /** The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, or anything with spec.template.spec). */
    public Optional<Map<?, ?>> podSpec() {
        Optional<Object> spec = switch (kind) {
            case "Pod" -> at("spec");
            case "CronJob" -> at("spec", "jobTemplate", "spec", "template", "spec");
            default -> at("spec", "template", "spec");
        };
        return spec.filter(Map.class::isInstance).map(s -> (Map<?, ?>) s);
    }

    /**
     * The images this object runs: its pod spec's containers and init containers, and a monitoring.coreos.com
     * resource's spec.image (the operator starts that image).
     */
    public List<String> images() {
        List<String> images = new java.util.ArrayList<>();
        podSpec().ifPresent(pod -> {
            for (String list : List.of("initContainers", "containers")) {
                if (pod.get(list) instanceof List<?> containers) {
                    for (Object container : containers) {
                        if (container instanceof Map<?, ?> map
                                && !text(map.get("image")).isEmpty()) {
                            images.add(text(map.get("image")));
                        }
                    }
                }
            }
        });
        if (apiVersion.startsWith("monitoring.coreos.com/")) {
            at("spec", "image")
                    .map(ManifestObject::text)
                    .filter(s -> !s.isEmpty())
                    .ifPresent(images::add);
        }
        return images;
    }

    public static String text(Object value) {
        return value == null ? "" : String.valueOf(value).strip();
    }
}
