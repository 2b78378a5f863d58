package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.values.ValuesRenderer;
import dev.obsbootstrap.core.values.ValuesTestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A mistake in a profile or template stops the render with the template and line that hit it. */
class TemplateErrorsTest {
    private final ValuesRenderer renderer = new ValuesRenderer();
    private final StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE);

    @Test
    void aSettingMissingFromAProfileNamesTheShippedTemplateLineThatReadsIt() throws IOException {
        Profile ci = StackFixture.profile("ci");
        Map<String, Object> settings = new LinkedHashMap<>(ci.settings());
        Map<String, Object> grafana = new LinkedHashMap<>(StackFixture.map(settings.get("grafana")));
        grafana.remove("sidecarResources");
        settings.put("grafana", grafana);
        Profile broken = new Profile(
                ci.name(),
                ci.description(),
                ci.phaseTimeouts(),
                ci.probeDeadline(),
                ci.requireMemoryLimits(),
                ci.phases(),
                settings);
        BootstrapConfig config = StackFixture.exampleConfig(broken, Map.of());
        String resource = "obs-bootstrap/values/kube-prometheus-stack.yaml.j2";
        int line = firstLineContaining(resource, "s.grafana.sidecarResources");

        assertThatThrownBy(() -> renderer.render(
                        topology.component("kube-prometheus-stack"), config, topology, StackFixture.KUBE_VERSION))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageStartingWith(resource + ":" + line + ": unknown variable 's.grafana.sidecarResources'");
    }

    @Test
    void anUnknownFilterNamesTemplateAndLine() {
        assertThatThrownBy(() -> render("unknown-filter"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("charts-values-fixtures/unknown-filter.yaml.j2:3: unknown filter 'tojsn'");
    }

    @Test
    void badYamlNamesTemplateAndLine() {
        assertThatThrownBy(() -> render("bad-yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "charts-values-fixtures/bad-yaml.yaml.j2:5: the rendered values are not valid YAML");
    }

    private void render(String fixture) {
        ComponentSpec loki = topology.component("loki");
        ComponentSpec component = new ComponentSpec(
                loki.id(),
                loki.chart(),
                loki.release(),
                loki.fullname(),
                "charts-values-fixtures/" + fixture + ".yaml.j2",
                loki.mode(),
                List.of());
        renderer.render(component, StackFixture.exampleConfig("ci"), topology, StackFixture.KUBE_VERSION);
    }

    private static int firstLineContaining(String resource, String text) throws IOException {
        try (InputStream in = TemplateErrorsTest.class.getClassLoader().getResourceAsStream(resource)) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains(text)) {
                    return i + 1;
                }
            }
        }
        throw new AssertionError(text + " not in " + resource);
    }
}
