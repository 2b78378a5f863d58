package dev.obsbootstrap.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeServer;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.LocalPrometheus;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The Prometheus probes of phase metrics against a real Prometheus 2.42 process. */
@Timeout(120)
// the tests only read the one real Prometheus (and fakes of their own), so they run at once
@Execution(ExecutionMode.CONCURRENT)
class PrometheusProbesTest {
    private static final Duration PASS_DEADLINE = Duration.ofSeconds(15);
    private static final Duration FAIL_DEADLINE = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    static LocalPrometheus prometheus;
    static HttpUrl nothingListens;

    @BeforeAll
    static void start() {
        nothingListens = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");
        prometheus = LocalPrometheus.builder(dir.resolve("prometheus"))
                .rules(LocalPrometheus.WATCHDOG_RULES)
                .scrapeJob("broken-exporter", nothingListens.host() + ":" + nothingListens.port())
                .start();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static ProbeResult run(Probe probe, HttpUrl prometheusUrl) throws InterruptedException {
        EndpointProbeContext context = ProbeTesting.context(TestConfigs.config(), Map.of("prometheus", prometheusUrl));
        return ProbeTesting.run(probe, context);
    }

    /** The scrape-targets-up probe over static jobs: the real Prometheus here has no operator, so pools are plain job names. */
    private static ScrapePoolsProbe pools(Duration deadline, String... jobs) {
        return new ScrapePoolsProbe(
                "scrape-targets-up",
                "test",
                deadline,
                topology -> java.util.Arrays.stream(jobs)
                        .map(ScrapePoolsProbe.Pool::job)
                        .toList(),
                "enable the monitor (expectedScrapePools)");
    }

    private static Probe phaseProbe(String name) {
        BootstrapConfig config =
                TestConfigs.builder().probeDeadline(PASS_DEADLINE).build();
        return new MetricsPhase()
                .probes(config).stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElseThrow();
    }

    @Test
    void prometheusReadyPasses() throws Exception {
        ProbeResult result = run(phaseProbe("prometheus-ready"), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).contains("/-/ready -> 200");
    }

    @Test
    void prometheusReadyFailsNamingPrometheusWhenNothingAnswers() throws Exception {
        ProbeResult result = ProbeTesting.run(
                new MetricsPhase()
                        .probes(TestConfigs.builder()
                                .probeDeadline(FAIL_DEADLINE)
                                .build())
                        .get(0),
                ProbeTesting.context(TestConfigs.config(), Map.of("prometheus", nothingListens)));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("Prometheus did not answer: GET " + nothingListens + "-/ready -> no answer");
    }

    @Test
    void scrapeTargetsPassWhenEveryExpectedPoolIsUp() throws Exception {
        ProbeResult result = run(pools(PASS_DEADLINE, "prometheus"), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).isEqualTo("all expected pools up: prometheus 1/1 up");
    }

    @Test
    void scrapeTargetsFailWithTheScrapeErrorWhenAPoolIsDown() throws Exception {
        ProbeResult result = run(pools(Duration.ofSeconds(3), "prometheus", "broken-exporter"), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("broken-exporter 0/1 up").contains("connection refused");
        assertThat(result.hint()).contains("scrapes fail");
    }

    @Test
    void scrapeTargetsFailWithASelectorHintWhenAPoolHasNoTargets() throws Exception {
        ProbeResult result = run(pools(FAIL_DEADLINE, "prometheus", "node-exporter"), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("no targets for: node-exporter")
                .contains("pools seen: broken-exporter, prometheus");
        assertThat(result.hint())
                .contains("matched exactly by namespace and name")
                .contains("expectedScrapePools");
    }

    @Test
    void promqlQueryPasses() throws Exception {
        ProbeResult result = run(new PromQlQueryProbe(PASS_DEADLINE), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .startsWith("query 'count(up == 1)' = ")
                .contains("target(s) whose last scrape succeeded");
        assertThat(result.evidence().facts()).containsKeys("sent.query", "found.value", "found.at");
    }

    @Test
    void promqlQueryFailsWhenPrometheusHasNoSamples() throws Exception {
        // what a Prometheus with no targets answers: success with an empty vector
        try (FakeServer empty = new FakeServer(
                "prometheus",
                request -> FakeServer.json(
                        200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))) {
            ProbeResult result = run(new PromQlQueryProbe(FAIL_DEADLINE), empty.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).startsWith("query 'count(up == 1)' returned no series");
            assertThat(result.hint()).contains("scrape-targets-up");
        }
    }

    @Test
    void upWithValueZeroFromAFailedScrapeIsNotASuccessfulScrape() throws Exception {
        // finding 7: Prometheus writes up=0 for the refusing target; 'up' returns a series for it, count(up == 1) does
        // not
        HttpUrl query = prometheus
                .url()
                .newBuilder()
                .addPathSegments("api/v1/query")
                .addQueryParameter("query", "up{job=\"broken-exporter\"}")
                .build();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> body(query).contains("\"0\""));
        HttpUrl successful = prometheus
                .url()
                .newBuilder()
                .addPathSegments("api/v1/query")
                .addQueryParameter("query", "count(up{job=\"broken-exporter\"} == 1)")
                .build();

        assertThat(body(successful)).contains("\"result\":[]");
    }

    private static String body(HttpUrl url) throws java.io.IOException {
        try (okhttp3.Response response = new okhttp3.OkHttpClient()
                .newCall(new okhttp3.Request.Builder().url(url).build())
                .execute()) {
            return response.body().string();
        }
    }

    @Test
    void grafanaAnswersTheQueryThroughItsPrometheusDatasource() throws Exception {
        try (FakeGrafana grafana =
                new FakeGrafana("admin", "pw").datasource("obs-prometheus", "prometheus", prometheus.url(), Map.of())) {
            ProbeResult result = ProbeTesting.run(grafanaQuery(PASS_DEADLINE), grafanaContext(grafana));

            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(result.lastObserved()).contains("count(up == 1) = ");
        }
    }

    @Test
    void grafanaQueryFailsWhenItsDatasourceReadsAPrometheusWithoutSuccessfulScrapes() throws Exception {
        try (FakeServer empty = new FakeServer(
                        "prometheus",
                        request -> FakeServer.json(
                                200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"));
                FakeGrafana grafana = new FakeGrafana("admin", "pw")
                        .datasource("obs-prometheus", "prometheus", empty.url(), Map.of())) {
            ProbeResult result = ProbeTesting.run(grafanaQuery(FAIL_DEADLINE), grafanaContext(grafana));

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("0 frame(s)");
            assertThat(result.hint()).contains("without successful scrapes");
        }
    }

    private static Probe grafanaQuery(Duration deadline) {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(deadline).build();
        return new MetricsPhase()
                .probes(config).stream()
                        .filter(p -> p.name().equals("grafana-prometheus-query"))
                        .findFirst()
                        .orElseThrow();
    }

    private static EndpointProbeContext grafanaContext(FakeGrafana grafana) {
        return ProbeTesting.context(
                TestConfigs.config(),
                Map.of("grafana", grafana.url()),
                Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "pw"));
    }

    @Test
    void promqlQueryFailsWithPrometheusErrorText() throws Exception {
        try (FakeServer failing = new FakeServer(
                "prometheus",
                request -> FakeServer.json(
                        503, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}"))) {
            ProbeResult result = run(new PromQlQueryProbe(FAIL_DEADLINE), failing.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("unavailable TSDB not ready");
        }
    }

    @Test
    void aForeignPoolThatIsDownDoesNotFailTheStacksPools() throws Exception {
        // finding 6: "broken-exporter" is another team's job here; only the stack's pools decide
        ProbeResult result = run(pools(PASS_DEADLINE, "prometheus"), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
    }
}
