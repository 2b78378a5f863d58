package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Alloy pipeline the values render, read as Alloy would wire it. No Alloy binary can run here, so this checks
 * what a typo would break on a node and no golden file diff makes obvious: every component a pipeline references
 * (forward_to, targets, path_targets) is declared, the discovery is limited to the node's own pods, the relabel rules
 * give the labels the logs probes query (namespace, pod, container), the CRI stage parses the runtime's lines, and the
 * write sends the collector label and the tenant. What this cannot prove (the chart's HOSTNAME env, file permissions
 * under /var/log/pods) only a node can.
 */
class AlloyConfigTest {
    private static final Pattern DECLARED = Pattern.compile("(?m)^\\s*([a-z_]+(?:\\.[a-z_]+)+)\\s+\"([^\"]+)\"\\s*\\{");
    private static final Pattern REFERENCE =
            Pattern.compile("\\b((?:discovery|local|loki)\\.[a-z_.]+?)\\.([a-z_]+)\\.(receiver|targets|output)\\b");

    private final ValuesRenderer renderer = new ValuesRenderer();

    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void everyReferenceIsDeclaredAndThePipelineGivesTheLabelsTheProbesQuery(String profile) {
        String config = alloyConfig(profile);

        Set<String> declared = new LinkedHashSet<>();
        Matcher component = DECLARED.matcher(config);
        while (component.find()) {
            declared.add(component.group(1) + "." + component.group(2));
        }
        Matcher reference = REFERENCE.matcher(config);
        Set<String> referenced = new LinkedHashSet<>();
        while (reference.find()) {
            referenced.add(reference.group(1) + "." + reference.group(2));
        }
        assertThat(declared)
                .contains(
                        "discovery.kubernetes.pods",
                        "discovery.relabel.pod_logs",
                        "local.file_match.pod_logs",
                        "loki.source.file.pod_logs",
                        "loki.process.pod_logs",
                        "loki.write.loki");
        assertThat(referenced)
                .isNotEmpty()
                .allSatisfy(
                        ref -> assertThat(declared).as("declared components").contains(ref));

        assertThat(config).contains("field = \"spec.nodeName=\" + sys.env(\"HOSTNAME\")");
        for (String label : new String[] {"namespace", "pod", "container", "app", "job"}) {
            assertThat(config).containsPattern("target_label\\s+=\\s+\"" + label + "\"");
        }
        assertThat(config)
                .contains("replacement   = \"/var/log/pods/*$1/*.log\"")
                .contains("stage.cri {}")
                // review N17: no stream per container restart, no finished pods
                .containsPattern("stage.label_drop \\{\\s+values = \\[\"filename\"\\]")
                .containsPattern(
                        "\"__meta_kubernetes_pod_phase\"\\]\\s+regex\\s+= \"Succeeded\\|Failed\"\\s+action\\s+= \"drop\"")
                .contains("external_labels = {collector = \"alloy\"}")
                .contains("tenant_id = \"obs\"");
    }

    private String alloyConfig(String profile) {
        BootstrapConfig config = StackFixture.exampleConfig(StackFixture.profile(profile), Map.of());
        StackTopology topology = StackFixture.topology(config.namespace());
        RenderedValues rendered =
                renderer.render(topology.component("alloy"), config, topology, StackFixture.KUBE_VERSION);
        Object alloy = StackFixture.map(rendered.values()).get("alloy");
        Object configMap = StackFixture.map(alloy).get("configMap");
        return String.valueOf(StackFixture.map(configMap).get("content"));
    }
}
