package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ComponentCatalogTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";

    @Test
    void parsesComponentsEndpointsAndDatasources() {
        ComponentCatalog catalog = ConfigFixtures.catalog();

        assertThat(catalog.components().keySet())
                .containsExactly(
                        "prometheus-operator-crds",
                        "kube-prometheus-stack",
                        "loki",
                        "alloy",
                        "promtail",
                        "tempo",
                        "opentelemetry-collector",
                        "alertmanager");
        ComponentSpec crds = catalog.component("prometheus-operator-crds");
        assertThat(crds.mode()).isEqualTo(InstallMode.APPLY_CRDS);
        ComponentSpec kps = catalog.component("kube-prometheus-stack");
        assertThat(kps)
                .isEqualTo(new ComponentSpec(
                        "kube-prometheus-stack",
                        new ChartRef(
                                "https://prometheus-community.github.io/helm-charts",
                                "kube-prometheus-stack",
                                "88.5.3"),
                        "obs-metrics",
                        "obs",
                        "obs-bootstrap/values/kube-prometheus-stack.yaml.j2",
                        InstallMode.HELM_RELEASE,
                        List.of("app.kubernetes.io/name=prometheus")));
        assertThat(catalog.endpoints().get("loki-push"))
                .isEqualTo(new ComponentCatalog.Endpoint("loki-push", "loki", "obs-loki", 3100, "/loki/api/v1/push"));
        assertThat(catalog.datasourceUids()).containsEntry("tempo", "obs-tempo").hasSize(4);
    }

    /** A phase module ships its own catalog.yaml: the catalogs on the classpath are one catalog. */
    @Test
    void fragmentsMergeAndAnEndpointMayNameAnotherFragmentsComponent() {
        ComponentCatalog catalog = ComponentCatalog.parse(new java.util.LinkedHashMap<>(java.util.Map.of(
                "base.yaml", """
                        components:
                          store: {chart: {repository: https://charts.example.org, name: store, version: 1.0.0}, release: obs-store, fullname: obs-store, values: v/store.yaml.j2}
                        operatorResources: [example.com/Widget]
                        """,
                "plugin.yaml", """
                        components:
                          profiler: {chart: {repository: https://charts.example.org, name: profiler, version: 2.0.0}, release: obs-profiler, fullname: obs-profiler, values: v/profiler.yaml.j2}
                        endpoints:
                          store-from-plugin: {component: store, service: obs-store, port: 80}
                          profiler: {component: profiler, service: obs-profiler, port: 4040}
                        datasources: {profiler: obs-profiler}
                        """)));

        assertThat(catalog.components().keySet()).containsExactlyInAnyOrder("store", "profiler");
        assertThat(catalog.endpoints().keySet()).containsExactlyInAnyOrder("store-from-plugin", "profiler");
        assertThat(catalog.datasourceUids()).containsEntry("profiler", "obs-profiler");
        assertThat(catalog.operatorResources()).containsExactly("example.com/Widget");
    }

    @Test
    void aComponentTwoFragmentsDefineIsAnErrorNamingBoth() {
        String store =
                "components:\n  store: {chart: {repository: https://charts.example.org, name: store, version: 1.0.0}, "
                        + "release: obs-store, fullname: obs-store, values: v/store.yaml.j2}\n";
        java.util.Map<String, String> fragments = new java.util.LinkedHashMap<>();
        fragments.put("base.yaml", store);
        fragments.put("plugin.yaml", store);

        assertThatThrownBy(() -> ComponentCatalog.parse(fragments))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage(
                        "plugin.yaml:2:3: components.store: also defined in base.yaml; each component must come from one catalog");
    }

    @Test
    void anOperatorResourceMustBeGroupSlashKind() {
        assertThatThrownBy(() -> ComponentCatalog.parse("""
                components:
                  store: {chart: {repository: https://charts.example.org, name: store, version: 1.0.0}, release: obs-store, fullname: obs-store, values: v/store.yaml.j2}
                operatorResources: [Widget]
                """, "cat.yaml"))
                .hasMessage("cat.yaml:3:20: operatorResources: 'Widget' is not GROUP/Kind (like example.com/Widget)");
    }

    /** Two stacks in one cluster: "{stack}" in the catalog's names becomes each stack's name. */
    @Test
    void theStackNameGoesIntoEveryNameTheCatalogMarks() {
        ComponentCatalog catalog = ComponentCatalog.parse("""
                components:
                  store: {chart: {repository: https://charts.example.org, name: store, version: 1.0.0}, release: "{stack}-store", fullname: "{stack}", values: v/store.yaml.j2}
                endpoints:
                  store: {component: store, service: "{stack}-store-gateway", port: 80}
                """, "cat.yaml");
        BootstrapConfig pr = ConfigFixtures.parse(HEAD + "cluster: {namespace: pr-7, stack: pr-7}\n");

        StackTopology topology = catalog.topology(pr);

        assertThat(topology.component("store").release()).isEqualTo("pr-7-store");
        assertThat(topology.component("store").fullname()).isEqualTo("pr-7");
        assertThat(topology.endpoint("store").clusterUrl()).isEqualTo("http://pr-7-store-gateway.pr-7.svc:80");
        assertThat(catalog.component("store").release()).as("the default stack").isEqualTo("obs-store");
    }

    @Test
    void aNameTooLongWithTheLongestStackNameIsRefused() {
        assertThatThrownBy(() -> ComponentCatalog.parse("""
                components:
                  store: {chart: {repository: https://charts.example.org, name: store, version: 1.0.0}, release: "{stack}-a-very-long-release-name-for-the-store-component", fullname: "{stack}", values: v/store.yaml.j2}
                """, "cat.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("components.store.release")
                .hasMessageContaining("{stack}");
    }

    @Test
    void topologyPlacesEndpointsInTheConfigNamespace() {
        StackTopology topology = ConfigFixtures.catalog().topology(ConfigFixtures.defaults());

        assertThat(topology.namespace()).isEqualTo("observability");
        assertThat(topology.endpoint("loki").clusterUrl()).isEqualTo("http://obs-loki.observability.svc:3100");
        assertThat(topology.endpoint("loki-push").clusterUrl())
                .isEqualTo("http://obs-loki.observability.svc:3100/loki/api/v1/push");
        assertThat(topology.endpoint("tempo-otlp-grpc").hostPort()).isEqualTo("obs-tempo.observability.svc:4317");
        assertThat(topology.datasourceUid("loki")).isEqualTo("obs-loki");
        assertThat(topology.component("loki").chart())
                .isEqualTo(ConfigFixtures.catalog().component("loki").chart());
        assertThat(topology.components()).hasSize(8);
    }

    @Test
    void topologyUsesTheConfigNamespaceAndChartOverrides() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + """
                cluster: {namespace: monitoring}
                charts:
                  loki: {version: 18.12.0}
                  kube-prometheus-stack: {repository: oci://ghcr.io/prometheus-community/charts}
                """);
        StackTopology topology = ConfigFixtures.catalog().topology(config);

        assertThat(topology.endpoint("grafana").clusterUrl()).isEqualTo("http://obs-grafana.monitoring.svc:80");
        assertThat(topology.endpoint("alertmanager").namespace()).isEqualTo("monitoring");
        assertThat(topology.component("loki").chart())
                .isEqualTo(new ChartRef("https://grafana-community.github.io/helm-charts", "loki", "18.12.0"));
        ComponentSpec kps = topology.component("kube-prometheus-stack");
        assertThat(kps.chart())
                .isEqualTo(
                        new ChartRef("oci://ghcr.io/prometheus-community/charts", "kube-prometheus-stack", "88.5.3"));
        assertThat(kps.chart().isOci()).isTrue();
        // only the chart changes: release, fullname and template stay the catalog's
        assertThat(kps.release()).isEqualTo("obs-metrics");
        assertThat(kps.fullname()).isEqualTo("obs");
        assertThat(topology.component("tempo").chart().version()).isEqualTo("2.2.4");
    }

    @Test
    void unknownComponentSuggestsTheClosest() {
        assertThatThrownBy(() -> ConfigFixtures.catalog().component("lokki"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("fixtures/config/catalog.yaml: unknown component 'lokki'; did you mean 'loki'?");
    }

    private static final String COMPONENT = """
            components:
              loki:
                chart: {repository: https://grafana-community.github.io/helm-charts, name: loki, version: 18.11.0}
                release: obs-loki
                fullname: obs-loki
                values: obs-bootstrap/values/loki.yaml.j2
            """;

    static Stream<Arguments> badCatalogs() {
        return Stream.of(
                arguments(
                        COMPONENT.replace("version: 18.11.0", "version: latest"),
                        "cat.yaml:3:95: components.loki.chart.version: 'latest' is not an exact semantic version; write an "
                                + "exact version like 18.11.0"),
                arguments(
                        COMPONENT.replace("    release: obs-loki\n", ""),
                        "cat.yaml:3:5: components.loki.release: missing; the catalog must give it"),
                arguments(
                        COMPONENT + "    install: apply-crd\n",
                        "cat.yaml:7:14: components.loki.install: unknown install mode 'apply-crd'; did you mean 'apply-crds'?"),
                arguments(
                        COMPONENT + "endpoints:\n  loki: {component: lokii, service: obs-loki, port: 3100}\n",
                        "cat.yaml:8:21: endpoints.loki.component: unknown component 'lokii'; did you mean 'loki'?"),
                arguments(
                        COMPONENT + "endpoints:\n  loki: {component: loki, service: obs-loki, port: 70000}\n",
                        "cat.yaml:8:52: endpoints.loki.port: 70000 is not a port (1-65535)"),
                arguments(
                        COMPONENT
                                + "endpoints:\n  loki: {component: loki, service: obs-loki, port: 3100, path: ready}\n",
                        "cat.yaml:8:64: endpoints.loki.path: must start with '/'"),
                arguments(
                        COMPONENT + "datasources: {loki: 'obs loki'}\n",
                        "cat.yaml:7:21: datasources.loki: 'obs loki' is not a datasource UID: use up to 40 "
                                + "letters, digits, '-' and '_'"),
                arguments(
                        COMPONENT + "endpoint: {}\n",
                        "cat.yaml:7:1: endpoint: unknown key; did you mean 'endpoints'?"));
    }

    @ParameterizedTest
    @MethodSource("badCatalogs")
    void badCatalogIsBadInputWithItsLocation(String yaml, String expected) {
        assertThatThrownBy(() -> ComponentCatalog.parse(yaml, "cat.yaml"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage(expected);
    }

    @Test
    void emptyCatalogIsBadInput() {
        assertThatThrownBy(() -> ComponentCatalog.parse("", "cat.yaml"))
                .hasMessage("cat.yaml: the catalog is empty; it needs components, endpoints and datasources");
    }
}
