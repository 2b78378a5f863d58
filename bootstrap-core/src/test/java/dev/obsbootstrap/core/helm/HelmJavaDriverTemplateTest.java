package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.error.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class HelmJavaDriverTemplateTest {
    static final String DEFAULT_KUBE = "1.31.0";

    private final HelmDriver helm = HelmJavaDriver.templateOnly();

    static ReleaseSpec spec(String chart, Path chartPath, String release, String valuesYaml) {
        return new ReleaseSpec(
                chart,
                release,
                "observability",
                new ChartRef("https://charts.example.test", chart, "1.0.0"),
                chartPath,
                Map.of(),
                valuesYaml,
                InstallMode.HELM_RELEASE,
                Duration.ofMinutes(5));
    }

    @Test
    void rendersTheChartWithTheGivenValuesReleaseNameAndNamespace() {
        String values = """
                fullnameOverride: obs-operator
                workload:
                  replicas: 3
                  image:
                    tag: v9.9.9
                """;
        String manifests = helm.template(
                spec("web-operator", FixtureCharts.path("web-operator"), "obs-metrics", values), DEFAULT_KUBE);

        assertThat(manifests)
                .contains("kind: Deployment")
                .contains("name: obs-operator")
                .contains("namespace: observability")
                .contains("app.kubernetes.io/instance: obs-metrics")
                .contains("replicas: 3")
                .contains("image: \"registry.example.test/fixtures/web-operator:v9.9.9\"");
    }

    @Test
    void keepsChartDefaultsForValuesNotGiven() {
        String manifests =
                helm.template(spec("node-agent", FixtureCharts.path("node-agent"), "obs-alloy", ""), DEFAULT_KUBE);

        assertThat(manifests).contains("kind: DaemonSet").contains("registry.example.test/fixtures/node-agent:v1.18.1");
    }

    @Test
    void rendersCustomResourceDefinitionsFromTemplates() {
        String manifests =
                helm.template(spec("crd-bundle", FixtureCharts.path("crd-bundle"), "obs-crds", ""), DEFAULT_KUBE);

        assertThat(manifests)
                .contains("name: widgets.fixtures.obs-bootstrap.dev")
                .contains("name: gadgets.fixtures.obs-bootstrap.dev");
    }

    @Test
    void rendersAPackagedChart(@TempDir Path tmp) {
        Path archive = FixtureCharts.pack(FixtureCharts.path("log-store"), tmp);

        String manifests =
                helm.template(spec("log-store", archive, "obs-loki", "fullnameOverride: obs-loki\n"), DEFAULT_KUBE);

        assertThat(archive.getFileName().toString()).isEqualTo("log-store-5.1.0.tgz");
        assertThat(manifests).contains("kind: StatefulSet").contains("name: obs-loki-headless");
    }

    @Test
    void honoursTheChartsKubeVersionConstraintAtTheDefaultVersion() {
        assertThat(helm.template(spec("web-operator", FixtureCharts.path("web-operator"), "obs-metrics", ""), "1.25.0"))
                .contains("kind: Deployment");
    }

    @Test
    void anOldKubernetesVersionIsBadInputNamingReleaseChartAndConstraint() {
        ReleaseSpec spec = spec("web-operator", FixtureCharts.path("web-operator"), "obs-metrics", "");

        assertThatThrownBy(() -> helm.template(spec, "1.20.0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("obs-metrics")
                .hasMessageContaining("web-operator@1.0.0")
                .hasMessageContaining("Kubernetes 1.20.0")
                .hasMessageContaining("chart requires kubeVersion: >=1.25.0-0")
                .hasMessageNotContaining("--debug");
    }

    @Test
    void valuesTheSchemaRejectsAreBadInputWithHelmsReason() {
        ReleaseSpec spec = spec("log-store", FixtureCharts.path("log-store"), "obs-loki", """
                workload:
                  replicas: 0
                  retension: 7d
                """);

        assertThatThrownBy(() -> helm.template(spec, DEFAULT_KUBE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("obs-loki")
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("retension");
    }

    @Test
    void valuesThatAreNotYamlAreBadInput() {
        ReleaseSpec spec = spec("node-agent", FixtureCharts.path("node-agent"), "obs-alloy", "workload: [unclosed\n");

        assertThatThrownBy(() -> helm.template(spec, DEFAULT_KUBE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("obs-alloy")
                .hasMessageContaining("failed to parse the rendered values: error converting YAML to JSON")
                .hasMessageNotContaining("/tmp/");
    }

    @Test
    void aMissingChartIsBadInput(@TempDir Path tmp) {
        ReleaseSpec spec = spec("node-agent", tmp.resolve("nowhere"), "obs-alloy", "");

        assertThatThrownBy(() -> helm.template(spec, DEFAULT_KUBE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nowhere");
    }
}
