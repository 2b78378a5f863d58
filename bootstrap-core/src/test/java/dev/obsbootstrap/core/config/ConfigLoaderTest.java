package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.obsbootstrap.core.config.BootstrapConfig.ClusterSettings;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";

    @TempDir
    Path workDir;

    private ConfigLoader loaderIn(Path directory) {
        return new ConfigLoader(
                ConfigFixtures.catalog(), ConfigFixtures.profiles(), ConfigFixtures.schema(), directory);
    }

    @Test
    void defaultsWithoutAnyFile() {
        BootstrapConfig config = loaderIn(workDir).load(Optional.empty(), Optional.empty(), List.of());

        assertThat(config.source()).isEqualTo("<defaults>");
        assertThat(config.profile().name()).isEqualTo("dev");
        assertThat(config.cluster()).isEqualTo(new ClusterSettings("", "observability", List.of(), List.of()));
        assertThat(config.phases())
                .containsOnly(
                        entry("crds", true),
                        entry("metrics", true),
                        entry("logs", true),
                        entry("traces", true),
                        entry("alerting", true));
        assertThat(config.charts()).isEqualTo(pinnedCharts());
        assertThat(config.values()).isEmpty();
        assertThat(config.sections()).isEmpty();
        assertThat(config.warnings()).isEmpty();
        assertThat(config).isEqualTo(ConfigFixtures.defaults());
    }

    @Test
    void defaultsAreWhatAFileWithOnlyApiVersionGives() {
        BootstrapConfig fromFile = ConfigFixtures.parse(HEAD);
        BootstrapConfig defaults = ConfigFixtures.defaults();
        assertThat(fromFile.source()).isEqualTo("test.yaml");
        assertThat(fromFile).usingRecursiveComparison().ignoringFields("source").isEqualTo(defaults);
    }

    @Test
    void fullFileParsesIntoTheExpectedRecords() {
        BootstrapConfig config = ConfigFixtures.loader().parse(ConfigFixtures.text("full.yaml"), "full.yaml");

        assertThat(config.source()).isEqualTo("full.yaml");
        assertThat(config.profile().name()).isEqualTo("ci");
        assertThat(config.cluster())
                .isEqualTo(new ClusterSettings("kind-obs", "monitoring", List.of("prod-eu-1"), List.of(".*-prod$")));
        assertThat(config.namespace()).isEqualTo("monitoring");
        // ci switches traces off; the file switches it back on and alerting off
        assertThat(config.phases())
                .containsOnly(
                        entry("crds", true),
                        entry("metrics", true),
                        entry("logs", true),
                        entry("traces", true),
                        entry("alerting", false));
        assertThat(config.phaseEnabled("alerting")).isFalse();

        Map<String, ChartRef> expectedCharts = pinnedCharts();
        expectedCharts.put("loki", new ChartRef("https://grafana-community.github.io/helm-charts", "loki", "18.12.0"));
        expectedCharts.put(
                "kube-prometheus-stack",
                new ChartRef("oci://ghcr.io/prometheus-community/charts", "kube-prometheus-stack", "88.5.3"));
        assertThat(config.charts()).isEqualTo(expectedCharts);
        assertThat(config.chart("kube-prometheus-stack").isOci()).isTrue();

        Map<String, Object> chunksCache = new HashMap<>();
        chunksCache.put("enabled", false);
        chunksCache.put("allocatedMemory", null);
        assertThat(config.valuesFor("loki"))
                .isEqualTo(Map.of(
                        "loki",
                        Map.of("limits_config", Map.of("retention_period", "72h"), "auth_enabled", false),
                        "chunksCache",
                        chunksCache));
        assertThat(config.valuesFor("tempo")).isEqualTo(Map.of("replicas", 2, "ratio", 0.5));
        assertThat(config.valuesFor("alloy")).isEmpty();

        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void precedenceIsFileThenProfileOptionThenSet() {
        String file = HEAD + "profile: ci\n";
        ConfigLoader loader = ConfigFixtures.loader();

        assertThat(loader.parse(file, "f.yaml").profile().name()).isEqualTo("ci");
        assertThat(loader.parse(file, "f.yaml", Optional.of("staging"), List.of())
                        .profile()
                        .name())
                .isEqualTo("staging");
        assertThat(loader.parse(file, "f.yaml", Optional.of("staging"), List.of("profile=prod"))
                        .profile()
                        .name())
                .isEqualTo("prod");
        // later --set wins over earlier --set
        assertThat(loader.parse(file, "f.yaml", Optional.empty(), List.of("profile=prod", "profile=dev"))
                        .profile()
                        .name())
                .isEqualTo("dev");
    }

    @Test
    void profilePhaseDefaultsAreOverriddenByConfigPhasesAndSet() {
        ConfigLoader loader = ConfigFixtures.loader();
        String ci = HEAD + "profile: ci\n";

        assertThat(loader.parse(ci, "f.yaml").phaseEnabled("traces")).isFalse();
        assertThat(loader.parse(ci + "phases: {traces: true}\n", "f.yaml").phaseEnabled("traces"))
                .isTrue();
        assertThat(loader.parse(ci, "f.yaml", Optional.empty(), List.of("phases.traces=true"))
                        .phaseEnabled("traces"))
                .isTrue();
        assertThat(loader.parse(
                                HEAD + "phases: {traces: true}\n",
                                "f.yaml",
                                Optional.empty(),
                                List.of("phases.traces=no"))
                        .phaseEnabled("traces"))
                .isFalse();
    }

    @Test
    void setValuesAreYaml() {
        BootstrapConfig config = ConfigFixtures.parse(
                HEAD + "values: {loki: {loki: {limits_config: {retention_period: 72h}}}}\n",
                "cluster.protectedContexts=[a, b]",
                "cluster.context=",
                "cluster.namespace=obs",
                "values.loki.loki.auth_enabled=true",
                "values.loki.podLabels.app\\.kubernetes\\.io/part-of=obs",
                "values.tempo.replicas=3",
                "charts.loki.version=18.12.0");

        assertThat(config.cluster()).isEqualTo(new ClusterSettings("", "obs", List.of("a", "b"), List.of()));
        assertThat(config.valuesFor("loki"))
                .isEqualTo(Map.of(
                        "loki", Map.of("limits_config", Map.of("retention_period", "72h"), "auth_enabled", true),
                        "podLabels", Map.of("app.kubernetes.io/part-of", "obs")));
        assertThat(config.valuesFor("tempo")).containsEntry("replicas", 3);
        assertThat(config.chart("loki").version()).isEqualTo("18.12.0");
    }

    @Test
    void setReachesIntoListItems() {
        String file = HEAD + """
                cluster: {protectedContexts: [prod-eu-1]}
                values:
                  tempo:
                    extraEnv:
                      - {name: A, value: "1"}
                """;
        BootstrapConfig config = ConfigFixtures.parse(
                file,
                "values.tempo.extraEnv[0].value=2",
                "values.tempo.extraEnv[1]={name: B, value: '3'}",
                "cluster.protectedContexts[1]=prod-us-1");

        assertThat(config.valuesFor("tempo"))
                .isEqualTo(Map.of(
                        "extraEnv", List.of(Map.of("name", "A", "value", 2), Map.of("name", "B", "value", "3"))));
        assertThat(config.cluster().protectedContexts()).containsExactly("prod-eu-1", "prod-us-1");
    }

    @Test
    void setNullRemovesAnOptionalKeyAndKeepsChartNullsInValues() {
        BootstrapConfig config = ConfigFixtures.parse(
                HEAD + "cluster: {namespace: obs}\n", "cluster.namespace=null", "values.loki.chunksCache=null");
        assertThat(config.namespace()).isEqualTo("observability");
        assertThat(config.valuesFor("loki")).containsEntry("chunksCache", null);
    }

    @Test
    void implicitFileInTheWorkingDirectoryIsUsed() throws IOException {
        Files.writeString(workDir.resolve("obs-bootstrap.yaml"), HEAD + "profile: prod\n");
        BootstrapConfig config = loaderIn(workDir).load(Optional.empty(), Optional.empty(), List.of());
        assertThat(config.source()).isEqualTo("obs-bootstrap.yaml");
        assertThat(config.profile().name()).isEqualTo("prod");
    }

    @Test
    void implicitFileErrorsNameIt() throws IOException {
        Files.writeString(workDir.resolve("obs-bootstrap.yaml"), HEAD + "cluster:\n  namesapce: x\n");
        assertThatThrownBy(() -> loaderIn(workDir).load(Optional.empty(), Optional.empty(), List.of()))
                .hasMessage("obs-bootstrap.yaml:3:3: cluster.namesapce: unknown key; did you mean 'namespace'?");
    }

    @Test
    void explicitFileIsResolvedInTheWorkingDirectoryAndNamedAsGiven() throws IOException {
        Files.createDirectories(workDir.resolve("configs"));
        Files.writeString(workDir.resolve("configs/ci.yaml"), HEAD + "profile: ci\ncluster: {namespace: Obs}\n");
        Files.writeString(workDir.resolve("obs-bootstrap.yaml"), HEAD + "profile: prod\n");

        assertThatThrownBy(() ->
                        loaderIn(workDir).load(Optional.of(Path.of("configs/ci.yaml")), Optional.empty(), List.of()))
                .hasMessageStartingWith("configs/ci.yaml:3:22: cluster.namespace: 'Obs' is not a valid name");
        BootstrapConfig config = loaderIn(workDir)
                .load(Optional.of(Path.of("configs/ci.yaml")), Optional.empty(), List.of("cluster.namespace=obs"));
        assertThat(config.source()).isEqualTo("configs/ci.yaml");
        assertThat(config.profile().name()).isEqualTo("ci");
    }

    @Test
    void missingExplicitFileIsBadInput() {
        assertThatThrownBy(() -> loaderIn(workDir).load(Optional.of(Path.of("nope.yaml")), Optional.empty(), List.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage(
                        "nope.yaml: config file not found; check the -f path, or leave -f out to use ./obs-bootstrap.yaml "
                                + "or the built-in defaults");
    }

    @Test
    void directoryOrNonUtf8FileIsBadInput() throws IOException {
        Files.write(workDir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> loaderIn(workDir).load(Optional.of(workDir), Optional.empty(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(": is a directory; pass a YAML file");
        assertThatThrownBy(
                        () -> loaderIn(workDir).load(Optional.of(Path.of("latin1.yaml")), Optional.empty(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("latin1.yaml: is not UTF-8 text; save it as UTF-8");
    }

    @Test
    void fullOciReferenceIsTrimmedToTheRegistryPath() {
        BootstrapConfig config = ConfigFixtures.parse(
                HEAD
                        + "charts: {loki: {repository: 'oci://ghcr.io/example/charts/loki'}, tempo: {repository: 'https://example.com/charts/'}}\n");
        assertThat(config.chart("loki")).isEqualTo(new ChartRef("oci://ghcr.io/example/charts", "loki", "18.11.0"));
        assertThat(config.chart("tempo").repository()).isEqualTo("https://example.com/charts");
    }

    @Test
    void anchorsAndMergeKeysWork() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + """
                values:
                  tempo: &common {podLabels: {team: obs}, replicas: 1}
                  loki:
                    <<: *common
                    replicas: 2
                """);
        assertThat(config.valuesFor("tempo")).isEqualTo(Map.of("podLabels", Map.of("team", "obs"), "replicas", 1));
        assertThat(config.valuesFor("loki")).isEqualTo(Map.of("podLabels", Map.of("team", "obs"), "replicas", 2));
    }

    @Test
    void emptySectionsReadAsAbsent() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + "cluster:\nphases:\nvalues:\n");
        assertThat(config).usingRecursiveComparison().ignoringFields("source").isEqualTo(ConfigFixtures.defaults());
    }

    @Test
    void valuesAreImmutable() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + "values: {loki: {a: {b: 1}}}\n");
        assertThatThrownBy(() -> config.valuesFor("loki").put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> nested =
                (Map<String, Object>) config.valuesFor("loki").get("a");
        assertThatThrownBy(() -> nested.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void optionOverridesComeLastAndAreCheckedLikeTheFile() {
        String file = HEAD + "cluster: {namespace: from-file, context: kind-a}\n";
        Path config = workDir.resolve("c.yaml");
        try {
            Files.writeString(config, file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ConfigLoader loader = loaderIn(workDir);
        BootstrapConfig overridden = loader.load(
                Optional.of(config),
                Optional.empty(),
                List.of("cluster.namespace=from-set"),
                List.of(
                        SetOverride.forOption("--namespace", "cluster.namespace", "from-option"),
                        SetOverride.forOption("--context", "cluster.context", "@weird#context")));
        assertThat(overridden.cluster().namespace()).isEqualTo("from-option");
        assertThat(overridden.cluster().context()).isEqualTo("@weird#context");

        assertThatThrownBy(() -> loader.load(
                        Optional.of(config),
                        Optional.empty(),
                        List.of(),
                        List.of(SetOverride.forOption("--namespace", "cluster.namespace", "Bad_NS"))))
                .hasMessage(
                        "--namespace Bad_NS: cluster.namespace: 'Bad_NS' is not a valid name: use at most 63 lowercase "
                                + "letters, digits and '-', starting and ending with a letter or digit");
    }

    @Test
    void protectedContextsMatchExactlyOrByWholePattern() {
        BootstrapConfig config = ConfigFixtures.parse(
                HEAD + "cluster: {protectedContexts: [prod-eu-1], protectedPatterns: ['.*-prod', 'gke_.*_live']}\n");
        ClusterSettings cluster = config.cluster();
        assertThat(cluster.isProtected("prod-eu-1")).isTrue();
        assertThat(cluster.isProtected("shop-prod")).isTrue();
        assertThat(cluster.isProtected("gke_p_europe-west1_live")).isTrue();
        assertThat(cluster.isProtected("shop-prod-copy")).isFalse();
        assertThat(cluster.isProtected("prod-eu-10")).isFalse();
        assertThat(cluster.isProtected("kind-obs")).isFalse();
    }

    private static Map<String, ChartRef> pinnedCharts() {
        Map<String, ChartRef> charts = new HashMap<>();
        ConfigFixtures.catalog().components().forEach((id, spec) -> charts.put(id, spec.chart()));
        return charts;
    }
}
