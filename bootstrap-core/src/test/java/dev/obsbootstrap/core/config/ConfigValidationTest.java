package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input: each case is one ConfigException, exit 2, whose message names file:line:col, the key path and a fix. */
class ConfigValidationTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";

    static Stream<Arguments> badFiles() {
        return Stream.of(
                arguments(
                        "misspelled key",
                        HEAD + "cluster:\n  namesapce: obs\n",
                        "test.yaml:3:3: cluster.namesapce: unknown key; did you mean 'namespace'?"),
                arguments(
                        "unknown top-level key without a close match",
                        HEAD + "clusters2000: {}\n",
                        "test.yaml:2:1: clusters2000: unknown key; expected one of: apiVersion, profile, cluster, phases, "
                                + "charts, values. A chart's values, as helm -f or --set take them, go under "
                                + "values.<component>: values.<component>.clusters2000 in the file, --set "
                                + "values.<component>.clusters2000.x=... (components: alertmanager, alloy, "
                                + "kube-prometheus-stack, loki, opentelemetry-collector, prometheus-operator-crds, promtail, "
                                + "tempo)"),
                arguments(
                        "string where a map is expected",
                        HEAD + "cluster: obs\n",
                        "test.yaml:2:10: cluster: expected a map (key: value lines or {key: value}), got a string"),
                arguments(
                        "list where a string is expected",
                        HEAD + "cluster: {context: [a, b]}\n",
                        "test.yaml:2:20: cluster.context: expected a string, got a list"),
                arguments(
                        "string where a list is expected",
                        HEAD + "cluster: {protectedContexts: prod-eu-1}\n",
                        "test.yaml:2:30: cluster.protectedContexts: expected a list, got a string; write [prod-eu-1]"),
                arguments(
                        "boolean where a string is expected",
                        HEAD + "cluster: {context: yes}\n",
                        "test.yaml:2:20: cluster.context: expected a string, got true/false; quote it if you mean the text 'yes'"),
                arguments(
                        "namespace not a DNS-1123 label",
                        HEAD + "cluster:\n  namespace: Obs_Stack\n",
                        "test.yaml:3:14: cluster.namespace: 'Obs_Stack' is not a valid name: use at most 63 lowercase "
                                + "letters, digits and '-', starting and ending with a letter or digit"),
                arguments(
                        "invalid protected pattern",
                        HEAD + "cluster:\n  protectedPatterns: ['.*-prod$', 'prod-(eu']\n",
                        "test.yaml:3:35: cluster.protectedPatterns[1]: 'prod-(eu' is not a valid regular expression: "
                                + "Unclosed group near index 8"),
                arguments(
                        "unknown profile",
                        HEAD + "profile: prd\n",
                        "test.yaml:2:10: profile: unknown profile 'prd'; did you mean 'prod'?"),
                arguments(
                        "unknown phase id",
                        HEAD + "phases:\n  tracs: false\n",
                        "test.yaml:3:3: phases.tracs: unknown phase; did you mean 'traces'?"),
                arguments(
                        "phase switch that is not a boolean",
                        HEAD + "phases: {traces: \"no\"}\n",
                        "test.yaml:2:18: phases.traces: expected true or false, got a string ('no')"),
                arguments(
                        "unknown component under charts",
                        HEAD + "charts:\n  lokki: {version: 18.12.0}\n",
                        "test.yaml:3:3: charts.lokki: unknown component; did you mean 'loki'?"),
                arguments(
                        "unknown component under values",
                        HEAD + "values:\n  prometheus-stack: {}\n",
                        "test.yaml:3:3: values.prometheus-stack: unknown component; did you mean 'kube-prometheus-stack'?"),
                arguments(
                        "values of a component not a map",
                        HEAD + "values:\n  loki: [a]\n",
                        "test.yaml:3:9: values.loki: expected a map (key: value lines or {key: value}), got a list"),
                arguments(
                        "chart version not semver",
                        HEAD + "charts:\n  loki: {version: 18.11}\n",
                        "test.yaml:3:19: charts.loki.version: '18.11' is not an exact semantic version; write an exact "
                                + "version like 18.11.0"),
                arguments(
                        "chart version with a v",
                        HEAD + "charts:\n  loki: {version: v18.11.0}\n",
                        "test.yaml:3:19: charts.loki.version: 'v18.11.0' is not an exact semantic version; drop the "
                                + "leading 'v': 18.11.0"),
                arguments(
                        "chart repository neither https nor oci",
                        HEAD + "charts:\n  loki:\n    repository: http://charts.example.com\n",
                        "test.yaml:4:17: charts.loki.repository: 'http://charts.example.com' is not a chart repository: "
                                + "write an https:// URL (https://charts.example.org/stable) or an oci:// "
                                + "registry path (oci://ghcr.io/example/charts)"),
                arguments(
                        "misspelled chart key",
                        HEAD + "charts:\n  loki: {verison: 18.12.0}\n",
                        "test.yaml:3:10: charts.loki.verison: unknown key; did you mean 'version'?"),
                arguments(
                        "unsupported apiVersion",
                        "apiVersion: obs-bootstrap/v2\n",
                        "test.yaml:1:13: apiVersion: 'obs-bootstrap/v2' is not supported; this obs-bootstrap reads "
                                + "'obs-bootstrap/v1'"),
                arguments(
                        "missing apiVersion",
                        "profile: ci\n",
                        "test.yaml:1:1: apiVersion: missing; add 'apiVersion: obs-bootstrap/v1' as the first line"),
                arguments(
                        "YAML syntax error",
                        HEAD + "cluster:\n  namespace: obs\n context: x\n",
                        "test.yaml:4:2: YAML syntax error: expected <block end>, but found '<block mapping start>' "
                                + "(while parsing a block mapping started at line 1); check the indentation and quoting "
                                + "around this position"),
                arguments(
                        "duplicate key",
                        HEAD + "profile: ci\nprofile: dev\n",
                        "test.yaml:3:1: profile: duplicate key (first written at test.yaml:2:1); keep one of them"),
                arguments(
                        "top level is a list",
                        "- apiVersion: obs-bootstrap/v1\n",
                        "test.yaml:1:1: expected the config to be a map of keys (apiVersion, profile, cluster, ...), got a list"),
                arguments(
                        "several problems at once",
                        HEAD + """
                                cluster:
                                  namesapce: obs
                                phases: {logz: false}
                                charts: {loki: {version: '18'}}
                                """,
                        "3 problems in the configuration:\n"
                                + "  test.yaml:3:3: cluster.namesapce: unknown key; did you mean 'namespace'?\n"
                                + "  test.yaml:4:10: phases.logz: unknown phase; did you mean 'logs'?\n"
                                + "  test.yaml:5:26: charts.loki.version: '18' is not an exact semantic version; write an exact "
                                + "version like 18.11.0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileIsOneConfigExceptionWithLocationPathAndFix(String name, String yaml, String expectedMessage) {
        assertThatThrownBy(() -> ConfigFixtures.parse(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(e.getMessage()).isEqualTo(expectedMessage);
        });
    }

    static Stream<Arguments> badSets() {
        return Stream.of(
                arguments(
                        List.of("phases.tracs=false"),
                        "--set phases.tracs=false: phases.tracs: unknown phase; did you mean 'traces'?"),
                arguments(
                        List.of("cluster.namesapce=obs"),
                        "--set cluster.namesapce=obs: cluster.namesapce: unknown key; did you mean 'namespace'?"),
                arguments(
                        List.of("charts.loki.version=18.12"),
                        "--set charts.loki.version=18.12: charts.loki.version: '18.12' is not an exact semantic version; "
                                + "write an exact version like 18.11.0"),
                arguments(
                        List.of("profile=production"),
                        "--set profile=production: profile: unknown profile 'production'; expected one of: dev, ci, staging, prod"),
                arguments(
                        List.of("phases.traces=maybe"),
                        "--set phases.traces=maybe: phases.traces: expected true or false, got a string ('maybe')"),
                arguments(
                        List.of("cluster.namespace=obs", "cluster.namespace.name=obs"),
                        "--set cluster.namespace.name=obs: cluster.namespace: is a string, so 'name' cannot be set inside "
                                + "it; set cluster.namespace itself instead"),
                arguments(
                        List.of("cluster.protectedContexts=[a, b"),
                        "--set cluster.protectedContexts=[a, b: YAML syntax error: expected ',' or ']', but got <stream end> "
                                + "(while parsing a flow sequence started at line 1); quote the value if it is text, for "
                                + "example --set 'key=\"@value\"'"),
                arguments(
                        List.of("cluster.protectedContexts[1]=x"),
                        "--set cluster.protectedContexts[1]=x: cluster.protectedContexts[1]: the list has 0 items; set an "
                                + "existing index or [0] to append one"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSets")
    void badSetNamesTheArgument(List<String> sets, String expectedMessage) {
        assertThatThrownBy(() -> ConfigFixtures.loader().load(Optional.empty(), Optional.empty(), sets))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
                    assertThat(e.getMessage()).isEqualTo(expectedMessage);
                });
    }

    static Stream<Arguments> malformedSets() {
        return Stream.of(
                arguments(
                        "phases.traces",
                        "--set phases.traces: expected PATH=VALUE, for example --set phases.traces=false"),
                arguments(
                        "=false",
                        "--set =false: the path before '=' is empty; write PATH=VALUE, for example --set phases.traces=false"),
                arguments(
                        "cluster..namespace=obs",
                        "--set cluster..namespace=obs: the path has an empty key; write keys "
                                + "separated by single dots, like cluster.namespace"),
                arguments(
                        "alerting.receivers[x].name=a",
                        "--set alerting.receivers[x].name=a: a list index is written [0], " + "[1], ... after a key"),
                arguments(
                        "alerting.receivers[0]name=a",
                        "--set alerting.receivers[0]name=a: put a '.' between a list index "
                                + "and the next key, like receivers[0].url"),
                arguments(
                        "[0]=a",
                        "--set [0]=a: the path has an empty key; write keys separated by single dots, like "
                                + "cluster.namespace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSets")
    void malformedSetIsBadInput(String set, String expectedMessage) {
        assertThatThrownBy(() -> ConfigFixtures.loader().load(Optional.empty(), Optional.empty(), List.of(set)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
                    assertThat(e.getMessage()).isEqualTo(expectedMessage);
                });
    }

    @Test
    void profileOverrideThatIsUnknownNamesTheOption() {
        assertThatThrownBy(() -> ConfigFixtures.loader().load(Optional.empty(), Optional.of("qa"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--profile qa: profile: unknown profile 'qa'; expected one of: dev, ci, staging, prod");
    }

    @Test
    void emptyFileSaysWhatToWrite() {
        assertThatThrownBy(() -> ConfigFixtures.parse("# nothing yet\n"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage("test.yaml: the file is empty; start it with 'apiVersion: obs-bootstrap/v1' "
                        + "(obs-bootstrap.example.yaml shows every key), or remove it to use the built-in defaults");
    }

    @Test
    void manyProblemsAreCappedButCounted() {
        StringBuilder yaml = new StringBuilder(HEAD + "cluster:\n");
        for (int i = 0; i < 30; i++) {
            yaml.append("  unknown").append(i).append(": x\n");
        }
        assertThatThrownBy(() -> ConfigFixtures.parse(yaml.toString()))
                .hasMessageStartingWith(
                        "30 problems in the configuration:\n  test.yaml:3:3: cluster.unknown0: unknown key")
                .hasMessageEndingWith("\n  ... and 5 more");
    }

    @Test
    void helmValuesAtTheTopLevelArePointedAtValuesComponent() {
        assertThatThrownBy(() -> ConfigFixtures.parse(HEAD + "grafana:\n  adminPassword: x\nprometheusOperator: {}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("grafana: unknown key; expected one of: apiVersion")
                .hasMessageContaining("A chart's values, as helm -f or --set take them, go under values.<component>: "
                        + "values.<component>.grafana in the file, --set values.<component>.grafana.x=... "
                        + "(components: alertmanager, alloy, kube-prometheus-stack,")
                .hasMessageContaining("prometheusOperator: unknown key");
        // a typo of a config key is a typo, not Helm values
        assertThatThrownBy(() -> ConfigFixtures.parse(HEAD + "clustr: {}\n"))
                .hasMessageContaining("did you mean 'cluster'?")
                .hasMessageNotContaining("Helm");
    }

    @Test
    void aClusterDomainThatIsNoDnsNameSaysWhereToLookItUp() {
        assertThatThrownBy(() -> ConfigFixtures.parse(HEAD + "cluster:\n  domain: Cluster_Local\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.domain: 'Cluster_Local' is not a DNS domain")
                .hasMessageContaining("--cluster-domain");
        assertThat(ConfigFixtures.parse(HEAD + "cluster:\n  domain: corp.internal\n")
                        .cluster()
                        .domain())
                .isEqualTo("corp.internal");
        assertThat(ConfigFixtures.parse(HEAD).cluster().domain()).isEqualTo("cluster.local");
    }
}
