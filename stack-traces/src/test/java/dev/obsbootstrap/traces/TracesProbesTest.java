package dev.obsbootstrap.traces;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.probe.RunIds;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeLoki;
import dev.obsbootstrap.core.testing.FakeOtelCollector;
import dev.obsbootstrap.core.testing.FakePrometheus;
import dev.obsbootstrap.core.testing.FakeTempo;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.PortForwardingApiServer;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.RecordingConsole;
import dev.obsbootstrap.core.testing.TestConfigs;
import dev.obsbootstrap.metrics.grafana.DatasourceHealthProbe;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The traces phase probes against collector, Tempo and Grafana fakes that behave as the pinned upstream versions
 * (see each fake's comment for the upstream files): the collector forwards accepted spans to Tempo, Grafana's Tempo
 * datasource reads them from Tempo. Each probe passes on the healthy fakes and fails once per way its path breaks.
 */
// each test has fakes of its own (instance fields), so tests run at once
@Execution(ExecutionMode.CONCURRENT)
class TracesProbesTest {
    private static final Duration PASS = Duration.ofSeconds(5);
    private static final Duration FAIL = Duration.ofMillis(600);
    private static final Map<String, String> ADMIN =
            Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "tempo-test-pw");

    private final FakeTempo tempo = new FakeTempo();
    private final FakeOtelCollector collector = new FakeOtelCollector(tempo);
    private final FakeGrafana grafana =
            new FakeGrafana("admin", "tempo-test-pw").datasource("obs-tempo", "tempo", tempo.url(), Map.of());
    private final FakePrometheus prometheus = new FakePrometheus();
    private final FakeLoki loki = new FakeLoki();

    @AfterEach
    void stop() {
        collector.close();
        tempo.close();
        grafana.close();
        prometheus.close();
        loki.close();
    }

    private Map<String, HttpUrl> endpoints() {
        Map<String, HttpUrl> endpoints = new HashMap<>();
        endpoints.put("otel-collector", collector.otlpUrl());
        endpoints.put("otel-collector-health", collector.healthUrl());
        endpoints.put("tempo", tempo.url());
        endpoints.put("grafana", grafana.url());
        endpoints.put("prometheus", prometheus.url());
        endpoints.put("loki", loki.url());
        return endpoints;
    }

    private static List<Probe> phase(Duration deadline) {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(deadline).build();
        return new TracesPhase().probes(config);
    }

    private static Probe probe(List<Probe> phase, String name) {
        return phase.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private EndpointProbeContext context(Map<String, HttpUrl> endpoints, Map<String, String> environment) {
        return ProbeTesting.context(TestConfigs.config(), endpoints, environment);
    }

    private ProbeResult run(Probe probe) throws InterruptedException {
        return ProbeTesting.run(probe, context(endpoints(), ADMIN));
    }

    /** Runs the named probes of one phase instance in order, in one context, as a phase would; returns the last. */
    private ProbeResult runInOrder(Duration deadline, EndpointProbeContext context, String... names)
            throws InterruptedException {
        List<Probe> phase = phase(deadline);
        List<Probe> chosen =
                java.util.Arrays.stream(names).map(n -> probe(phase, n)).toList();
        List<ProbeResult> results = ProbeTesting.runner(new RecordingConsole()).run("traces", chosen, context);
        return results.get(results.size() - 1);
    }

    @Test
    void phaseProbesInOrder() {
        assertThat(phase(PASS))
                .extracting(Probe::name)
                .containsExactly(
                        "otel-collector-health",
                        "tempo-ready",
                        "otlp-span-round-trip",
                        "tempo-traceql-search",
                        "grafana-tempo-trace-query",
                        "otlp-metric-round-trip",
                        "otlp-log-round-trip",
                        "prometheus-scrapes-traces-stack");
    }

    // otel-collector-health

    @Test
    void collectorHealthPasses() throws Exception {
        ProbeResult result = run(probe(phase(PASS), "otel-collector-health"));

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved())
                .contains("OpenTelemetry Collector ready")
                .contains("Server available");
    }

    @Test
    void collectorHealthFailsWhenUnavailableAndDoesNotBlameAPipeline() throws Exception {
        collector.healthy(false);

        ProbeResult result = run(probe(phase(FAIL), "otel-collector-health"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("is not ready")
                .contains("503")
                .contains("Server not available");
        assertThat(result.hint())
                .contains("process")
                .contains("exporter failures do not show here")
                .doesNotContain("a pipeline failed to start");
    }

    // tempo-ready

    @Test
    void tempoReadyPassesAfterStartup() throws Exception {
        tempo.notReadyFor(2);

        ProbeResult result = run(probe(phase(PASS), "tempo-ready"));

        assertThat(result.passed()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
    }

    @Test
    void tempoReadyFailsWhileNotReady() throws Exception {
        tempo.notReadyFor(1000);

        ProbeResult result = run(probe(phase(FAIL), "tempo-ready"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("503");
    }

    // otlp-span-round-trip

    @Test
    void spanRoundTripSendsOnceAndPollsTempoUntilTheTraceHoldsTheSpan() throws Exception {
        tempo.readsUntilQueryable(3);
        EndpointProbeContext context = context(endpoints(), ADMIN);

        ProbeResult result = ProbeTesting.run(probe(phase(PASS), "otlp-span-round-trip"), context);

        String traceId = RunIds.traceId(context.runId());
        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.attempts()).isEqualTo(4);
        assertThat(result.lastObserved()).contains("read back from Tempo").contains("after 4 reads");
        assertThat(collector.requestLines()).containsExactly("POST /v1/traces");
        assertThat(tempo.hasTrace(traceId)).isTrue();
        assertThat(tempo.requestLines())
                .filteredOn(l -> l.startsWith("GET /api/v2/traces/" + traceId))
                .hasSize(4);
        assertThat(result.evidence().facts())
                .containsEntry("sent.trace-id", traceId)
                .containsKey("sent.span.explicit URL")
                .containsKey("found.tempo")
                .containsKey("route.tempo");
        assertThat(result.evidence().measured()).isTrue();
        System.out.printf(
                "otlp-span-round-trip write-to-read latency against the fakes: %d ms%n",
                result.evidence().writeToRead().toMillis());
    }

    @Test
    void spanRoundTripReadsTempos200WithAnEmptyTraceAsNeverArrived() throws Exception {
        collector.dropSpans(true);

        ProbeResult result = run(probe(phase(FAIL), "otlp-span-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("Tempo has no such trace").contains("(200 with an empty trace)");
        assertThat(result.hint()).contains("never reached Tempo").contains("tempo-otlp-grpc");
        assertThat(collector.requestLines()).hasSize(1);
    }

    @Test
    void spanRoundTripFailsWithTheCollectors503WhenTheMemoryLimiterRefuses() throws Exception {
        collector.refuseForMemory();

        ProbeResult result = run(probe(phase(FAIL), "otlp-span-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("refused the span")
                .contains("503")
                .contains("data refused due to high memory usage");
        assertThat(result.hint()).contains("memory_limiter");
        assertThat(tempo.requestLines()).isEmpty();
    }

    @Test
    void spanRoundTripFailsWithTheCollectors429WhenThrottled() throws Exception {
        collector.refuseAsExhausted("too many requests");

        ProbeResult result = run(probe(phase(FAIL), "otlp-span-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("429");
        assertThat(result.hint()).contains("throttling");
    }

    @Test
    void spanRoundTripFailsWhenNoTracesPipelineUsesTheReceiver() throws Exception {
        collector.tracesPipeline(false);

        ProbeResult result = run(probe(phase(FAIL), "otlp-span-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("404");
        assertThat(result.hint()).contains("traces pipeline");
    }

    @Test
    void spanRoundTripFailsNamingTheCollectorWhenItDoesNotAnswer() throws Exception {
        Map<String, HttpUrl> endpoints = endpoints();
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");
        endpoints.put("otel-collector", closed);

        ProbeResult result = ProbeTesting.run(probe(phase(FAIL), "otlp-span-round-trip"), context(endpoints, Map.of()));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("collector replica explicit URL did not answer the span: POST " + closed
                        + "v1/traces -> no answer");
        assertThat(result.hint()).contains("4318");
    }

    @Test
    void spanRoundTripFailsNamingTempoWhenItDoesNotAnswer() throws Exception {
        Map<String, HttpUrl> endpoints = endpoints();
        endpoints.put("tempo", HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/"));

        ProbeResult result = ProbeTesting.run(probe(phase(FAIL), "otlp-span-round-trip"), context(endpoints, Map.of()));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("but Tempo did not answer");
        assertThat(result.hint()).contains("3200");
    }

    @Test
    void theCollectorFakeRefusesAWrongContentTypeWithTextPlainAsTheReceiverDoes() throws Exception {
        try (Response response = new OkHttpClient()
                .newCall(new Request.Builder()
                        .url(collector.otlpUrl().resolve("/v1/traces"))
                        .post(RequestBody.create("x", MediaType.get("text/plain")))
                        .build())
                .execute()) {
            assertThat(response.code()).isEqualTo(415);
            assertThat(response.header("Content-Type")).startsWith("text/plain");
            assertThat(response.body().string())
                    .isEqualTo("415 unsupported media type, supported: [application/json, application/x-protobuf]");
        }
    }

    // tempo-traceql-search

    @Test
    void traceQlSearchFindsTheRunsTraceAfterTheRoundTrip() throws Exception {
        tempo.readsUntilSearchable(2);
        EndpointProbeContext context = context(endpoints(), ADMIN);

        ProbeResult result = runInOrder(PASS, context, "otlp-span-round-trip", "tempo-traceql-search");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .contains("found trace " + RunIds.traceId(context.runId()))
                .contains("after 3 searches");
        assertThat(result.evidence().facts())
                .containsEntry("sent.traceql", "{ span.obs_bootstrap.run = \"" + context.runId() + "\" }");
        assertThat(result.evidence().measured()).isTrue();
    }

    @Test
    void traceQlSearchFailsWhenSearchFindsNothingWhileReadsByIdWork() throws Exception {
        tempo.searchBroken(true);

        ProbeResult result =
                runInOrder(PASS, context(endpoints(), ADMIN), "otlp-span-round-trip", "tempo-traceql-search");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("found no trace");
        assertThat(result.hint()).contains("search does not find it");
    }

    // grafana-tempo-trace-query

    @Test
    void grafanaReadsTheRunsTraceThroughItsTempoDatasource() throws Exception {
        EndpointProbeContext context = context(endpoints(), ADMIN);

        ProbeResult result = runInOrder(PASS, context, "otlp-span-round-trip", "grafana-tempo-trace-query");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).contains("trace " + RunIds.traceId(context.runId()) + " with 1 span(s)");
        assertThat(grafana.requestLines()).contains("POST /api/ds/query");
        assertThat(result.evidence().measured()).isTrue();
    }

    @Test
    void grafanaTraceQueryFailsWhenTheTraceIsNotInTheTempoGrafanaReads() throws Exception {
        ProbeResult result =
                ProbeTesting.run(probe(phase(FAIL), "grafana-tempo-trace-query"), context(endpoints(), ADMIN));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("failed the query").contains("400");
        assertThat(result.hint()).contains("failed to get trace with id").contains("404");
    }

    @Test
    void grafanaTraceQueryFailsWhenTheDatasourcePointsNowhere() throws Exception {
        grafana.datasource(
                "obs-tempo", "tempo", HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/"), Map.of());

        ProbeResult result =
                runInOrder(FAIL, context(endpoints(), ADMIN), "otlp-span-round-trip", "grafana-tempo-trace-query");

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("dial tcp");
    }

    @Test
    void grafanaTraceQueryStopsAfterOneRefusedLoginSoTheAdminIsNotLockedOut() throws Exception {
        ProbeResult result = ProbeTesting.run(
                probe(phase(PASS), "grafana-tempo-trace-query"),
                context(endpoints(), Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "wrong")));

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(grafana.failedLogins()).isEqualTo(1);
        assertThat(result.lastObserved()).contains("not retried");
        assertThat(result.hint()).contains("refused the admin credentials");
    }

    @Test
    void grafanasCoreTempoDatasourceHasNoHealthCheckSoAHealthProbeCouldNeverPass() throws Exception {
        // finding 1: what the former grafana-datasource-tempo probe asked
        DatasourceHealthProbe health =
                new DatasourceHealthProbe("grafana-datasource-tempo", FAIL, "grafana", "tempo", "Tempo", "");

        ProbeResult result = run(health);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("404").contains("plugin.notImplemented");
        assertThat(result.hint()).contains("no backend health check");
    }

    @Test
    void theDecoupledTempoPluginsHealthCheckOnlyEchoesSoTheQueryIsWhatProvesTempoEitherWay() throws Exception {
        // which Tempo datasource Grafana 13.2 runs could not be read from the pinned tag: the trace query passes with
        // either
        grafana.tempoHealth(FakeGrafana.TempoDatasource.DECOUPLED_PLUGIN);
        EndpointProbeContext context = context(endpoints(), ADMIN);

        ProbeResult health = ProbeTesting.run(
                new DatasourceHealthProbe("grafana-datasource-tempo", FAIL, "grafana", "tempo", "Tempo", ""), context);
        ProbeResult query = runInOrder(PASS, context, "otlp-span-round-trip", "grafana-tempo-trace-query");

        assertThat(health.passed()).isTrue();
        assertThat(health.lastObserved()).endsWith("Data source is working");
        assertThat(tempo.requestLines()).contains("GET /api/echo");
        assertThat(query.passed()).as(query.toString()).isTrue();
    }

    // otlp-metric-round-trip

    @Test
    void metricRoundTripFindsTheGaugeInPrometheus() throws Exception {
        collector.exportMetricsTo(prometheus::export);

        ProbeResult result = run(probe(phase(PASS), "otlp-metric-round-trip"));

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.evidence().facts()).containsKeys("sent.metric", "sent.at", "found.series");
        assertThat(result.evidence().measured()).isTrue();
    }

    @Test
    void metricRoundTripStampsThePointWithPrometheusClock() throws Exception {
        // Prometheus' clock 30 minutes behind this machine's: a point stamped here would be in its future, invisible
        prometheus.server().clockOffset(Duration.ofMinutes(-30));
        collector.exportMetricsTo(prometheus::export);

        assertThat(run(probe(phase(PASS), "otlp-metric-round-trip")).passed()).isTrue();
    }

    @Test
    void metricRoundTripFailsWhenTheCollectorHasNoMetricsPipeline() throws Exception {
        ProbeResult result = run(probe(phase(FAIL), "otlp-metric-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("refused the gauge").contains("404");
        assertThat(result.hint()).contains("need a metrics pipeline");
    }

    @Test
    void metricRoundTripFailsWhenPrometheusHasNoOtlpReceiver() throws Exception {
        prometheus.otlpReceiver(false);
        collector.exportMetricsTo(prometheus::export);

        ProbeResult result = run(probe(phase(FAIL), "otlp-metric-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("has no series from [explicit URL] in Prometheus");
        assertThat(result.hint()).contains("enableOTLPReceiver");
    }

    // otlp-log-round-trip

    @Test
    void logRoundTripFindsTheRecordInLoki() throws Exception {
        collector.exportLogsTo(body -> loki.receiveOtlp("fake", body));

        ProbeResult result = run(probe(phase(PASS), "otlp-log-round-trip"));

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.evidence().facts().get("found.stream")).contains("\"service_name\":\"obs-bootstrap-probe\"");
    }

    /** With Loki multi-tenant, the read-back must name the tenant the collector writes (the logs phase's setting). */
    @Test
    void logRoundTripReadsLokiWithTheTenantHeaderTheConfigImplies() throws Exception {
        loki.requireTenant(true);
        collector.exportLogsTo(body -> loki.receiveOtlp("team-a", body));
        BootstrapConfig config = TestConfigs.builder()
                .probeDeadline(PASS)
                .endpointHeader("loki", "X-Scope-OrgID", "team-a")
                .build();

        ProbeResult result = ProbeTesting.run(
                probe(new TracesPhase().probes(config), "otlp-log-round-trip"),
                ProbeTesting.context(config, endpoints(), ADMIN));

        // the record is stored for team-a only, and a query without the header is refused: passing proves the header
        assertThat(result.passed()).as(result.toString()).isTrue();
    }

    @Test
    void logRoundTripFailsWhenLokiWantsATenantAndTheConfigNamesNone() throws Exception {
        loki.requireTenant(true);
        collector.exportLogsTo(body -> loki.receiveOtlp("team-a", body));

        ProbeResult result = run(probe(phase(FAIL), "otlp-log-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("401");
    }

    @Test
    void logRoundTripFailsWhenTheCollectorHasNoLogsPipeline() throws Exception {
        ProbeResult result = run(probe(phase(FAIL), "otlp-log-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("need a logs pipeline");
    }

    @Test
    void logRoundTripFailsWhenTheCollectorWritesAnotherTenantThanLokiIsReadFrom() throws Exception {
        collector.exportLogsTo(body -> loki.receiveOtlp("someone-else", body));

        ProbeResult result = run(probe(phase(FAIL), "otlp-log-round-trip"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("finds none from [explicit URL] in Loki");
        assertThat(result.hint()).contains("otlp_http/loki");
    }

    // prometheus-scrapes-traces-stack

    @Test
    void theTracesStackIsScrapedByPrometheus() throws Exception {
        prometheus
                .target("serviceMonitor/monitoring/obs-tempo/0", "up", "")
                .target("serviceMonitor/monitoring/obs-otel-collector/0", "up", "")
                .target("serviceMonitor/other-team/obs-otel-collector/0", "down", "connection refused");

        ProbeResult result = run(probe(phase(PASS), "prometheus-scrapes-traces-stack"));

        assertThat(result.passed())
                .as("another team's monitor of the same name, down, does not count")
                .isTrue();
    }

    @Test
    void theTracesStackFailsWhenTheCollectorIsNotScraped() throws Exception {
        prometheus.target("serviceMonitor/monitoring/obs-tempo/0", "up", "");

        ProbeResult result = run(probe(phase(FAIL), "prometheus-scrapes-traces-stack"));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("no targets for: otel-collector (monitoring/obs-otel-collector)");
        assertThat(result.hint()).contains("serviceMonitor");
    }

    // every collector replica, through the API server's pod proxy

    /** A cluster with two collector pods behind obs-otel-collector, each mapped to its own fake, and Tempo/Prometheus by URL. */
    private ClusterProbeContext twoReplicas(
            PortForwardingApiServer api,
            FakeOtelCollector second,
            io.fabric8.kubernetes.client.KubernetesClient client) {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "opentelemetry-collector");
        api.put(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName("obs-otel-collector")
                .withNamespace("monitoring")
                .endMetadata()
                .withNewSpec()
                .withSelector(labels)
                .addNewPort()
                .withName("otlp-http")
                .withPort(4318)
                .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(4318))
                .endPort()
                .endSpec()
                .build());
        FakeOtelCollector[] backends = {collector, second};
        for (int i = 0; i < 2; i++) {
            String pod = "obs-otel-collector-" + i;
            api.put(new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata()
                    .withName(pod)
                    .withNamespace("monitoring")
                    .withLabels(labels)
                    .endMetadata()
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .endCondition()
                    .endStatus()
                    .build());
            api.forward("monitoring", pod, 4318, backends[i].otlpUrl());
        }
        BootstrapConfig config = TestConfigs.config();
        return ClusterProbeContext.builder(config, TestConfigs.topology(config), client)
                .endpointOverrides(Map.of("tempo", tempo.url(), "prometheus", prometheus.url(), "loki", loki.url()))
                .build();
    }

    @Test
    void spanRoundTripFailsNamingTheOneReplicaWhoseSpansNeverReachTempo() throws Exception {
        try (PortForwardingApiServer api = new PortForwardingApiServer();
                io.fabric8.kubernetes.client.KubernetesClient client = api.client();
                FakeOtelCollector broken = new FakeOtelCollector(tempo).dropSpans(true);
                ClusterProbeContext context = twoReplicas(api, broken, client)) {
            ProbeResult result = ProbeTesting.run(probe(phase(FAIL), "otlp-span-round-trip"), context);

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("lacks the span(s) of replica(s) [obs-otel-collector-1]");
            assertThat(result.evidence().facts())
                    .containsKeys("sent.span.obs-otel-collector-0", "sent.span.obs-otel-collector-1");
            assertThat(result.evidence().facts().get("route.otel-collector"))
                    .endsWith("every ready pod through the pod proxy");
        }
    }

    @Test
    void metricRoundTripFailsNamingTheOneReplicaWithoutAMetricsPipelineExport() throws Exception {
        collector.exportMetricsTo(prometheus::export);
        try (PortForwardingApiServer api = new PortForwardingApiServer();
                io.fabric8.kubernetes.client.KubernetesClient client = api.client();
                FakeOtelCollector lossy = new FakeOtelCollector(tempo).exportMetricsTo(body -> {});
                ClusterProbeContext context = twoReplicas(api, lossy, client)) {
            ProbeResult result = ProbeTesting.run(probe(phase(FAIL), "otlp-metric-round-trip"), context);

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("has no series from [obs-otel-collector-1]");
        }
    }

    @Test
    void everyPipelinePassesThroughTwoHealthyReplicas() throws Exception {
        collector.exportMetricsTo(prometheus::export).exportLogsTo(body -> loki.receiveOtlp("fake", body));
        try (PortForwardingApiServer api = new PortForwardingApiServer();
                io.fabric8.kubernetes.client.KubernetesClient client = api.client();
                FakeOtelCollector second = new FakeOtelCollector(tempo)
                        .exportMetricsTo(prometheus::export)
                        .exportLogsTo(body -> loki.receiveOtlp("fake", body));
                ClusterProbeContext context = twoReplicas(api, second, client)) {
            List<ProbeResult> results = ProbeTesting.runner(new RecordingConsole())
                    .run(
                            "traces",
                            List.of(
                                    probe(phase(PASS), "otlp-span-round-trip"),
                                    probe(phase(PASS), "otlp-metric-round-trip"),
                                    probe(phase(PASS), "otlp-log-round-trip")),
                            context);

            assertThat(results)
                    .allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
            assertThat(results.get(0).lastObserved()).contains("[obs-otel-collector-0, obs-otel-collector-1]");
        }
    }

    // distributed Tempo: the same probes, through the Services the topology gives that layout

    /**
     * A cluster where Tempo runs distributed: the query-frontend Service's one ready pod answers with {@code frontend}
     * (the Tempo its queriers read), the collector is reached by URL and exports to {@link #tempo} (the distributors'
     * store). The probes find the topology's tempo endpoint through the API server's service proxy, as in a run.
     */
    private ClusterProbeContext distributed(
            PortForwardingApiServer api, FakeTempo frontend, io.fabric8.kubernetes.client.KubernetesClient client) {
        Map<String, String> labels = Map.of(
                "app.kubernetes.io/name", "tempo",
                "app.kubernetes.io/instance", "obs-tempo-distributed",
                "app.kubernetes.io/component", "query-frontend");
        api.put(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName("obs-tempo-query-frontend")
                .withNamespace("monitoring")
                .endMetadata()
                .withNewSpec()
                .withSelector(labels)
                .addNewPort()
                .withName("http-metrics")
                .withPort(3200)
                .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(3200))
                .endPort()
                .endSpec()
                .build());
        api.put(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("obs-tempo-query-frontend-0")
                .withNamespace("monitoring")
                .withLabels(labels)
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build());
        api.forward("monitoring", "obs-tempo-query-frontend-0", 3200, frontend.url());
        BootstrapConfig config = TestConfigs.builder()
                .section(new TracesSection(), new TracesSettings(TracesSettings.TempoLayout.DISTRIBUTED))
                .build();
        return ClusterProbeContext.builder(config, TestConfigs.topology(config), client)
                .endpointOverrides(Map.of(
                        "otel-collector", collector.otlpUrl(),
                        "otel-collector-health", collector.healthUrl(),
                        "grafana", grafana.url()))
                .build();
    }

    @Test
    void distributedTempoIsReadThroughTheQueryFrontendServiceByIdAndBySearch() throws Exception {
        try (PortForwardingApiServer api = new PortForwardingApiServer();
                io.fabric8.kubernetes.client.KubernetesClient client = api.client();
                ClusterProbeContext context = distributed(api, tempo, client)) {
            List<ProbeResult> results = ProbeTesting.runner(new RecordingConsole())
                    .run(
                            "traces",
                            List.of(
                                    probe(phase(PASS), "tempo-ready"),
                                    probe(phase(PASS), "otlp-span-round-trip"),
                                    probe(phase(PASS), "tempo-traceql-search")),
                            context);

            assertThat(results)
                    .allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
            String traceId = RunIds.traceId(context.runId());
            assertThat(api.requestLines())
                    .contains("GET /api/v1/namespaces/monitoring/services/obs-tempo-query-frontend:3200/proxy/ready")
                    .anyMatch(line -> line.startsWith("GET /api/v1/namespaces/monitoring/services/"
                            + "obs-tempo-query-frontend:3200/proxy/api/v2/traces/" + traceId))
                    .anyMatch(line -> line.startsWith("GET /api/v1/namespaces/monitoring/services/"
                            + "obs-tempo-query-frontend:3200/proxy/api/search"));
        }
    }

    /** The collector writes to one Tempo and the query-frontend reads another: the span never shows, the probe fails. */
    @Test
    void spanRoundTripFailsWhenTheQueryFrontendReadsAnotherTempoThanTheCollectorWritesTo() throws Exception {
        try (PortForwardingApiServer api = new PortForwardingApiServer();
                io.fabric8.kubernetes.client.KubernetesClient client = api.client();
                FakeTempo elsewhere = new FakeTempo();
                ClusterProbeContext context = distributed(api, elsewhere, client)) {
            ProbeResult result = ProbeTesting.run(probe(phase(FAIL), "otlp-span-round-trip"), context);

            assertThat(result.passed()).isFalse();
            assertThat(tempo.hasTrace(RunIds.traceId(context.runId()))).isTrue();
            assertThat(elsewhere.hasTrace(RunIds.traceId(context.runId()))).isFalse();
        }
    }
}
