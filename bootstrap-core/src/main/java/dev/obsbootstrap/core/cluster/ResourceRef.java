package dev.obsbootstrap.core.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * Names one Kubernetes object: what the engine waits on, diagnoses and reports.
 *
 * @param apiVersion apps/v1, v1, apiextensions.k8s.io/v1, ...
 * @param kind       Deployment, StatefulSet, CustomResourceDefinition, ...
 * @param namespace  "" for cluster-scoped objects
 * @param name       metadata.name
 */
public record ResourceRef(String apiVersion, String kind, String namespace, String name) {
    public ResourceRef {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static ResourceRef of(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return new ResourceRef(
                object.getApiVersion(),
                object.getKind(),
                namespace == null ? "" : namespace,
                object.getMetadata().getName());
    }

    public static ResourceRef deployment(String namespace, String name) {
        return new ResourceRef("apps/v1", "Deployment", namespace, name);
    }

    public static ResourceRef statefulSet(String namespace, String name) {
        return new ResourceRef("apps/v1", "StatefulSet", namespace, name);
    }

    public static ResourceRef daemonSet(String namespace, String name) {
        return new ResourceRef("apps/v1", "DaemonSet", namespace, name);
    }

    public static ResourceRef job(String namespace, String name) {
        return new ResourceRef("batch/v1", "Job", namespace, name);
    }

    public static ResourceRef crd(String name) {
        return new ResourceRef("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", name);
    }

    /** A one-string form that {@link #parse} reads back: "apps/v1 Deployment obs store-gateway" ("-" for no namespace). */
    public String key() {
        return apiVersion + " " + kind + " " + (namespace.isEmpty() ? "-" : namespace) + " " + name;
    }

    /** The reverse of {@link #key()}; empty for anything else. */
    public static java.util.Optional<ResourceRef> parse(String key) {
        String[] parts = key.strip().split(" ");
        if (parts.length != 4 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                new ResourceRef(parts[0], parts[1], parts[2].equals("-") ? "" : parts[2], parts[3]));
    }

    /** For messages: "Deployment obs/store-gateway", "CustomResourceDefinition widgets.example.com". */
    public String describe() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }

    @Override
    public String toString() {
        return describe();
    }
}
