package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeOtelCollector;
import dev.obsbootstrap.core.testing.FakeTempo;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The traces phase probes against collector and Tempo fakes (the collector forwards accepted spans to Tempo). */
class TracesProbesTest {
    private static final Duration PASS = Duration.ofSeconds(5);
    private static final Duration FAIL = Duration.ofMillis(600);

    private final FakeTempo tempo = new FakeTempo();
    private final FakeOtelCollector collector = new FakeOtelCollector(tempo);
    private final FakeGrafana grafana = new FakeGrafana("admin", "tempo-test-pw");

    @AfterEach
    void stop() {
        collector.close();
        tempo.close();
        grafana.close();
    }

    private Map<String, HttpUrl> endpoints() {
        Map<String, HttpUrl> endpoints = new HashMap<>();
        endpoints.put("otel-collector", collector.otlpUrl());
        endpoints.put("otel-collector-health", collector.healthUrl());
        endpoints.put("tempo", tempo.url());
        endpoints.put("grafana", grafana.url());
        return endpoints;
    }

    private static Probe probe(Duration deadline, String name) {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(deadline).build();
        return new TracesPhase().probes(config).stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private ProbeResult run(Probe probe) throws InterruptedException {
        return ProbeTesting.run(probe, ProbeTesting.context(TestConfigs.config(), endpoints(),
                Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "tempo-test-pw")));
    }

    @Test
    void phaseProbesInOrder() {
        assertThat(new TracesPhase().probes(TestConfigs.config())).extracting(Probe::name)
                .containsExactly("otel-collector-health", "tempo-ready", "otlp-span-round-trip", "grafana-datasource-tempo");
    }

    @Test
    void collectorHealthPasses() throws Exception {
        ProbeResult result = run(probe(PASS, "otel-collector-health"));

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).contains("Server available");
    }

    @Test
    void collectorHealthFailsWhenUnavailable() throws Exception {
        collector.healthy(false);

        ProbeResult result = run(probe(FAIL, "otel-collector-health"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("OpenTelemetry Collector is not ready").contains("503").contains("Server not available");
        assertThat(result.hint()).contains("13133");
    }

    @Test
    void tempoReadyPassesAfterStartup() throws Exception {
        tempo.notReadyFor(2);

        ProbeResult result = run(probe(PASS, "tempo-ready"));

        assertThat(result.passed()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
    }

    @Test
    void tempoReadyFailsWhileNotReady() throws Exception {
        tempo.notReadyFor(1000);

        ProbeResult result = run(probe(FAIL, "tempo-ready"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("503");
    }

    @Test
    void spanRoundTripSendsOnceAndPollsTempoUntilTheTraceIsQueryable() throws Exception {
        tempo.readsUntilQueryable(3);
        OtlpSpanRoundTripProbe probe = (OtlpSpanRoundTripProbe) probe(PASS, "otlp-span-round-trip");

        ProbeResult result = run(probe);

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.attempts()).isEqualTo(4);
        assertThat(result.lastObserved()).contains("read back from Tempo after 4 reads");
        assertThat(collector.requestLines()).containsExactly("POST /v1/traces");
        assertThat(tempo.hasTrace(probe.traceId())).isTrue();
        assertThat(probe.traceId()).matches("[0-9a-f]{32}");
        assertThat(tempo.requestLines()).filteredOn(l -> l.startsWith("GET /api/v2/traces/" + probe.traceId())).hasSize(4);
    }

    @Test
    void spanRoundTripFailsWhenTheCollectorRejectsSpans() throws Exception {
        collector.rejectSpans("sending queue is full");

        ProbeResult result = run(probe(FAIL, "otlp-span-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("the OpenTelemetry Collector answered 200 but rejected 1 span(s): sending queue is full");
        assertThat(result.hint()).contains("exporter queue");
        assertThat(tempo.requestLines()).isEmpty();
    }

    @Test
    void spanRoundTripFailsWhenTheTraceNeverReachesTempo() throws Exception {
        collector.dropSpans(true);

        ProbeResult result = run(probe(FAIL, "otlp-span-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("span accepted by the collector (200, trace ").contains("Tempo has no such trace yet").contains("(404)");
        assertThat(result.hint()).contains("tempo-otlp-grpc");
        assertThat(collector.requestLines()).hasSize(1);
    }

    @Test
    void spanRoundTripFailsNamingTheCollectorWhenItDoesNotAnswer() throws Exception {
        Map<String, HttpUrl> endpoints = endpoints();
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");
        endpoints.put("otel-collector", closed);

        ProbeResult result = ProbeTesting.run(probe(FAIL, "otlp-span-round-trip"), ProbeTesting.context(TestConfigs.config(), endpoints));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("the OpenTelemetry Collector did not answer the span: POST " + closed + "v1/traces -> no answer");
        assertThat(result.hint()).contains("4318");
    }

    @Test
    void tempoDatasourcePasses() throws Exception {
        grafana.datasource("obs-tempo", "Tempo");

        assertThat(run(probe(PASS, "grafana-datasource-tempo")).passed()).isTrue();
    }

    @Test
    void tempoDatasourceFailsWhenGrafanaReportsAnError() throws Exception {
        grafana.unhealthyDatasource("obs-tempo", "Tempo", "failed to get trace with id: 0 Status: 502 Bad Gateway");

        ProbeResult result = run(probe(FAIL, "grafana-datasource-tempo"));

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("502 Bad Gateway").contains("port 3200");
    }
}
