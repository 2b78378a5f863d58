package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which of a release's objects (as the ledger recorded them, {@link ResourceRef} keys) no longer exist: one list
 * request per kind and namespace, not one read per object. What {@code up} reinstalls an unchanged phase for, and what
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
        Map<String, List<ResourceRef>> byCollection = new TreeMap<>();
        for (String key : keys) {
            ResourceRef.parse(key)
                    .ifPresent(ref -> byCollection
                            .computeIfAbsent(
                                    ref.apiVersion() + " " + ref.kind() + " " + ref.namespace(), k -> new ArrayList<>())
                            .add(ref));
        }
        List<String> missing = new ArrayList<>();
        for (List<ResourceRef> refs : byCollection.values()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            ResourceRef first = refs.get(0);
            Set<String> present = new HashSet<>();
            try {
                var collection = client.genericKubernetesResources(first.apiVersion(), first.kind());
                List<GenericKubernetesResource> items = first.namespace().isEmpty()
                        ? collection.list().getItems()
                        : collection.inNamespace(first.namespace()).list().getItems();
                items.forEach(item -> present.add(item.getMetadata().getName()));
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
        return missing;
    }
}
