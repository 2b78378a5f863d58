package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImmutableFieldsTest {
    private static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder().namespaces("obs").start();
        cluster.client()
                .apps()
                .statefulSets()
                .inNamespace("obs")
                .resource(new StatefulSetBuilder()
                        .withNewMetadata()
                        .withName("obs-tempo")
                        .withNamespace("obs")
                        .endMetadata()
                        .withNewSpec()
                        .withServiceName("obs-tempo-headless")
                        .withNewSelector()
                        .withMatchLabels(Map.of("app", "tempo"))
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(Map.of("app", "tempo"))
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("tempo")
                        .withImage("tempo:1")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .addNewVolumeClaimTemplate()
                        .withNewMetadata()
                        .withName("storage")
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources()
                        .withRequests(Map.of("storage", new Quantity("10Gi")))
                        .endResources()
                        .endSpec()
                        .endVolumeClaimTemplate()
                        .endSpec()
                        .build())
                .create();
        cluster.client()
                .apps()
                .deployments()
                .inNamespace("obs")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("obs-gateway")
                        .withNamespace("obs")
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .withMatchLabels(Map.of("app", "gateway"))
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(Map.of("app", "gateway"))
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("nginx")
                        .withImage("nginx:1")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String statefulSet(String size, String serviceName) {
        return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: obs-tempo
                spec:
                  replicas: 3
                  serviceName: %s
                  selector:
                    matchLabels: {app: tempo}
                  template:
                    metadata: {labels: {app: tempo}}
                    spec:
                      containers: [{name: tempo, image: "tempo:2"}]
                  volumeClaimTemplates:
                    - metadata: {name: storage}
                      spec:
                        accessModes: [ReadWriteOnce]
                        resources: {requests: {storage: %s}}
                """.formatted(serviceName, size);
    }

    @Test
    void changesKubernetesAllowsAreNoProblem() {
        // replicas and the pod template may change; 10240Mi is the same size as 10Gi
        assertThat(new ImmutableFields(cluster.client())
                        .problems("obs-tempo", statefulSet("10240Mi", "obs-tempo-headless"), "obs"))
                .isEmpty();
    }

    @Test
    void aNewVolumeSizeIsFoundWithTheWayOut() {
        assertThat(new ImmutableFields(cluster.client())
                        .problems("obs-tempo", statefulSet("50Gi", "obs-tempo-headless"), "obs"))
                .singleElement()
                .asString()
                .contains(
                        "StatefulSet obs/obs-tempo (release obs-tempo): the new values change spec.volumeClaimTemplates[storage] storage (10Gi -> 50Gi)")
                .contains("kubectl -n obs delete statefulset obs-tempo --cascade=orphan");
    }

    @Test
    void aNewServiceNameOrSelectorIsFound() {
        assertThat(new ImmutableFields(cluster.client()).problems("obs-tempo", statefulSet("10Gi", "tempo"), "obs"))
                .singleElement()
                .asString()
                .contains("spec.serviceName (obs-tempo-headless -> tempo)");
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: obs-gateway, namespace: obs}
                spec:
                  selector: {matchLabels: {app: gateway, tier: edge}}
                  template: {metadata: {labels: {app: gateway, tier: edge}}, spec: {containers: [{name: nginx, image: "nginx:2"}]}}
                """;
        assertThat(new ImmutableFields(cluster.client()).problems("obs-loki", deployment, "obs"))
                .singleElement()
                .asString()
                .contains("Deployment obs/obs-gateway (release obs-loki): the new values change spec.selector");
    }

    @Test
    void objectsThatDoNotExistYetHaveNothingToCompare() {
        assertThat(new ImmutableFields(cluster.client()).problems("obs-tempo", statefulSet("50Gi", "x"), "elsewhere"))
                .isEmpty();
    }
}
