package dev.obsbootstrap.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class ExplicitEndpointsTest {
    private final Set<String> known = TestConfigs.topology().endpoints().keySet();

    @Test
    void parsesNameEqualsUrlInOrder() {
        Map<String, HttpUrl> endpoints = ExplicitEndpoints.parse(
                List.of(
                        "prometheus=http://localhost:9090",
                        "grafana=https://grafana.example.com/sub/",
                        "otel-collector-health=http://10.0.0.5:13133"),
                known);

        assertThat(endpoints.keySet()).containsExactly("prometheus", "grafana", "otel-collector-health");
        assertThat(endpoints.get("grafana").encodedPath()).isEqualTo("/sub/");
        assertThat(endpoints.get("prometheus").port()).isEqualTo(9090);
    }

    @Test
    void nothingGivenIsEmpty() {
        assertThat(ExplicitEndpoints.parse(List.of(), known)).isEmpty();
    }

    @Test
    void anUnknownNameIsBadInputNamingTheTextAndTheKnownNames() {
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("promethues=http://localhost:9090"), known))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageContaining("'promethues=http://localhost:9090'")
                .hasMessageContaining("unknown endpoint name 'promethues'")
                .hasMessageContaining(
                        "alertmanager, grafana, loki, otel-collector, otel-collector-health, prometheus, tempo");
    }

    @Test
    void aSpecWithoutEqualsOrValueIsBadInput() {
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("prometheus"), known))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'prometheus'")
                .hasMessageContaining("NAME=URL");
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("prometheus="), known))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("NAME=URL");
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("=http://x"), known))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("NAME=URL");
    }

    @Test
    void aUrlThatIsNotHttpIsBadInput() {
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("loki=localhost:3100"), known))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'localhost:3100' is not an http:// or https:// URL");
    }

    @Test
    void aNameGivenTwiceIsBadInput() {
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("loki=http://a:3100", "loki=http://b:3100"), known))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("given twice");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> ExplicitEndpoints.parse(List.of("grafana=http://admin:hunter22@grafana:3000"), known))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OBS_<NAME>_USER")
                .hasMessageNotContaining("hunter22");
    }
}
