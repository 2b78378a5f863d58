package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LiveObjectsTest {
    static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder().namespaces("obs").start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** A list of CRDs is every schema of the cluster: a handful of them are read by name instead. */
    @Test
    void customResourceDefinitionsAreReadByNameNotListed() throws InterruptedException {
        cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(new CustomResourceDefinitionBuilder()
                        .withNewMetadata()
                        .withName("widgets.example.com")
                        .endMetadata()
                        .withNewSpec()
                        .withGroup("example.com")
                        .withScope("Namespaced")
                        .withNewNames()
                        .withKind("Widget")
                        .withPlural("widgets")
                        .withSingular("widget")
                        .endNames()
                        .addNewVersion()
                        .withName("v1")
                        .withServed(true)
                        .withStorage(true)
                        .withNewSchema()
                        .withNewOpenAPIV3Schema()
                        .withType("object")
                        .endOpenAPIV3Schema()
                        .endSchema()
                        .endVersion()
                        .endSpec()
                        .build())
                .create();
        long mark = cluster.requestsServed();

        List<String> missing = LiveObjects.missing(
                cluster.client(),
                List.of(
                        "apiextensions.k8s.io/v1 CustomResourceDefinition - widgets.example.com",
                        "apiextensions.k8s.io/v1 CustomResourceDefinition - gadgets.example.com"),
                "phase crds");

        assertThat(missing).containsExactly("CustomResourceDefinition gadgets.example.com");
        assertThat(cluster.requestsSince(mark))
                .filteredOn(r -> r.contains("customresourcedefinitions"))
                .hasSize(2)
                .allMatch(r -> r.contains("GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/"));
    }
}
