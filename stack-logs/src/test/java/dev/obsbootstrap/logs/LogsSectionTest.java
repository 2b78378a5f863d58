package dev.obsbootstrap.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigFixtures;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code logs:} section read through the real loader: the logs phase is on this module's classpath, so
 * {@link ConfigFixtures#schema()} finds its section the way the CLI does.
 */
class LogsSectionTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";

    @Test
    void aConfigWithoutLogsGetsAlloyWithoutTenancy() {
        BootstrapConfig config = ConfigFixtures.defaults();

        assertThat(LogsSettings.of(config)).isEqualTo(new LogsSettings(LogCollector.ALLOY, false, "obs-bootstrap"));
        assertThat(config.endpointHeaders("loki")).isEmpty();
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void tenancyBecomesTheTenantHeaderOnEveryLokiRequestAndTheTemplatesView() {
        BootstrapConfig config =
                ConfigFixtures.parse(HEAD + "logs:\n  collector: alloy\n  auth: {enabled: true, tenant: team-a}\n");

        assertThat(LogsSettings.of(config)).isEqualTo(new LogsSettings(LogCollector.ALLOY, true, "team-a"));
        assertThat(config.endpointHeaders("loki")).isEqualTo(Map.of("X-Scope-OrgID", "team-a"));
        assertThat(config.endpointHeaders("tempo")).isEmpty();
        assertThat(config.sections().get("logs").templateView())
                .isEqualTo(Map.of("collector", "alloy", "authEnabled", true, "tenant", "team-a"));
    }

    @Test
    void setReachesTheSection() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD, "logs.auth={enabled: true, tenant: ops}");

        assertThat(LogsSettings.of(config)).isEqualTo(new LogsSettings(LogCollector.ALLOY, true, "ops"));
    }

    @Test
    void promtailIsAcceptedWithAWarning() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + "logs: {collector: promtail}\n");

        assertThat(LogsSettings.of(config).collector()).isEqualTo(LogCollector.PROMTAIL);
        assertThat(new LogsPhase().components(config)).containsExactly("loki", "promtail");
        assertThat(config.warnings())
                .containsExactly("test.yaml: logs.collector: promtail is deprecated and reached end of "
                        + "life on 2026-03-02; switch to alloy (logs.collector: alloy)");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                arguments(
                        "unknown collector",
                        HEAD + "logs: {collector: promtial}\n",
                        "test.yaml:2:19: logs.collector: unknown collector 'promtial'; did you mean 'promtail'?"),
                arguments(
                        "bad Loki tenant",
                        HEAD + "logs: {auth: {enabled: true, tenant: 'team a'}}\n",
                        "test.yaml:2:38: logs.auth.tenant: 'team a' is not a Loki tenant id: use up to 150 letters, "
                                + "digits and ! - _ . * ' ( )"),
                arguments(
                        "problems of the section and of core's keys together",
                        HEAD + """
                                cluster:
                                  namesapce: obs
                                logs: {collector: fluentd}
                                """,
                        "2 problems in the configuration:\n"
                                + "  test.yaml:3:3: cluster.namesapce: unknown key; did you mean 'namespace'?\n"
                                + "  test.yaml:4:19: logs.collector: unknown collector 'fluentd'; expected one of: alloy, promtail"),
                arguments(
                        "unknown key in the section",
                        HEAD + "logs: {colector: alloy}\n",
                        "test.yaml:2:8: logs.colector: unknown key; did you mean 'collector'?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badSectionIsBadInputWithLocationPathAndFix(String name, String yaml, String expectedMessage) {
        assertThatThrownBy(() -> ConfigFixtures.parse(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(e.getMessage()).isEqualTo(expectedMessage);
        });
    }
}
