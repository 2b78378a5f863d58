package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which of a release's objects (as the ledger recorded them, {@link ResourceRef} keys) no longer exist: one list
 * request per kind and namespace, not one read per object (CustomResourceDefinitions excepted: one read each, as a list
 * of them is every schema of the cluster). What {@code up} reinstalls an unchanged phase for, and what
 * {@code status} reports as drift.
 */
public final class LiveObjects {
    private LiveObjects() {}

    /**
     * The objects of {@code keys} the cluster does not have, described ("Deployment observability/obs-web"). A kind
     * the user may not list, or the API no longer serves, is left out: that is not proof the objects are gone.
     *
     * @param what what the objects belong to, for the message when the API server cannot be reached
     * @throws ClusterException when the API server does not answer
     * @throws InterruptedException when the thread is interrupted between two list requests
     */
    public static List<String> missing(KubernetesClient client, Collection<String> keys, String what)
            throws InterruptedException {
        return read(client, keys, what).missing();
    }

    /**
     * What {@link #missing} finds, and the workloads it listed on the way ({@link Waiter#WORKLOAD_KINDS} of their usual
     * API version, typed: kind and namespace -> items), which a readiness check right after needs not read again.
     */
    public record Listing(List<String> missing, Map<List<String>, List<? extends HasMetadata>> workloads) {
        public Listing {
            missing = List.copyOf(missing);
            workloads = Map.copyOf(workloads);
        }
    }

    /** {@link #missing}, keeping the workload lists it read. */
    public static Listing read(KubernetesClient client, Collection<String> keys, String what)
            throws InterruptedException {
        return read(client, keys, what, new ReadMemo());
    }

    /**
     * {@link #read(KubernetesClient, Collection, String)}, taking each list and CRD from {@code reads} when a moment ago
     * it was read there ({@link ReadMemo}): several phases of one namespace list the same kinds.
     */
    public static Listing read(KubernetesClient client, Collection<String> keys, String what, ReadMemo reads)
            throws InterruptedException {
        Map<String, List<ResourceRef>> byCollection = byCollection(keys);
        List<String> missing = new ArrayList<>();
        Map<List<String>, List<? extends HasMetadata>> workloads = new HashMap<>();
        for (List<ResourceRef> refs : byCollection.values()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            ResourceRef first = refs.get(0);
            Set<String> present = new HashSet<>();
            try {
                if (isCrd(first)) {
                    // one read per name: a list would bring every CRD of the cluster, each with its whole schema
                    // (tens of megabytes on a cluster with a few operators), to learn whether a handful exist; each
                    // read skips its schema (StatusReads)
                    for (ResourceRef ref : refs) {
                        if (crd(client, ref.name(), reads) != null) {
                            present.add(ref.name());
                        }
                    }
                } else if (isTypedWorkload(first)) {
                    List<? extends HasMetadata> items = typedWorkloads(client, first, reads);
                    workloads.put(List.of(first.kind(), first.namespace()), items);
                    items.forEach(item -> present.add(item.getMetadata().getName()));
                } else {
                    genericObjects(client, first, reads)
                            .forEach(item -> present.add(item.getMetadata().getName()));
                }
            } catch (KubernetesClientException | IllegalArgumentException e) {
                if (e instanceof KubernetesClientException k && KubeErrors.isNetwork(k)) {
                    throw new ClusterException(
                            "cannot check that the objects of " + what + " exist: " + KubeErrors.describe(client, k),
                            e);
                }
                continue;
            }
            refs.stream().filter(ref -> !present.contains(ref.name())).forEach(ref -> missing.add(ref.describe()));
        }
        return new Listing(missing, workloads);
    }

    /**
     * The requests {@link #read(KubernetesClient, Collection, String, ReadMemo)} makes for these keys (one per
     * collection, one per CRD), each answering into {@code reads}: to be made ahead, at once ({@link
     * ReadMemo#readAhead}), so that the check finds them answered. A failed one throws, and is asked again by the check.
     *
     * @return question -> the read that answers it ({@link ReadMemo#answer}), for callers that gather the reads of
     *     several checks and ask each question once
     */
    public static Map<String, Runnable> readsFor(KubernetesClient client, Collection<String> keys, ReadMemo reads) {
        Map<String, Runnable> ahead = new java.util.LinkedHashMap<>();
        for (List<ResourceRef> refs : byCollection(keys).values()) {
            ResourceRef first = refs.get(0);
            if (isCrd(first)) {
                refs.forEach(ref -> ahead.put(crdQuestion(ref.name()), () -> crd(client, ref.name(), reads)));
            } else if (isTypedWorkload(first)) {
                ahead.put(listQuestion(first), () -> typedWorkloads(client, first, reads));
            } else {
                ahead.put(listQuestion(first), () -> genericObjects(client, first, reads));
            }
        }
        return ahead;
    }

    private static String listQuestion(ResourceRef first) {
        return "list " + first.apiVersion() + " " + first.kind() + " " + first.namespace();
    }

    /** The question {@link #crd} asks of {@code reads}. */
    public static String crdQuestion(String name) {
        return "get apiextensions.k8s.io/v1 CustomResourceDefinition " + name;
    }

    private static Map<String, List<ResourceRef>> byCollection(Collection<String> keys) {
        Map<String, List<ResourceRef>> byCollection = new TreeMap<>();
        for (String key : keys) {
            ResourceRef.parse(key)
                    .ifPresent(ref -> byCollection
                            .computeIfAbsent(
                                    ref.apiVersion() + " " + ref.kind() + " " + ref.namespace(), k -> new ArrayList<>())
                            .add(ref));
        }
        return byCollection;
    }

    private static boolean isCrd(ResourceRef ref) {
        return ref.kind().equals("CustomResourceDefinition") && ref.apiVersion().equals("apiextensions.k8s.io/v1");
    }

    private static List<? extends HasMetadata> typedWorkloads(
            KubernetesClient client, ResourceRef first, ReadMemo reads) {
        return reads.answer(listQuestion(first), () -> Waiter.listWorkloads(client, first.kind(), first.namespace()));
    }

    private static List<GenericKubernetesResource> genericObjects(
            KubernetesClient client, ResourceRef first, ReadMemo reads) {
        return reads.answer(listQuestion(first), () -> {
            var collection = client.genericKubernetesResources(first.apiVersion(), first.kind());
            return first.namespace().isEmpty()
                    ? collection.list().getItems()
                    : collection.inNamespace(first.namespace()).list().getItems();
        });
    }

    /**
     * A CustomResourceDefinition without its schema ({@link StatusReads#crd}), or {@code null} when there is none;
     * from {@code reads} when it was read a moment ago.
     */
    public static CustomResourceDefinition crd(KubernetesClient client, String name, ReadMemo reads) {
        return reads.answer(crdQuestion(name), () -> StatusReads.crd(client, name));
    }

    private static boolean isTypedWorkload(ResourceRef ref) {
        if (ref.namespace().isEmpty()) {
            return false;
        }
        return switch (ref.kind()) {
            case "Deployment", "StatefulSet", "DaemonSet" -> ref.apiVersion().equals("apps/v1");
            case "Job" -> ref.apiVersion().equals("batch/v1");
            default -> false;
        };
    }
}
