package dev.obsbootstrap.metrics.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.time.Duration;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatasourceHealthProbeTest {
    private static final Map<String, String> ADMIN =
            Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "correct-horse");
    private final FakeGrafana grafana = new FakeGrafana("admin", "correct-horse");

    @AfterEach
    void stop() {
        grafana.close();
    }

    private static DatasourceHealthProbe probe(Duration deadline) {
        return new DatasourceHealthProbe(
                "grafana-datasource-loki",
                deadline,
                "grafana",
                "loki",
                "Loki",
                "the datasource URL must be Loki's Service");
    }

    private ProbeResult run(Duration deadline, Map<String, String> environment) throws InterruptedException {
        return ProbeTesting.run(
                probe(deadline),
                ProbeTesting.context(TestConfigs.config(), Map.of("grafana", grafana.url()), environment));
    }

    @Test
    void passesWhenGrafanaReportsTheDatasourceOk() throws Exception {
        grafana.datasource("obs-loki", "loki");

        ProbeResult result = run(Duration.ofSeconds(5), ADMIN);

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved())
                .isEqualTo("Loki datasource obs-loki is healthy: Data source successfully connected.");
        assertThat(grafana.requestLines()).contains("GET /api/datasources/uid/obs-loki/health");
    }

    @Test
    void failsWithGrafanasMessageWhenTheDatasourceIsUnhealthy() throws Exception {
        grafana.unhealthyDatasource(
                "obs-loki", "Loki", "Unable to connect with Loki. Please check the server logs for more details.");

        ProbeResult result = run(Duration.ofMillis(500), ADMIN);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("Loki datasource obs-loki is unhealthy (ERROR)")
                .contains("400");
        assertThat(result.hint())
                .contains("Unable to connect with Loki")
                .contains("the datasource URL must be Loki's Service");
    }

    @Test
    void wrongCredentialsFailWithAHintAboutTheirSourceAndNoPassword() throws Exception {
        grafana.datasource("obs-loki", "loki");

        ProbeResult result = run(
                Duration.ofMillis(500), Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "battery-staple"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("401")
                .contains("Invalid username or password")
                .contains("not retried");
        assertThat(result.hint())
                .contains("refused the admin credentials from environment OBS_GRAFANA_USER/OBS_GRAFANA_PASSWORD");
        assertThat(result.toString()).doesNotContain("battery-staple");
        // one try only: Grafana locks the user after 5 failed logins in 5 minutes
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(grafana.failedLogins()).isEqualTo(1);
    }

    @Test
    void aLockedOutAdminIsReportedAsALockoutNotAWrongPassword() throws Exception {
        grafana.datasource("obs-loki", "loki");
        Map<String, String> wrong = Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "battery-staple");
        for (int i = 0; i < FakeGrafana.LOCKOUT_AFTER; i++) {
            run(Duration.ofSeconds(5), wrong);
        }

        ProbeResult result = run(Duration.ofSeconds(5), ADMIN);

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.hint()).contains("locked the admin user");
    }

    @Test
    void missingCredentialsFailSayingWhatToSet() throws Exception {
        grafana.datasource("obs-loki", "loki");

        ProbeResult result = run(Duration.ofMillis(500), Map.of());

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("needs basic auth").contains("OBS_GRAFANA_PASSWORD");
    }

    @Test
    void anUnprovisionedDatasourceFailsNamingTheUid() throws Exception {
        grafana.datasource("some-other-uid", "Loki");

        ProbeResult result = run(Duration.ofMillis(500), ADMIN);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("no datasource with uid 'obs-loki'")
                .contains("404");
        assertThat(result.hint()).contains("not provisioned with uid 'obs-loki'");
    }

    @Test
    void grafanaNotAnsweringFailsNamingGrafana() throws Exception {
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");

        ProbeResult result = ProbeTesting.run(
                probe(Duration.ofMillis(500)),
                ProbeTesting.context(TestConfigs.config(), Map.of("grafana", closed), ADMIN));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith(
                        "Grafana did not answer: GET " + closed + "api/datasources/uid/obs-loki/health -> no answer");
    }
}
