package dev.obsbootstrap.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The resource types the simulated API server announces in discovery: the built-in kinds that the fixture charts and
 * real-shaped charts (kube-prometheus-stack, loki, tempo, alloy, otel collector) render, plus whatever CRDs have been
 * created. client-go's REST mapper and Helm's capabilities ({@code .Capabilities.APIVersions}) are built from this.
 */
final class ApiResources {

    /** One resource type: group "" is the core group. */
    record Type(String group, String version, String plural, String kind, boolean namespaced, List<String> shortNames) {
        Type {
            shortNames = List.copyOf(shortNames);
        }

        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        String singular() {
            return kind.toLowerCase(Locale.ROOT);
        }
    }

    static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private static final List<Type> BUILT_IN = List.of(
            core("namespaces", "Namespace", false, "ns"),
            core("pods", "Pod", true, "po"),
            core("services", "Service", true, "svc"),
            core("endpoints", "Endpoints", true, "ep"),
            core("configmaps", "ConfigMap", true, "cm"),
            core("secrets", "Secret", true),
            core("serviceaccounts", "ServiceAccount", true, "sa"),
            core("persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc"),
            core("persistentvolumes", "PersistentVolume", false, "pv"),
            core("events", "Event", true, "ev"),
            core("nodes", "Node", false, "no"),
            core("limitranges", "LimitRange", true, "limits"),
            core("resourcequotas", "ResourceQuota", true, "quota"),
            core("replicationcontrollers", "ReplicationController", true, "rc"),
            of("apps", "v1", "deployments", "Deployment", true, "deploy"),
            of("apps", "v1", "statefulsets", "StatefulSet", true, "sts"),
            of("apps", "v1", "daemonsets", "DaemonSet", true, "ds"),
            of("apps", "v1", "replicasets", "ReplicaSet", true, "rs"),
            of("apps", "v1", "controllerrevisions", "ControllerRevision", true),
            of("batch", "v1", "jobs", "Job", true),
            of("batch", "v1", "cronjobs", "CronJob", true, "cj"),
            of("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa"),
            of("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb"),
            of("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
            of("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
            of("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
            of("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
            of("networking.k8s.io", "v1", "ingresses", "Ingress", true, "ing"),
            of("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
            of("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, "netpol"),
            of("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
            of("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, "sc"),
            of("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false),
            of("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, "pc"),
            of("coordination.k8s.io", "v1", "leases", "Lease", true),
            of("events.k8s.io", "v1", "events", "Event", true, "ev"),
            of(
                    "apiextensions.k8s.io",
                    "v1",
                    "customresourcedefinitions",
                    "CustomResourceDefinition",
                    false,
                    "crd",
                    "crds"),
            of(
                    "admissionregistration.k8s.io",
                    "v1",
                    "validatingwebhookconfigurations",
                    "ValidatingWebhookConfiguration",
                    false),
            of(
                    "admissionregistration.k8s.io",
                    "v1",
                    "mutatingwebhookconfigurations",
                    "MutatingWebhookConfiguration",
                    false),
            of("apiregistration.k8s.io", "v1", "apiservices", "APIService", false),
            of("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false, "csr"));

    private ApiResources() {}

    static List<Type> builtIn() {
        return BUILT_IN;
    }

    /** Built-in types followed by the given custom ones; grouped by group/version in first-seen order. */
    static Map<String, List<Type>> byGroupVersion(List<Type> custom) {
        Map<String, List<Type>> grouped = new LinkedHashMap<>();
        List<Type> all = new ArrayList<>(BUILT_IN);
        all.addAll(custom);
        for (Type type : all) {
            grouped.computeIfAbsent(type.groupVersion(), key -> new ArrayList<>())
                    .add(type);
        }
        return grouped;
    }

    static Optional<Type> find(List<Type> custom, String group, String version, String plural) {
        List<Type> all = new ArrayList<>(BUILT_IN);
        all.addAll(custom);
        return all.stream()
                .filter(t -> t.group().equals(group)
                        && t.version().equals(version)
                        && t.plural().equals(plural))
                .findFirst();
    }

    private static Type core(String plural, String kind, boolean namespaced, String... shortNames) {
        return new Type("", "v1", plural, kind, namespaced, List.of(shortNames));
    }

    private static Type of(
            String group, String version, String plural, String kind, boolean namespaced, String... shortNames) {
        return new Type(group, version, plural, kind, namespaced, List.of(shortNames));
    }
}
