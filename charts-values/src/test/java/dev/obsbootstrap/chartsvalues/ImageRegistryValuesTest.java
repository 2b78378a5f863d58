package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cluster.imageRegistry writes each chart's own mirror keys (the catalog's imageRegistryValues) over the template's
 * values; the user's values.<component> still win; without it nothing changes (the golden files pin that).
 */
class ImageRegistryValuesTest {
    private final ValuesRenderer renderer = new ValuesRenderer();

    @Test
    void theMirrorGoesIntoEachChartsOwnKeysAndTheUsersValuesStillWin() {
        BootstrapConfig plain = StackFixture.minimalConfig(StackFixture.profile("ci"));
        BootstrapConfig mirrored = new BootstrapConfig(
                plain.source(),
                plain.profile(),
                new BootstrapConfig.ClusterSettings(
                        "", plain.namespace(), List.of(), List.of(), "obs", false, "registry.corp:5000/mirror"),
                plain.phases(),
                plain.charts(),
                Map.of("tempo", Map.of("global", Map.of("imageRegistry", "mine.example.com"))),
                plain.sections());
        StackTopology topology = StackFixture.topology(plain.namespace());

        Map<String, Object> metrics = values(mirrored, topology, "kube-prometheus-stack");
        assertThat(StackFixture.map(metrics.get("global"))).containsEntry("imageRegistry", "registry.corp:5000/mirror");
        Map<String, Object> alloy = values(mirrored, topology, "alloy");
        assertThat(StackFixture.map(StackFixture.map(alloy.get("global")).get("image")))
                .containsEntry("registry", "registry.corp:5000/mirror");
        Map<String, Object> collector = values(mirrored, topology, "opentelemetry-collector");
        assertThat(StackFixture.map(collector.get("image")))
                .containsEntry(
                        "repository",
                        "registry.corp:5000/mirror/open-telemetry/opentelemetry-collector-releases/"
                                + "opentelemetry-collector-k8s");
        Map<String, Object> alertmanager = values(mirrored, topology, "alertmanager");
        assertThat(StackFixture.map(alertmanager.get("image")))
                .containsEntry("repository", "registry.corp:5000/mirror/prometheus/alertmanager");
        // values.tempo.global.imageRegistry given by the user wins over the mirror
        assertThat(StackFixture.map(values(mirrored, topology, "tempo").get("global")))
                .containsEntry("imageRegistry", "mine.example.com");

        Map<String, Object> unmirrored = values(plain, topology, "kube-prometheus-stack");
        assertThat(unmirrored.get("global") == null
                        || !StackFixture.map(unmirrored.get("global")).containsKey("imageRegistry"))
                .isTrue();
    }

    private Map<String, Object> values(BootstrapConfig config, StackTopology topology, String component) {
        return renderer.render(topology.component(component), config, topology, StackFixture.KUBE_VERSION)
                .values();
    }
}
