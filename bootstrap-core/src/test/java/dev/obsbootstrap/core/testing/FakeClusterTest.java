package dev.obsbootstrap.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulated API server and kubelet, checked through the same HTTP a real client sends, against what the real ones
 * do. Each behaviour's source is a file of kubernetes/kubernetes at tag v1.31.0, whose address is
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/ followed by the path given:
 * <ul>
 *   <li>JSON merge patch replaces lists and deletes nulls (RFC 7386), as
 *       staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go applies it (jsonPatcher);</li>
 *   <li>strategic merge patch merges containers by name:
 *       staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go, with the patchMergeKey of
 *       staging/src/k8s.io/api/core/v1/types.go;</li>
 *   <li>server-side apply creates, then merges: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go
 *       (applyPatcher);</li>
 *   <li>Services get a ClusterIP: pkg/registry/core/service/storage/alloc.go;</li>
 *   <li>a CRD turns Established:
 *       staging/src/k8s.io/apiextensions-apiserver/pkg/controller/establish/establishing_controller.go;</li>
 *   <li>a watch starts with ADDED events for what exists: staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go;</li>
 *   <li>the kubelet's pods carry the workload's selector labels and owner reference, and go with it:
 *       pkg/controller/garbagecollector/garbagecollector.go.</li>
 * </ul>
 * A list's Accept
 * header is negotiated in order (
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go):
 * PartialObjectMetadataList of meta.k8s.io/v1 or v1beta1 is each item's metadata alone, PartialObjectMetadata of a
 * list is 406, and nothing servable is 406 (
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go,
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go).
 * A built-in type's list items carry no kind or apiVersion: the codec sets them on the object it encodes, the list,
 * and only an unstructured list (custom resources) keeps its items' (
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apimachinery/pkg/runtime/serializer/versioning/versioning.go,
 * codec.doEncode; https://github.com/kubernetes/kubernetes/issues/3030).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeClusterTest {
    static FakeCluster cluster;
    static HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder()
                .kubernetesVersion("1.30.2")
                .namespaces("t")
                .preload(Fixtures.resource("crds/monitoring-crds.yaml"))
                .start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void versionAndDiscoveryAnswerWhateverTheQueryString() throws Exception {
        assertThat(get("/version?timeout=32s").body()).contains("\"gitVersion\":\"v1.30.2\"");
        assertThat(get("/api?timeout=32s").body()).contains("\"versions\":[\"v1\"]");
        assertThat(get("/apis?timeout=32s").body())
                .contains("\"name\":\"apps\"")
                .contains("\"name\":\"monitoring.coreos.com\"");
        assertThat(get("/apis/apps/v1?timeout=32s").body())
                .contains("\"kind\":\"Deployment\"")
                .contains("\"name\":\"deployments/status\"");
        assertThat(get("/apis/monitoring.coreos.com/v1").body()).contains("\"kind\":\"ServiceMonitor\"");
        assertThat(get("/apis/nothing.example/v1").statusCode()).isEqualTo(404);
        assertThat(get("/openapi/v3").body()).contains("\"apis/apps/v1\"");
    }

    @Test
    void listsCarryTheirRealKind() throws Exception {
        HttpResponse<String> secrets = get("/api/v1/namespaces/t/secrets");
        assertThat(secrets.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(secrets.body()).contains("\"kind\":\"SecretList\"");
        assertThat(get("/apis/apps/v1/namespaces/t/deployments").body()).contains("\"kind\":\"DeploymentList\"");
    }

    /**
     * A list asked for as PartialObjectMetadataList holds each item's metadata alone (kubernetes v1.31.0
     * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go, asPartialObjectMetadataList); asked for plainly,
     * the whole objects.
     */
    @Test
    void aListAskedForAsPartialObjectMetadataHoldsOnlyMetadata() throws Exception {
        cluster.client()
                .secrets()
                .inNamespace("t")
                .resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withName("partial-one")
                        .withLabels(Map.of("owner", "helm", "name", "partial"))
                        .endMetadata()
                        .withData(Map.of("release", "c2VjcmV0LXBheWxvYWQ="))
                        .build())
                .createOr(existing -> existing.update());
        String path = "/api/v1/namespaces/t/secrets?labelSelector=owner%3Dhelm%2Cname%3Dpartial";

        HttpResponse<String> partial = http.send(
                HttpRequest.newBuilder(URI.create(cluster.serverUrl() + path))
                        .header(
                                "Accept",
                                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var body = Serialization.jsonMapper().readTree(partial.body());

        assertThat(body.path("kind").asString()).isEqualTo("PartialObjectMetadataList");
        assertThat(body.path("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        assertThat(body.path("items")).hasSize(1);
        assertThat(body.path("items").get(0).path("kind").asString()).isEqualTo("PartialObjectMetadata");
        assertThat(body.path("items")
                        .get(0)
                        .path("metadata")
                        .path("labels")
                        .path("name")
                        .asString())
                .isEqualTo("partial");
        assertThat(partial.body()).doesNotContain("c2VjcmV0LXBheWxvYWQ=");
        assertThat(get(path).body()).contains("\"kind\":\"SecretList\"").contains("c2VjcmV0LXBheWxvYWQ=");
    }

    /**
     * The Accept header's types are tried in order (negotiate.go, rest.go and response.go at v1.31.0, as in the class
     * comment): the first servable one wins, PartialObjectMetadata of a list is 406 NotAcceptable, and so is a header
     * with nothing servable.
     */
    @Test
    void aListsAcceptHeaderIsNegotiatedInOrderAndRefusedWhenNothingFits() throws Exception {
        String path = "/api/v1/namespaces/t/secrets";

        HttpResponse<String> plainFirst = getAccepting(
                path, "application/json, application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
        HttpResponse<String> beta =
                getAccepting(path, "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1");
        HttpResponse<String> skipped = getAccepting(
                path,
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v2, "
                        + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
        HttpResponse<String> singular =
                getAccepting(path, "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
        HttpResponse<String> nothing =
                getAccepting(path, "application/json;as=PartialObjectMetadataList;g=example.com;v=v1");

        assertThat(plainFirst.statusCode()).isEqualTo(200);
        assertThat(plainFirst.body()).contains("\"kind\":\"SecretList\"");
        assertThat(beta.body()).contains("\"apiVersion\":\"meta.k8s.io/v1beta1\"");
        assertThat(skipped.body())
                .contains("\"kind\":\"PartialObjectMetadataList\"", "\"apiVersion\":\"meta.k8s.io/v1\"");
        assertThat(singular.statusCode()).isEqualTo(406);
        assertThat(singular.body()).contains("you requested PartialObjectMetadata, but the requested object is a list");
        assertThat(nothing.statusCode()).isEqualTo(406);
        assertThat(nothing.body()).contains("\"reason\":\"NotAcceptable\"");
    }

    private static HttpResponse<String> getAccepting(String path, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(cluster.serverUrl() + path))
                        .header("Accept", accept)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A built-in type's list items come without kind and apiVersion, as the API server sends them
     * (https://github.com/kubernetes/kubernetes/issues/3030); a custom resource's keep theirs (served unstructured).
     */
    @Test
    void builtInListItemsCarryNoKindCustomResourcesDo() throws Exception {
        cluster.client()
                .configMaps()
                .inNamespace("t")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("items-kind")
                        .endMetadata()
                        .build())
                .createOr(existing -> existing.update());
        cluster.client()
                .genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
                .inNamespace("t")
                .resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                        .withApiVersion("monitoring.coreos.com/v1")
                        .withKind("ServiceMonitor")
                        .withNewMetadata()
                        .withName("items-kind")
                        .endMetadata()
                        .build())
                .createOr(existing -> existing.update());

        var configMaps = Serialization.jsonMapper()
                .readTree(get("/api/v1/namespaces/t/configmaps").body());
        var monitors = Serialization.jsonMapper()
                .readTree(get("/apis/monitoring.coreos.com/v1/namespaces/t/servicemonitors")
                        .body());

        assertThat(configMaps.path("kind").asString()).isEqualTo("ConfigMapList");
        assertThat(configMaps.path("items"))
                .isNotEmpty()
                .allMatch(item -> !item.has("kind") && !item.has("apiVersion"));
        assertThat(monitors.path("items"))
                .isNotEmpty()
                .allMatch(item -> item.path("kind").asString().equals("ServiceMonitor")
                        && item.path("apiVersion").asString().equals("monitoring.coreos.com/v1"));
    }

    @Test
    void aChunkedWatchAnswersWithTheCurrentObjectsAndEnds() throws Exception {
        cluster.client()
                .configMaps()
                .inNamespace("t")
                .resource(configMap("watched", Map.of("a", "1")))
                .create();

        HttpResponse<String> watch = get(
                "/api/v1/namespaces/t/configmaps?fieldSelector=metadata.name%3Dwatched&watch=true&timeoutSeconds=300");

        assertThat(watch.statusCode()).isEqualTo(200);
        assertThat(watch.body().lines())
                .singleElement()
                .satisfies(line ->
                        assertThat(line).startsWith("{\"type\":\"ADDED\"").contains("\"name\":\"watched\""));
    }

    @Test
    void mergePatchesReplaceListsAndDeleteNulls() {
        cluster.client()
                .configMaps()
                .inNamespace("t")
                .resource(configMap("merged", Map.of("keep", "1", "drop", "2")))
                .create();

        ConfigMap patched = cluster.client()
                .configMaps()
                .inNamespace("t")
                .withName("merged")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"drop\":null,\"add\":\"3\"}}");

        assertThat(patched.getData()).containsOnly(Map.entry("keep", "1"), Map.entry("add", "3"));
    }

    @Test
    void strategicMergePatchesMergeContainersByName() {
        cluster.client()
                .apps()
                .deployments()
                .inNamespace("t")
                .resource(deployment("smp"))
                .create();

        Deployment patched = cluster.client()
                .apps()
                .deployments()
                .inNamespace("t")
                .withName("smp")
                .patch(
                        PatchContext.of(PatchType.STRATEGIC_MERGE),
                        "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"app\"},{\"name\":\"sidecar\"}],"
                                + "\"containers\":[{\"name\":\"app\",\"image\":\"app:2\"},{\"name\":\"sidecar\",\"image\":\"proxy:1\"}]}}}}");

        var containers = patched.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers)
                .extracting(c -> c.getName() + "=" + c.getImage())
                .containsExactly("app=app:2", "sidecar=proxy:1");
        assertThat(containers.get(0).getPorts())
                .as("fields of the patched container are kept")
                .hasSize(1);
        assertThat(patched.getMetadata().getGeneration()).isEqualTo(2L);
    }

    /**
     * A metadata-only change (an annotation) leaves the generation as it was, as the API server's update strategy does
     * (kubernetes/kubernetes v1.31.0 pkg/registry/apps/deployment/strategy.go, PrepareForUpdate: Generation++ only when
     * the spec changed), and a merge patch without a resourceVersion applies without a conflict
     * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go): the tests touch workloads this way to wake the
     * simulated kubelet without a rollout.
     */
    @Test
    void aMetadataOnlyMergePatchKeepsTheGeneration() {
        cluster.client()
                .apps()
                .deployments()
                .inNamespace("t")
                .resource(deployment("touched"))
                .create();
        long before = cluster.client()
                .apps()
                .deployments()
                .inNamespace("t")
                .withName("touched")
                .get()
                .getMetadata()
                .getGeneration();

        Deployment patched = cluster.client()
                .apps()
                .deployments()
                .inNamespace("t")
                .withName("touched")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"touch\":\"1\"}}}");

        assertThat(patched.getMetadata().getAnnotations()).containsEntry("touch", "1");
        assertThat(patched.getMetadata().getGeneration()).isEqualTo(before);
    }

    @Test
    void serverSideApplyCreatesThenMerges() {
        ConfigMap applied = cluster.client()
                .configMaps()
                .inNamespace("t")
                .resource(configMap("applied", Map.of("a", "1")))
                .fieldManager("obs-bootstrap")
                .forceConflicts()
                .serverSideApply();
        assertThat(applied.getMetadata().getUid()).isNotBlank();

        ConfigMap reapplied = cluster.client()
                .configMaps()
                .inNamespace("t")
                .resource(configMap("applied", Map.of("b", "2")))
                .fieldManager("obs-bootstrap")
                .forceConflicts()
                .serverSideApply();

        assertThat(reapplied.getMetadata().getUid())
                .isEqualTo(applied.getMetadata().getUid());
        assertThat(reapplied.getData()).containsEntry("b", "2");
    }

    @Test
    void servicesGetAClusterIpAndCrdsAreEstablished() {
        var service = cluster.client()
                .services()
                .inNamespace("t")
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("svc")
                        .endMetadata()
                        .withNewSpec()
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        assertThat(service.getSpec().getClusterIP()).startsWith("10.96.");

        var crd = cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("servicemonitors.monitoring.coreos.com")
                .get();
        assertThat(crd.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Established");
            assertThat(c.getStatus()).isEqualTo("True");
        });
    }

    @Test
    void protobufSecretsAreStoredAsJson() {
        // what client-go sends for a Secret {name: s1, labels {owner: helm}, type: helm.sh/release.v1, data {release:
        // "abc"}}
        byte[] meta = concat(
                field(1, "s1".getBytes()),
                field(11, concat(field(1, "owner".getBytes()), field(2, "helm".getBytes()))));
        byte[] secret = concat(
                field(1, meta),
                field(2, concat(field(1, "release".getBytes()), field(2, "abc".getBytes()))),
                field(3, "helm.sh/release.v1".getBytes()));
        byte[] typeMeta = concat(field(1, "v1".getBytes()), field(2, "Secret".getBytes()));
        byte[] envelope = concat(new byte[] {'k', '8', 's', 0}, field(1, typeMeta), field(2, secret));

        var json = KubeProtobuf.toJson(envelope);

        assertThat(Serialization.asJson(json))
                .isEqualTo(
                        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\","
                                + "\"labels\":{\"owner\":\"helm\"}},\"data\":{\"release\":\"YWJj\"},\"type\":\"helm.sh/release.v1\"}");
    }

    @Test
    void theKubeletRunsPodsWithSelectorLabelsAndOwnersAndCollectsThemWithTheWorkload() throws Exception {
        Deployment created = cluster.client()
                .apps()
                .deployments()
                .inNamespace("t")
                .resource(deployment("owned"))
                .create();

        List<Pod> pods = cluster.client()
                .pods()
                .inNamespace("t")
                .withLabel("app", "owned")
                .informOnCondition(list -> !list.isEmpty())
                .get(20, TimeUnit.SECONDS);
        Pod pod = pods.get(0);
        String replicaSet = pod.getMetadata().getOwnerReferences().get(0).getName();
        assertThat(cluster.client()
                        .apps()
                        .replicaSets()
                        .inNamespace("t")
                        .withName(replicaSet)
                        .get()
                        .getMetadata()
                        .getOwnerReferences()
                        .get(0)
                        .getUid())
                .isEqualTo(created.getMetadata().getUid());
        assertThat(pod.getSpec().getNodeName()).isEqualTo(KubeletSimulator.NODE_NAME);

        cluster.client().apps().deployments().inNamespace("t").withName("owned").delete();

        // polled, not watched: the mock's watches ignore resourceVersion and can miss a deletion
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> cluster.client()
                                .pods()
                                .inNamespace("t")
                                .withLabel("app", "owned")
                                .list()
                                .getItems()
                                .isEmpty()
                        && cluster.client()
                                        .apps()
                                        .replicaSets()
                                        .inNamespace("t")
                                        .withName(replicaSet)
                                        .get()
                                == null);
    }

    @Test
    void theKubeletStopsWithTheCluster() {
        FakeCluster other = FakeCluster.start();
        assertThat(other.kubelet().isRunning()).isTrue();
        other.close();
        assertThat(other.kubelet().isRunning()).isFalse();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(cluster.serverUrl() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("t")
                .endMetadata()
                .withData(data)
                .build();
    }

    private static Deployment deployment(String name) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("t")
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("app:1")
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static byte[] field(int number, byte[] value) {
        byte[] out = new byte[2 + value.length];
        out[0] = (byte) (number << 3 | 2);
        out[1] = (byte) value.length;
        System.arraycopy(value, 0, out, 2, value.length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
