package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.Fixtures;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrdApplierTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private FakeCluster cluster;

    @BeforeEach
    void start() {
        cluster = FakeCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void findsOnlyTheCrdsOfAManifestAndKeepsYaml12Strings() {
        List<CustomResourceDefinition> crds = CrdApplier.crdsIn(Fixtures.text("crds/widgets.yaml"));
        assertThat(crds)
                .extracting(crd -> crd.getMetadata().getName())
                .containsExactly("widgets.fixtures.obs-bootstrap.dev", "gadgets.fixtures.obs-bootstrap.dev");
        var mode = crds.get(0)
                .getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties()
                .get("mode");
        assertThat(mode.getEnum()).extracting(Object::toString).containsExactly("\"on\"", "\"off\"");
    }

    @Test
    void appliesServerSideWaitsForEstablishedAndServesTheNewKinds() throws Exception {
        CrdApplier applier = new CrdApplier(cluster.client(), new Waiter(cluster.client()));

        List<String> applied = applier.apply(Fixtures.text("crds/widgets.yaml"), WAIT);

        assertThat(applied).containsExactly("widgets.fixtures.obs-bootstrap.dev", "gadgets.fixtures.obs-bootstrap.dev");
        CustomResourceDefinition widgets = cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("widgets.fixtures.obs-bootstrap.dev")
                .get();
        assertThat(ReadinessChecks.isCrdEstablished(widgets)).isTrue();
        assertThat(cluster.client()
                        .configMaps()
                        .inNamespace("default")
                        .withName("not-a-crd")
                        .get())
                .isNull();
        cluster.client()
                .genericKubernetesResources("fixtures.obs-bootstrap.dev/v1", "Widget")
                .inNamespace("default")
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("fixtures.obs-bootstrap.dev/v1")
                        .withKind("Widget")
                        .withNewMetadata()
                        .withName("w1")
                        .withNamespace("default")
                        .endMetadata()
                        .withAdditionalProperties(Map.of("spec", Map.of("size", 3)))
                        .build())
                .create();
        assertThat(cluster.client()
                        .genericKubernetesResources("fixtures.obs-bootstrap.dev/v1", "Widget")
                        .inNamespace("default")
                        .list()
                        .getItems())
                .hasSize(1);
    }

    @Test
    void reapplyingUpdatesInPlaceWithoutDuplicatingLists() throws Exception {
        CrdApplier applier = new CrdApplier(cluster.client(), new Waiter(cluster.client()));
        String manifest = Fixtures.text("crds/widgets.yaml");
        applier.apply(manifest, WAIT);

        applier.apply(manifest.replace("shortNames: [wdg]", "shortNames: [wdg, wd]"), WAIT);

        CustomResourceDefinition widgets = cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("widgets.fixtures.obs-bootstrap.dev")
                .get();
        assertThat(widgets.getSpec().getNames().getShortNames()).containsExactly("wdg", "wd");
        assertThat(widgets.getSpec().getVersions()).hasSize(1);
        assertThat(widgets.getMetadata().getGeneration()).isEqualTo(2L);
    }

    @Test
    void aManifestWithoutCrdsAppliesNothing() throws Exception {
        CrdApplier applier = new CrdApplier(cluster.client(), new Waiter(cluster.client()));
        assertThat(applier.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", WAIT))
                .isEmpty();
    }
}
