package dev.obsbootstrap.core.validate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When Kubernetes deprecated and removed the API versions charts still carry in older templates, from the Kubernetes
 * deprecated API migration guide (kubernetes.io/docs/reference/using-api/deprecation-guide): what a bundle rendered
 * for one version may not send to another.
 */
public final class ApiLifecycle {
    /**
     * @param deprecatedIn the minor release that deprecated it ("1.19")
     * @param removedIn    the first minor release that no longer serves it ("1.22")
     * @param replacement  what to use instead ("networking.k8s.io/v1")
     */
    public record Entry(String apiVersion, String kind, String deprecatedIn, String removedIn, String replacement) {
        public Entry {
            Objects.requireNonNull(apiVersion, "apiVersion");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(deprecatedIn, "deprecatedIn");
            Objects.requireNonNull(removedIn, "removedIn");
            Objects.requireNonNull(replacement, "replacement");
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            removed("extensions/v1beta1", "Deployment", "1.9", "1.16", "apps/v1"),
            removed("extensions/v1beta1", "DaemonSet", "1.9", "1.16", "apps/v1"),
            removed("extensions/v1beta1", "ReplicaSet", "1.9", "1.16", "apps/v1"),
            removed("extensions/v1beta1", "NetworkPolicy", "1.9", "1.16", "networking.k8s.io/v1"),
            removed(
                    "extensions/v1beta1",
                    "PodSecurityPolicy",
                    "1.11",
                    "1.16",
                    "Pod Security admission (namespace labels)"),
            removed("extensions/v1beta1", "Ingress", "1.14", "1.22", "networking.k8s.io/v1"),
            removed("apps/v1beta1", "Deployment", "1.9", "1.16", "apps/v1"),
            removed("apps/v1beta1", "StatefulSet", "1.9", "1.16", "apps/v1"),
            removed("apps/v1beta2", "Deployment", "1.9", "1.16", "apps/v1"),
            removed("apps/v1beta2", "StatefulSet", "1.9", "1.16", "apps/v1"),
            removed("apps/v1beta2", "DaemonSet", "1.9", "1.16", "apps/v1"),
            removed("apps/v1beta2", "ReplicaSet", "1.9", "1.16", "apps/v1"),
            removed("networking.k8s.io/v1beta1", "Ingress", "1.19", "1.22", "networking.k8s.io/v1"),
            removed("networking.k8s.io/v1beta1", "IngressClass", "1.19", "1.22", "networking.k8s.io/v1"),
            removed(
                    "apiextensions.k8s.io/v1beta1",
                    "CustomResourceDefinition",
                    "1.16",
                    "1.22",
                    "apiextensions.k8s.io/v1"),
            removed(
                    "admissionregistration.k8s.io/v1beta1",
                    "MutatingWebhookConfiguration",
                    "1.16",
                    "1.22",
                    "admissionregistration.k8s.io/v1"),
            removed(
                    "admissionregistration.k8s.io/v1beta1",
                    "ValidatingWebhookConfiguration",
                    "1.16",
                    "1.22",
                    "admissionregistration.k8s.io/v1"),
            removed("apiregistration.k8s.io/v1beta1", "APIService", "1.19", "1.22", "apiregistration.k8s.io/v1"),
            removed("rbac.authorization.k8s.io/v1beta1", "Role", "1.17", "1.22", "rbac.authorization.k8s.io/v1"),
            removed("rbac.authorization.k8s.io/v1beta1", "RoleBinding", "1.17", "1.22", "rbac.authorization.k8s.io/v1"),
            removed("rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.17", "1.22", "rbac.authorization.k8s.io/v1"),
            removed(
                    "rbac.authorization.k8s.io/v1beta1",
                    "ClusterRoleBinding",
                    "1.17",
                    "1.22",
                    "rbac.authorization.k8s.io/v1"),
            removed("scheduling.k8s.io/v1beta1", "PriorityClass", "1.14", "1.22", "scheduling.k8s.io/v1"),
            removed("coordination.k8s.io/v1beta1", "Lease", "1.14", "1.22", "coordination.k8s.io/v1"),
            removed(
                    "certificates.k8s.io/v1beta1",
                    "CertificateSigningRequest",
                    "1.19",
                    "1.22",
                    "certificates.k8s.io/v1"),
            removed("storage.k8s.io/v1beta1", "CSIDriver", "1.19", "1.22", "storage.k8s.io/v1"),
            removed("storage.k8s.io/v1beta1", "CSINode", "1.17", "1.22", "storage.k8s.io/v1"),
            removed("storage.k8s.io/v1beta1", "StorageClass", "1.6", "1.22", "storage.k8s.io/v1"),
            removed("storage.k8s.io/v1beta1", "VolumeAttachment", "1.13", "1.22", "storage.k8s.io/v1"),
            removed("batch/v1beta1", "CronJob", "1.21", "1.25", "batch/v1"),
            removed("discovery.k8s.io/v1beta1", "EndpointSlice", "1.21", "1.25", "discovery.k8s.io/v1"),
            removed("events.k8s.io/v1beta1", "Event", "1.19", "1.25", "events.k8s.io/v1"),
            removed("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22", "1.25", "autoscaling/v2"),
            removed("policy/v1beta1", "PodDisruptionBudget", "1.21", "1.25", "policy/v1"),
            removed("policy/v1beta1", "PodSecurityPolicy", "1.21", "1.25", "Pod Security admission (namespace labels)"),
            removed("node.k8s.io/v1beta1", "RuntimeClass", "1.20", "1.25", "node.k8s.io/v1"),
            removed("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.23", "1.26", "autoscaling/v2"),
            removed(
                    "flowcontrol.apiserver.k8s.io/v1beta1",
                    "FlowSchema",
                    "1.23",
                    "1.26",
                    "flowcontrol.apiserver.k8s.io/v1"),
            removed(
                    "flowcontrol.apiserver.k8s.io/v1beta1",
                    "PriorityLevelConfiguration",
                    "1.23",
                    "1.26",
                    "flowcontrol.apiserver.k8s.io/v1"),
            removed("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.24", "1.27", "storage.k8s.io/v1"),
            removed(
                    "flowcontrol.apiserver.k8s.io/v1beta2",
                    "FlowSchema",
                    "1.26",
                    "1.29",
                    "flowcontrol.apiserver.k8s.io/v1"),
            removed(
                    "flowcontrol.apiserver.k8s.io/v1beta2",
                    "PriorityLevelConfiguration",
                    "1.26",
                    "1.29",
                    "flowcontrol.apiserver.k8s.io/v1"),
            removed(
                    "flowcontrol.apiserver.k8s.io/v1beta3",
                    "FlowSchema",
                    "1.29",
                    "1.32",
                    "flowcontrol.apiserver.k8s.io/v1"),
            removed(
                    "flowcontrol.apiserver.k8s.io/v1beta3",
                    "PriorityLevelConfiguration",
                    "1.29",
                    "1.32",
                    "flowcontrol.apiserver.k8s.io/v1"),
            // still served, deprecated: EndpointSlice replaces Endpoints (KEP-4974, Kubernetes 1.33)
            removed("v1", "Endpoints", "1.33", "", "discovery.k8s.io/v1 EndpointSlice"));

    private ApiLifecycle() {}

    private static Entry removed(
            String apiVersion, String kind, String deprecatedIn, String removedIn, String replacement) {
        return new Entry(apiVersion, kind, deprecatedIn, removedIn, replacement);
    }

    public static Optional<Entry> of(String apiVersion, String kind) {
        return ENTRIES.stream()
                .filter(e -> e.apiVersion().equals(apiVersion) && e.kind().equals(kind))
                .findFirst();
    }

    /** Whether {@code version} ("1.31.0") is at or past {@code minor} ("1.25"); false when minor is "". */
    static boolean reached(String version, String minor) {
        if (minor.isEmpty()) {
            return false;
        }
        return minorNumber(version) >= minorNumber(minor);
    }

    private static int minorNumber(String version) {
        return Integer.parseInt(version.split("\\.")[1]);
    }
}
