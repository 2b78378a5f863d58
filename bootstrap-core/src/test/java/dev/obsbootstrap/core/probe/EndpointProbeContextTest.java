package dev.obsbootstrap.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class EndpointProbeContextTest {
    private static EndpointProbeContext context(Map<String, String> environment) {
        return EndpointProbeContext.builder(TestConfigs.config(), TestConfigs.topology())
                .endpoint("grafana", HttpUrl.get("http://127.0.0.1:3000/"))
                .environment(environment)
                .build();
    }

    @Test
    void credentialsComeFromObsNameUserAndPassword() {
        EndpointProbeContext context = context(Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "pa55word"));

        assertThat(context.credentials("grafana")).contains(new ProbeContext.BasicCredentials("admin", "pa55word"));
        assertThat(context.credentials("loki")).isEmpty();
        assertThat(context.describeCredentials("grafana"))
                .isEqualTo("environment OBS_GRAFANA_USER/OBS_GRAFANA_PASSWORD");
        assertThat(context.redact("the password is pa55word")).isEqualTo("the password is <redacted>");
        assertThat(EndpointProbeContext.userVariable("otel-collector")).isEqualTo("OBS_OTEL_COLLECTOR_USER");
    }

    @Test
    void onlyOneOfTheTwoVariablesIsBadInputWhenTheContextIsBuilt() {
        assertThatThrownBy(() -> context(Map.of("OBS_GRAFANA_USER", "admin")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OBS_GRAFANA_USER")
                .hasMessageContaining("OBS_GRAFANA_PASSWORD");
    }

    @Test
    void noCredentialsIsDescribedWithTheVariablesToSet() {
        EndpointProbeContext context = context(Map.of());

        assertThat(context.credentials("grafana")).isEmpty();
        assertThat(context.describeCredentials("grafana"))
                .contains("no credentials configured")
                .contains("OBS_GRAFANA_PASSWORD");
    }

    @Test
    void anEndpointNotGivenIsATerminalFailureNamingTheOption() {
        EndpointProbeContext context = context(Map.of());

        assertThat(context.endpoint("grafana")).isEqualTo(HttpUrl.get("http://127.0.0.1:3000/"));
        assertThatThrownBy(() -> context.endpoint("tempo"))
                .isInstanceOf(TerminalProbeFailure.class)
                .hasMessageContaining("no URL for endpoint 'tempo'")
                .satisfies(e -> assertThat(((TerminalProbeFailure) e).hint()).contains("--endpoint tempo=URL"));
        assertThat(context.kubernetes()).isEmpty();
    }

    @Test
    void eachContextHasItsOwnRunId() {
        assertThat(context(Map.of()).runId())
                .startsWith("obs-")
                .isNotEqualTo(context(Map.of()).runId());
    }
}
