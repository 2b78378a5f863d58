package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workloads readiness reads, read without their pod templates: everything else of the object must arrive as the
 * full model reads it, or a readiness verdict could differ from the one on the full object.
 */
class StatusReadsTest {
    static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder().namespaces("obs").start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aDeploymentKeepsEverythingButItsPodTemplate() {
        Deployment full = new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("obs")
                .withGeneration(7L)
                .withLabels(Map.of("app.kubernetes.io/instance", "obs-web"))
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString("25%"))
                .withMaxSurge(new IntOrString(1))
                .endRollingUpdate()
                .endStrategy()
                .withTemplate(template())
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(6L)
                .withReplicas(4)
                .withUpdatedReplicas(2)
                .withReadyReplicas(3)
                .withAvailableReplicas(3)
                .addNewCondition()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"web-1\" has timed out progressing.")
                .endCondition()
                .endStatus()
                .build();

        Deployment lean = roundTrip(full, Deployment.class);

        assertThat(lean.getSpec().getTemplate()).isNull();
        assertThat(lean.getMetadata()).isEqualTo(full.getMetadata());
        assertThat(lean.getStatus()).isEqualTo(full.getStatus());
        assertThat(lean.getSpec())
                .isEqualTo(new DeploymentBuilder(full)
                        .editSpec()
                        .withTemplate(null)
                        .endSpec()
                        .build()
                        .getSpec());
        assertThat(ReadinessChecks.whyNotReady(lean))
                .isEqualTo(ReadinessChecks.whyNotReady(full))
                .isPresent();
    }

    @Test
    void aStatefulSetKeepsItsPartitionAndRevisionsButNotItsTemplates() {
        StatefulSet full = new StatefulSetBuilder()
                .withNewMetadata()
                .withName("store")
                .withNamespace("obs")
                .withGeneration(2L)
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withServiceName("store-headless")
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withPartition(1)
                .endRollingUpdate()
                .endUpdateStrategy()
                .withTemplate(template())
                .addNewVolumeClaimTemplate()
                .withNewMetadata()
                .withName("data")
                .endMetadata()
                .withNewSpec()
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("10Gi")))
                .endResources()
                .endSpec()
                .endVolumeClaimTemplate()
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(2L)
                .withReplicas(3)
                .withReadyReplicas(3)
                .withUpdatedReplicas(1)
                .withCurrentRevision("store-1")
                .withUpdateRevision("store-2")
                .endStatus()
                .build();

        StatefulSet lean = roundTrip(full, StatefulSet.class);

        assertThat(lean.getSpec().getTemplate()).isNull();
        assertThat(lean.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(lean.getSpec().getUpdateStrategy()).isEqualTo(full.getSpec().getUpdateStrategy());
        assertThat(lean.getSpec().getReplicas()).isEqualTo(3);
        assertThat(lean.getSpec().getServiceName()).isEqualTo("store-headless");
        assertThat(lean.getStatus()).isEqualTo(full.getStatus());
        assertThat(ReadinessChecks.whyNotReady(lean))
                .isEqualTo(ReadinessChecks.whyNotReady(full))
                .contains("updatedReplicas 1 of 2");
    }

    @Test
    void aDaemonSetAndAJobKeepWhatTheirChecksRead() {
        DaemonSet daemonSet = new DaemonSetBuilder()
                .withNewMetadata()
                .withName("agent")
                .withNamespace("obs")
                .withGeneration(1L)
                .endMetadata()
                .withNewSpec()
                .withNewUpdateStrategy()
                .withType("OnDelete")
                .endUpdateStrategy()
                .withTemplate(template())
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(1L)
                .withDesiredNumberScheduled(2)
                .withUpdatedNumberScheduled(0)
                .withNumberReady(2)
                .withNumberAvailable(1)
                .endStatus()
                .build();
        Job job = new JobBuilder()
                .withNewMetadata()
                .withName("migrate")
                .withNamespace("obs")
                .endMetadata()
                .withNewSpec()
                .withCompletions(2)
                .withTemplate(template())
                .endSpec()
                .withNewStatus()
                .withSucceeded(1)
                .withActive(1)
                .endStatus()
                .build();

        DaemonSet leanDaemonSet = roundTrip(daemonSet, DaemonSet.class);
        Job leanJob = roundTrip(job, Job.class);

        assertThat(leanDaemonSet.getSpec().getTemplate()).isNull();
        assertThat(leanDaemonSet.getSpec().getUpdateStrategy())
                .isEqualTo(daemonSet.getSpec().getUpdateStrategy());
        assertThat(leanDaemonSet.getStatus()).isEqualTo(daemonSet.getStatus());
        assertThat(ReadinessChecks.whyNotReady(leanDaemonSet))
                .isEqualTo(ReadinessChecks.whyNotReady(daemonSet))
                .contains("numberAvailable 1 of 2");
        assertThat(leanJob.getSpec().getTemplate()).isNull();
        assertThat(leanJob.getSpec().getCompletions()).isEqualTo(2);
        assertThat(leanJob.getStatus()).isEqualTo(job.getStatus());
        assertThat(ReadinessChecks.whyNotReady(leanJob))
                .isEqualTo(ReadinessChecks.whyNotReady(job))
                .contains("not complete (succeeded 1 of 2, active 1)");
    }

    /** The API server's list: typed without templates, the kind set, the verdict the same as on the full object. */
    @Test
    void aListFromTheApiServerIsJudgedAsTheFullObjectsAre() {
        cluster.kubelet().behave("lean-stuck", WorkloadBehaviour.pending());
        create("lean-ready", "a");
        create("lean-stuck", "a");
        create("lean-other", "b");
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() ->
                        ReadinessChecks.isReady(full("lean-ready")) && ReadinessChecks.isReady(full("lean-other")));

        List<HasMetadata> all = StatusReads.list(cluster.client(), "Deployment", "obs", Optional.empty());
        List<HasMetadata> selected = StatusReads.list(cluster.client(), "Deployment", "obs", Optional.of("group=a"));

        assertThat(all).extracting(o -> o.getMetadata().getName()).contains("lean-ready", "lean-stuck", "lean-other");
        assertThat(selected)
                .extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("lean-ready", "lean-stuck");
        for (HasMetadata item : all) {
            assertThat(item).isInstanceOf(Deployment.class);
            assertThat(item.getKind()).isEqualTo("Deployment");
            assertThat(item.getApiVersion()).isEqualTo("apps/v1");
            assertThat(((Deployment) item).getSpec().getTemplate()).isNull();
            assertThat(ReadinessChecks.whyNotReady(item))
                    .as(item.getMetadata().getName())
                    .isEqualTo(
                            ReadinessChecks.whyNotReady(full(item.getMetadata().getName())));
        }
        assertThat(ReadinessChecks.whyNotReady(all.stream()
                        .filter(o -> o.getMetadata().getName().equals("lean-stuck"))
                        .findFirst()
                        .orElseThrow()))
                .isPresent();
        assertThat(StatusReads.list(cluster.client(), "StatefulSet", "nowhere", Optional.empty()))
                .isEmpty();
    }

    /**
     * Items of a list arrive without kind and apiVersion from a real API server
     * (https://github.com/kubernetes/kubernetes/issues/3030, open), as the simulated one sends them too: the typed
     * object still has them.
     */
    @Test
    void anItemWithoutKindIsTypedByTheListItCameFrom() {
        GenericKubernetesResource item = Serialization.jsonMapper()
                .convertValue(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("bare")
                                .endMetadata()
                                .build(),
                        GenericKubernetesResource.class);
        item.setKind(null);
        item.setApiVersion(null);

        Deployment typed = StatusReads.typed(item, Deployment.class);

        assertThat(typed.getMetadata().getName()).isEqualTo("bare");
        assertThat(typed.getKind()).isEqualTo("Deployment");
    }

    /** A CRD is read for its status: the schema is skipped, the conditions are the API server's, a missing one is null. */
    @Test
    void aCustomResourceDefinitionIsReadWithoutItsSchema() {
        cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(new CustomResourceDefinitionBuilder()
                        .withNewMetadata()
                        .withName("gizmos.example.com")
                        .endMetadata()
                        .withNewSpec()
                        .withGroup("example.com")
                        .withScope("Namespaced")
                        .withNewNames()
                        .withKind("Gizmo")
                        .withPlural("gizmos")
                        .withSingular("gizmo")
                        .endNames()
                        .addNewVersion()
                        .withName("v1")
                        .withServed(true)
                        .withStorage(true)
                        .withNewSchema()
                        .withNewOpenAPIV3Schema()
                        .withType("object")
                        .addToProperties(
                                "spec",
                                new JSONSchemaPropsBuilder()
                                        .withType("object")
                                        .addToProperties(
                                                "size",
                                                new JSONSchemaPropsBuilder()
                                                        .withType("integer")
                                                        .build())
                                        .build())
                        .endOpenAPIV3Schema()
                        .endSchema()
                        .endVersion()
                        .endSpec()
                        .build())
                .create();
        CustomResourceDefinition full = cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("gizmos.example.com")
                .get();

        CustomResourceDefinition lean = StatusReads.crd(cluster.client(), "gizmos.example.com");

        assertThat(lean.getSpec()).isNull();
        assertThat(lean.getMetadata()).isEqualTo(full.getMetadata());
        assertThat(lean.getStatus()).isEqualTo(full.getStatus());
        assertThat(ReadinessChecks.isCrdEstablished(lean)).isTrue();
        assertThat(StatusReads.crd(cluster.client(), "nothings.example.com")).isNull();
    }

    /** An API server that does not answer fails the read as the client's typed get does: one the callers report. */
    @Test
    void anUnreachableApiServerFailsTheCrdReadAsTheTypedGetDoes() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (KubernetesClient dead = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + closed)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            KubernetesClientException typed = catchThrowableOfType(
                    KubernetesClientException.class,
                    () -> dead.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName("gizmos.example.com")
                            .get());
            KubernetesClientException lean = catchThrowableOfType(
                    KubernetesClientException.class, () -> StatusReads.crd(dead, "gizmos.example.com"));

            assertThat(lean).isNotNull();
            assertThat(KubeErrors.isNetwork(lean))
                    .isEqualTo(KubeErrors.isNetwork(typed))
                    .isTrue();
        }
    }

    /** Helm's records by their labels: only the metadata comes over, from the simulated API server as from a real one. */
    @Test
    void metadataOfAListComesWithoutTheObjects() {
        for (int revision = 1; revision <= 3; revision++) {
            cluster.client()
                    .secrets()
                    .inNamespace("obs")
                    .resource(new SecretBuilder()
                            .withNewMetadata()
                            .withName("sh.helm.release.v1.meta.v" + revision)
                            .withLabels(Map.of("owner", "helm", "name", "meta", "version", String.valueOf(revision)))
                            .endMetadata()
                            .withData(Map.of("release", "cGF5bG9hZA=="))
                            .build())
                    .create();
        }
        long mark = cluster.requestsServed();

        List<ObjectMeta> records =
                StatusReads.metadata(cluster.client(), "/api/v1/namespaces/obs/secrets", "owner=helm,name=meta");

        assertThat(records)
                .extracting(meta -> meta.getLabels().get("version"))
                .containsExactlyInAnyOrder("1", "2", "3");
        assertThat(cluster.requestsSince(mark))
                .singleElement()
                .asString()
                .endsWith("GET /api/v1/namespaces/obs/secrets?labelSelector=owner%3Dhelm%2Cname%3Dmeta -> 200");
        assertThat(StatusReads.metadata(cluster.client(), "/api/v1/namespaces/obs/secrets", "owner=helm,name=none"))
                .isEmpty();
    }

    /**
     * What goes over the wire: the Accept header client-go's metadata client sends, and its answer read as such. The
     * canned answer is the shape the API server gives (kind PartialObjectMetadataList, items of kind
     * PartialObjectMetadata with metadata only:
     * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go,
     * asPartialObjectMetadataList).
     */
    @Test
    void theListIsAskedForAsPartialObjectMetadata() throws Exception {
        List<String> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            accepted.add(exchange.getRequestHeaders().getFirst("Accept"));
            byte[] body = ("{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
                            + "\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[{\"kind\":\"PartialObjectMetadata\","
                            + "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"sh.helm.release.v1.wire.v2\","
                            + "\"labels\":{\"owner\":\"helm\",\"name\":\"wire\",\"version\":\"2\"}}}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .add("Content-Type", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            List<ObjectMeta> records =
                    StatusReads.metadata(client, "/api/v1/namespaces/obs/secrets", "owner=helm,name=wire");

            assertThat(records)
                    .singleElement()
                    .satisfies(meta -> assertThat(meta.getLabels()).containsEntry("version", "2"));
            assertThat(accepted)
                    .containsExactly(
                            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json");
        } finally {
            server.stop(0);
        }
    }

    /**
     * A server that answers the plain list (the Accept header offers it second) gives the same metadata; a refusal
     * fails as the typed list's does, with the API server's status. The 403 is the one the API server sends to a user
     * RBAC does not allow to list (its message as
     * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go
     * forbiddenMessage words it).
     */
    @Test
    void aPlainListAndARefusalAreTakenAsTheTypedListTakesThem() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            String path = "/api/v1/namespaces/obs/secrets?labelSelector=owner%3Dhelm%2Cname%3Dplain";
            server.expect()
                    .get()
                    .withPath(path)
                    .andReturn(
                            200,
                            new SecretListBuilder()
                                    .addNewItem()
                                    .withNewMetadata()
                                    .withName("sh.helm.release.v1.plain.v4")
                                    .withLabels(Map.of("owner", "helm", "name", "plain", "version", "4"))
                                    .endMetadata()
                                    .withData(Map.of("release", "cGF5bG9hZA=="))
                                    .endItem()
                                    .build())
                    .once();
            server.expect()
                    .get()
                    .withPath("/api/v1/namespaces/locked/secrets?labelSelector=owner%3Dhelm")
                    .andReturn(
                            403,
                            new StatusBuilder()
                                    .withStatus("Failure")
                                    .withReason("Forbidden")
                                    .withCode(403)
                                    .withMessage(
                                            "secrets is forbidden: User \"ci\" cannot list resource \"secrets\" in API group \"\""
                                                    + " in the namespace \"locked\"")
                                    .build())
                    .always();

            assertThat(StatusReads.metadata(client, "/api/v1/namespaces/obs/secrets", "owner=helm,name=plain"))
                    .singleElement()
                    .satisfies(meta -> assertThat(meta.getLabels()).containsEntry("version", "4"));
            KubernetesClientException refused = catchThrowableOfType(
                    KubernetesClientException.class,
                    () -> StatusReads.metadata(client, "/api/v1/namespaces/locked/secrets", "owner=helm"));
            KubernetesClientException typed = catchThrowableOfType(
                    KubernetesClientException.class,
                    () -> client.secrets()
                            .inNamespace("locked")
                            .withLabel("owner", "helm")
                            .list());
            assertThat(refused.getCode()).isEqualTo(403).isEqualTo(typed.getCode());
            assertThat(refused.getStatus().getMessage())
                    .isEqualTo(typed.getStatus().getMessage());
            assertThat(KubeErrors.describe(client, refused)).isEqualTo(KubeErrors.describe(client, typed));
        } finally {
            server.destroy();
        }
    }

    @Test
    void aKindThatIsNotAWorkloadIsRefused() {
        assertThatThrownBy(() -> StatusReads.list(cluster.client(), "ConfigMap", "obs", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConfigMap is not one of");
    }

    private static <T extends HasMetadata> T roundTrip(T full, Class<T> type) {
        return StatusReads.typed(Serialization.jsonMapper().convertValue(full, GenericKubernetesResource.class), type);
    }

    private static Deployment full(String name) {
        return cluster.client()
                .apps()
                .deployments()
                .inNamespace("obs")
                .withName(name)
                .get();
    }

    private static void create(String name, String group) {
        Map<String, String> labels = Map.of("app", name, "group", group);
        cluster.client()
                .apps()
                .deployments()
                .inNamespace("obs")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withNewSelector()
                        .withMatchLabels(labels)
                        .endSelector()
                        .withTemplate(new PodTemplateSpecBuilder(template())
                                .editMetadata()
                                .withLabels(labels)
                                .endMetadata()
                                .build())
                        .endSpec()
                        .build())
                .create();
    }

    private static PodTemplateSpec template() {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Map.of("app", "x"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("registry.example/app:1.0")
                .addNewVolumeMount()
                .withName("data")
                .withMountPath("/data")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("data")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .build();
    }
}
