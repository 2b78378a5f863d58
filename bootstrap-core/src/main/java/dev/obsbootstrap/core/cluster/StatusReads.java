package dev.obsbootstrap.core.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Objects read for their readiness, typed, without what readiness never looks at and what makes them expensive to read.
 * <ul>
 *   <li>Workloads (Deployment, StatefulSet, DaemonSet, Job), for what readiness, the ledger's inventory and the
 *       operator selectors look at (metadata, replicas, update strategy, completions, status), without their pod
 *       templates: {@code spec.template} (and a StatefulSet's {@code spec.volumeClaimTemplates}) are left out and read
 *       as null. Jackson builds the reader of a typed object for its whole type graph the first time one is read, and
 *       a workload's is mostly its pod template (containers, probes, some thirty volume types): about 0.3 s of CPU on a
 *       cold JVM (async-profiler, CPU mode, an unchanged {@code up} on the simulated cluster), and the C1 compilations
 *       it sets off. The lists are read as generic objects (the reader every generic list already uses) and typed here.
 *   <li>CustomResourceDefinitions, for whether they are Established, without their {@code spec}: the schema, which
 *       for an operator's CRDs runs to hundreds of kilobytes each (0.6 to 0.8 MB of YAML for the largest of a monitoring
 *       operator's), and which the parser skips instead of building a JSONSchemaProps tree of it.
 * </ul>
 * An unchanged {@code up} or a {@code status} only asks whether each object is there and ready. Watches and pod
 * checks, which only an install or an object that is not ready needs, keep the client's full model
 * ({@link Waiter#prepareFullReaders}), and so does everything that writes or compares objects.
 */
public final class StatusReads {
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "Deployment", Deployment.class,
            "StatefulSet", StatefulSet.class,
            "DaemonSet", DaemonSet.class,
            "Job", Job.class);

    /** A PartialObjectMetadataList first, the plain list second, as client-go's metadata client offers them. */
    private static final String PARTIAL_LIST_ACCEPT =
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json";

    private static final String CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/";

    private static volatile KubernetesSerialization lean;

    private StatusReads() {}

    @JsonIgnoreProperties({"template"})
    private interface WithoutPodTemplate {}

    @JsonIgnoreProperties({"template", "volumeClaimTemplates"})
    private interface WithoutPodAndClaimTemplates {}

    @JsonIgnoreProperties({"spec"})
    private interface WithoutSpec {}

    /** fabric8's serialization (its modules and settings) over a mapper that leaves the pod templates out. */
    private static KubernetesSerialization lean() {
        KubernetesSerialization serialization = lean;
        if (serialization == null) {
            synchronized (StatusReads.class) {
                if (lean == null) {
                    lean = new KubernetesSerialization(
                            JsonMapper.builder()
                                    .addMixIn(DeploymentSpec.class, WithoutPodTemplate.class)
                                    .addMixIn(DaemonSetSpec.class, WithoutPodTemplate.class)
                                    .addMixIn(JobSpec.class, WithoutPodTemplate.class)
                                    .addMixIn(StatefulSetSpec.class, WithoutPodAndClaimTemplates.class)
                                    .addMixIn(CustomResourceDefinition.class, WithoutSpec.class)
                                    .build(),
                            false);
                }
                serialization = lean;
            }
        }
        return serialization;
    }

    /** True for the kinds read here (of their usual API version: apps/v1, batch/v1). */
    public static boolean isWorkloadKind(String kind) {
        return TYPES.containsKey(kind);
    }

    /**
     * Every workload of {@code kind} in {@code namespace} (matching {@code labelSelector}, when given), in one list
     * request, typed without pod templates. Fails as the client's typed list would (KubernetesClientException).
     */
    public static List<HasMetadata> list(
            KubernetesClient client, String kind, String namespace, Optional<String> labelSelector) {
        Class<? extends HasMetadata> type = type(kind);
        var collection = client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(type))
                .inNamespace(namespace);
        List<GenericKubernetesResource> items = labelSelector
                .map(selector -> collection.withLabelSelector(selector).list().getItems())
                .orElseGet(() -> collection.list().getItems());
        List<HasMetadata> typed = new ArrayList<>(items.size());
        for (GenericKubernetesResource item : items) {
            // an item without kind or apiVersion gets the typed class's own: a real API server sends list items
            // without them (https://github.com/kubernetes/kubernetes/issues/3030, open)
            typed.add(lean().convertValue(item, type));
        }
        return typed;
    }

    /** A workload or other object read generically, as its typed class without pod templates: what readiness reads. */
    public static <T extends HasMetadata> T typed(GenericKubernetesResource object, Class<T> type) {
        return lean().convertValue(object, type);
    }

    /**
     * The CustomResourceDefinition of this name without its spec (status and metadata as they are), or null when the
     * cluster has none. Fails as the client's typed get would (KubernetesClientException).
     */
    public static CustomResourceDefinition crd(KubernetesClient client, String name) {
        String json = client.raw(CRDS_PATH + name);
        return json == null ? null : lean().unmarshal(json, CustomResourceDefinition.class);
    }

    /**
     * The metadata of the objects of a collection ({@code /api/v1/namespaces/NS/secrets}) that match the label
     * selector, without the objects themselves: the list is asked for as a {@code PartialObjectMetadataList}, which
     * the API server builds from each item's metadata alone (kubernetes v1.31.0
     * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go, asPartialObjectMetadataList;
     * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go),
     * as client-go's metadata client does. Helm's release records are what this is for: every revision's Secret holds
     * the whole release, chart included (a chart that carries an operator's CRDs: about a megabyte, gzipped), and
     * deciding "unchanged" needs only their labels. A server that cannot answer that way answers with the plain list
     * (the Accept header offers it second), and the metadata is taken from it. Sent through the client's own HTTP
     * client (its authentication, retries and timeouts); fails as the client's typed list would
     * (KubernetesClientException, built by fabric8's own OperationSupport helpers).
     */
    public static List<ObjectMeta> metadata(KubernetesClient client, String collectionPath, String labelSelector) {
        HttpClient http = client.getHttpClient();
        String url = URLUtils.join(
                client.getMasterUrl().toString(),
                collectionPath + "?labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
        HttpRequest.Builder builder = http.newHttpRequestBuilder().uri(url).header("Accept", PARTIAL_LIST_ACCEPT);
        int timeout = client.getConfiguration().getRequestTimeout();
        if (timeout > 0) {
            builder.timeout(timeout, TimeUnit.MILLISECONDS);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationSupport.requestException(request, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw OperationSupport.requestException(
                    request, cause instanceof Exception exception ? exception : new IOException(cause));
        }
        if (!response.isSuccessful()) {
            throw OperationSupport.requestFailure(
                    request, OperationSupport.createStatus(response, client.getKubernetesSerialization()));
        }
        JsonNode list = lean().unmarshal(response.body(), JsonNode.class);
        List<ObjectMeta> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            items.add(lean().convertValue(item.path("metadata"), ObjectMeta.class));
        }
        return items;
    }

    /**
     * Builds the mapper and its readers for the workload kinds on a cold JVM ahead of the first list, from empty
     * objects; sends nothing. For a thread started early (ClusterHub).
     */
    static void prepare() {
        for (Class<? extends HasMetadata> type : TYPES.values()) {
            lean().convertValue(new GenericKubernetesResource(), type);
        }
        lean().unmarshal("{}", CustomResourceDefinition.class);
    }

    private static Class<? extends HasMetadata> type(String kind) {
        Class<? extends HasMetadata> type = TYPES.get(kind);
        if (type == null) {
            throw new IllegalArgumentException(kind + " is not one of " + TYPES.keySet());
        }
        return type;
    }
}
