package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stack marked isolated (cluster.isolated: per-PR stacks beside the cluster's main one) keeps its operator to its own
 * namespace and leaves node-exporter's host port and the kubelet's scrapes to the main stack; the default stack's
 * values do not change (the golden files pin them).
 */
class IsolatedStackValuesTest {
    private final ValuesRenderer renderer = new ValuesRenderer();

    @Test
    void anIsolatedStacksOperatorWatchesOnlyItsNamespaceAndRunsNoNodeAgentOfItsOwn() {
        BootstrapConfig shared = StackFixture.minimalConfig(StackFixture.profile("ci"));
        BootstrapConfig isolated = new BootstrapConfig(
                shared.source(),
                shared.profile(),
                new BootstrapConfig.ClusterSettings("", shared.namespace(), List.of(), List.of(), "pr-7", true),
                shared.phases(),
                shared.charts(),
                shared.values(),
                shared.sections());
        StackTopology topology = StackFixture.topology(shared.namespace());

        Map<String, Object> values = renderer.render(
                        topology.component("kube-prometheus-stack"), isolated, topology, StackFixture.KUBE_VERSION)
                .values();
        Map<String, Object> sharedValues = renderer.render(
                        topology.component("kube-prometheus-stack"), shared, topology, StackFixture.KUBE_VERSION)
                .values();

        assertThat(StackFixture.map(values.get("nodeExporter"))).containsEntry("enabled", false);
        assertThat(StackFixture.map(values.get("kubelet"))).containsEntry("enabled", false);
        Map<String, Object> operator = StackFixture.map(values.get("prometheusOperator"));
        assertThat(StackFixture.map(operator.get("namespaces")))
                .containsEntry("releaseNamespace", true)
                .containsEntry("additional", List.of());
        assertThat(StackFixture.map(operator.get("kubeletService"))).containsEntry("enabled", false);

        assertThat(sharedValues).doesNotContainKeys("kubelet");
        // the shared stack keeps node-exporter (only its AIX and Darwin dashboards are off)
        assertThat(StackFixture.map(sharedValues.get("nodeExporter"))).doesNotContainKey("enabled");
        assertThat(StackFixture.map(sharedValues.get("prometheusOperator")))
                .doesNotContainKeys("namespaces", "kubeletService");
    }
}
