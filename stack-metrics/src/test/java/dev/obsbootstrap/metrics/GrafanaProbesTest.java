package dev.obsbootstrap.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.Probe;
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

class GrafanaProbesTest {
    private static final Map<String, String> ADMIN =
            Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "prom-op-admin");
    private final FakeGrafana grafana = new FakeGrafana("admin", "prom-op-admin");

    @AfterEach
    void stop() {
        grafana.close();
    }

    private static Probe phaseProbe(String name, Duration deadline) {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(deadline).build();
        return new MetricsPhase()
                .probes(config).stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElseThrow();
    }

    private ProbeResult run(Probe probe, HttpUrl url, Map<String, String> environment) throws InterruptedException {
        return ProbeTesting.run(probe, ProbeTesting.context(TestConfigs.config(), Map.of("grafana", url), environment));
    }

    @Test
    void grafanaHealthPasses() throws Exception {
        ProbeResult result = run(phaseProbe("grafana-health", Duration.ofSeconds(5)), grafana.url(), Map.of());

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).isEqualTo("Grafana 13.2.0 healthy, database ok");
    }

    @Test
    void grafanaHealthFailsWhenItsDatabaseFails() throws Exception {
        grafana.databaseOk(false);

        ProbeResult result = run(phaseProbe("grafana-health", Duration.ofMillis(500)), grafana.url(), Map.of());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("Grafana is unhealthy (database failing)")
                .contains("503");
        assertThat(result.hint()).contains("sqlite");
    }

    @Test
    void grafanaHealthFailsNamingGrafanaWhenNothingAnswers() throws Exception {
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");

        ProbeResult result = run(phaseProbe("grafana-health", Duration.ofMillis(500)), closed, Map.of());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Grafana did not answer");
    }

    @Test
    void prometheusDatasourcePassesWithTheAdminCredentials() throws Exception {
        grafana.datasource("obs-prometheus", "Prometheus");

        ProbeResult result =
                run(phaseProbe("grafana-datasource-prometheus", Duration.ofSeconds(5)), grafana.url(), ADMIN);

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).contains("Prometheus datasource obs-prometheus is healthy");
    }

    @Test
    void prometheusDatasourceFailsWhenGrafanaCannotReachPrometheus() throws Exception {
        grafana.unhealthyDatasource(
                "obs-prometheus",
                "Prometheus",
                "Post \"http://obs-prometheus.monitoring.svc:9090/api/v1/query\": dial tcp: lookup obs-prometheus.monitoring.svc: no such host");

        ProbeResult result =
                run(phaseProbe("grafana-datasource-prometheus", Duration.ofMillis(500)), grafana.url(), ADMIN);

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("no such host").contains("topology's Prometheus Service");
    }

    @Test
    void prometheusDatasourceFailsOnWrongCredentials() throws Exception {
        grafana.datasource("obs-prometheus", "Prometheus");

        ProbeResult result = run(
                phaseProbe("grafana-datasource-prometheus", Duration.ofMillis(500)),
                grafana.url(),
                Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "prom-operator"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("401");
        assertThat(result.hint()).contains("refused the admin credentials");
    }
}
