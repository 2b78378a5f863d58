package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeServer;
import dev.obsbootstrap.core.testing.LocalPrometheus;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus probes of phase metrics against a real Prometheus 2.42 process. */
@Timeout(120)
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

    private static Probe phaseProbe(String name) {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(PASS_DEADLINE).build();
        return new MetricsPhase().probes(config).stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void prometheusReadyPasses() throws Exception {
        ProbeResult result = run(phaseProbe("prometheus-ready"), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).contains("/-/ready -> 200");
    }

    @Test
    void prometheusReadyFailsNamingPrometheusWhenNothingAnswers() throws Exception {
        ProbeResult result = ProbeTesting.run(new MetricsPhase().probes(TestConfigs.builder().probeDeadline(FAIL_DEADLINE).build()).get(0),
                ProbeTesting.context(TestConfigs.config(), Map.of("prometheus", nothingListens)));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Prometheus did not answer: GET " + nothingListens + "-/ready -> no answer");
    }

    @Test
    void scrapeTargetsPassWhenEveryExpectedPoolIsUp() throws Exception {
        ProbeResult result = run(new ScrapeTargetsProbe(PASS_DEADLINE, List.of("prometheus")), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).isEqualTo("all expected pools up: prometheus 1/1 up");
    }

    @Test
    void scrapeTargetsFailWithTheScrapeErrorWhenAPoolIsDown() throws Exception {
        ProbeResult result = run(new ScrapeTargetsProbe(Duration.ofSeconds(3), List.of("prometheus", "broken-exporter")), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("broken-exporter 0/1 up").contains("connection refused");
        assertThat(result.hint()).contains("scrapes fail");
    }

    @Test
    void scrapeTargetsFailWithASelectorHintWhenAPoolHasNoTargets() throws Exception {
        ProbeResult result = run(new ScrapeTargetsProbe(FAIL_DEADLINE, List.of("prometheus", "node-exporter")), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("no targets for: node-exporter").contains("pools seen: broken-exporter, prometheus");
        assertThat(result.hint()).contains("serviceMonitorSelectorNilUsesHelmValues").contains("settings.probes.expectedScrapePools");
    }

    @Test
    void promqlQueryPasses() throws Exception {
        ProbeResult result = run(new PromQlQueryProbe(PASS_DEADLINE), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).startsWith("query 'up' returned ").contains("series");
    }

    @Test
    void promqlQueryFailsWhenPrometheusHasNoSamples() throws Exception {
        // what a Prometheus with no targets answers: success with an empty vector
        try (FakeServer empty = new FakeServer("prometheus", request -> FakeServer.json(200,
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))) {
            ProbeResult result = run(new PromQlQueryProbe(FAIL_DEADLINE), empty.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).startsWith("query 'up' returned no series");
            assertThat(result.hint()).contains("scrape-targets-up");
        }
    }

    @Test
    void promqlQueryFailsWithPrometheusErrorText() throws Exception {
        try (FakeServer failing = new FakeServer("prometheus", request -> FakeServer.json(503,
                "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}"))) {
            ProbeResult result = run(new PromQlQueryProbe(FAIL_DEADLINE), failing.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("unavailable TSDB not ready");
        }
    }

    @Test
    void poolMatchingAcceptsMonitorNamesWhateverTheFullname() {
        assertThat(ScrapeTargetsProbe.poolMatches("kube-state-metrics", "serviceMonitor/monitoring/obs-metrics-kube-state-metrics/0")).isTrue();
        assertThat(ScrapeTargetsProbe.poolMatches("prometheus", "serviceMonitor/monitoring/obs-prometheus/0")).isTrue();
        assertThat(ScrapeTargetsProbe.poolMatches("operator", "serviceMonitor/monitoring/obs-operator/0")).isTrue();
        assertThat(ScrapeTargetsProbe.poolMatches("node-exporter", "serviceMonitor/monitoring/obs-metrics-prometheus-node-exporter/0")).isTrue();
        assertThat(ScrapeTargetsProbe.poolMatches("prometheus", "prometheus")).isTrue();
        assertThat(ScrapeTargetsProbe.poolMatches("prometheus", "serviceMonitor/monitoring/obs-prometheus-node-exporter/0")).isFalse();
        assertThat(ScrapeTargetsProbe.poolMatches("operator", "serviceMonitor/operators/obs-kubelet/0")).isFalse();
    }
}
