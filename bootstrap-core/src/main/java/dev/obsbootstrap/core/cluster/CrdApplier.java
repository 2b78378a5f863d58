package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.manifest.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies CustomResourceDefinitions the way Helm cannot: server-side (some operators' CRDs exceed the
 * 256 KiB last-applied annotation that client-side apply needs), with field manager {@value #FIELD_MANAGER} forcing
 * conflicts (so it also upgrades CRDs that Helm installed once and never touches again), then waits until each is
 * Established so charts that render custom resources can be installed next.
 */
public final class CrdApplier {
    public static final String FIELD_MANAGER = "obs-bootstrap";

    private final KubernetesClient client;
    private final Waiter waiter;

    public CrdApplier(KubernetesClient client, Waiter waiter) {
        this.client = Objects.requireNonNull(client, "client");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
    }

    /** The CRDs among the documents of a templated manifest (other kinds are left out), in order. */
    public static List<CustomResourceDefinition> crdsIn(String manifest) {
        List<CustomResourceDefinition> crds = new ArrayList<>();
        for (Map<String, Object> document : Manifests.maps(manifest, "the CRD manifest")) {
            if ("CustomResourceDefinition".equals(Manifests.text(document, "kind"))
                    && Manifests.text(document, "apiVersion").startsWith("apiextensions.k8s.io/")) {
                crds.add(Manifests.convert(document, CustomResourceDefinition.class));
            }
        }
        return crds;
    }

    /**
     * Server-side applies every CRD in {@code manifest}, then waits until all are Established, within {@code timeout}.
     *
     * @return the names of the CRDs applied, in manifest order (empty when the manifest has none)
     * @throws ClusterException when the API server refuses one (RBAC, validation) or one is not Established in time
     */
    public List<String> apply(String manifest, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<String> names = new ArrayList<>();
        for (CustomResourceDefinition crd : crdsIn(manifest)) {
            String name = crd.getMetadata().getName();
            crd.getMetadata().setResourceVersion(null);
            crd.setStatus(null);
            try {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .fieldManager(FIELD_MANAGER)
                        .forceConflicts()
                        .serverSideApply();
            } catch (KubernetesClientException e) {
                throw new ClusterException(
                        "cannot apply CustomResourceDefinition " + name + ": " + e.getMessage()
                                + (e.getCode() == 403
                                        ? " (applying CRDs needs cluster-admin-like rights: create/patch on"
                                                + " customresourcedefinitions.apiextensions.k8s.io)"
                                        : ""),
                        e);
            }
            names.add(name);
        }
        for (String name : names) {
            Duration remaining = Duration.between(Instant.now(), deadline);
            waiter.until(
                    ResourceRef.crd(name),
                    CrdApplier::established,
                    remaining.isNegative() ? Duration.ofMillis(1) : remaining);
        }
        return List.copyOf(names);
    }

    private static boolean established(HasMetadata object) {
        return object != null && ReadinessChecks.whyNotReady(object).isEmpty();
    }
}
