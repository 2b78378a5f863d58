package dev.obsbootstrap.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeLoki;
import dev.obsbootstrap.core.testing.FakePrometheus;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.RecordingConsole;
import dev.obsbootstrap.core.testing.TestConfigs;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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
 * The logs phase probes against a stateful Loki fake (which, when told, also plays the collector shipping Loki's own
 * query log) and a Grafana fake whose Loki datasource queries that Loki. One test per way each path breaks.
 */
// each test has fakes of its own (instance fields), so tests run at once
@Execution(ExecutionMode.CONCURRENT)
class LogsProbesTest {
    private static final Duration PASS = Duration.ofSeconds(5);
    private static final Duration FAIL = Duration.ofMillis(600);
    private static final Map<String, String> ADMIN =
            Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "grafana-admin-pw");
    private static final Map<String, String> LOKI_POD =
            Map.of("namespace", "monitoring", "pod", "obs-loki-0", "container", "loki", "collector", "alloy");

    private final FakeLoki loki = new FakeLoki();
    private final FakeGrafana grafana =
            new FakeGrafana("admin", "grafana-admin-pw").datasource("obs-loki", "loki", loki.url(), Map.of());
    private final FakePrometheus prometheus = new FakePrometheus();

    @AfterEach
    void stop() {
        loki.close();
        grafana.close();
        prometheus.close();
    }

    private static Probe probe(BootstrapConfig config, String name) {
        return new LogsPhase()
                .probes(config).stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElseThrow();
    }

    private EndpointProbeContext context(BootstrapConfig config) {
        return ProbeTesting.context(
                config, Map.of("loki", loki.url(), "grafana", grafana.url(), "prometheus", prometheus.url()), ADMIN);
    }

    private ProbeResult run(BootstrapConfig config, String name) throws InterruptedException {
        return ProbeTesting.run(probe(config, name), context(config));
    }

    /** The named probes of one phase instance, in order, in one context; the last one's result. */
    private ProbeResult runInOrder(BootstrapConfig config, String... names) throws InterruptedException {
        List<Probe> phase = new LogsPhase().probes(config);
        List<Probe> chosen = Arrays.stream(names)
                .map(n -> phase.stream()
                        .filter(p -> p.name().equals(n))
                        .findFirst()
                        .orElseThrow())
                .toList();
        List<ProbeResult> results = ProbeTesting.runner(new RecordingConsole()).run("logs", chosen, context(config));
        return results.get(results.size() - 1);
    }

    private static BootstrapConfig config(Duration deadline) {
        return TestConfigs.builder().probeDeadline(deadline).build();
    }

    @Test
    void phaseProbesInOrder() {
        assertThat(new LogsPhase().probes(config(PASS)))
                .extracting(Probe::name)
                .containsExactly(
                        "loki-ready",
                        "loki-push-round-trip",
                        "collector-logs-in-loki",
                        "loki-store-read-back",
                        "grafana-datasource-loki",
                        "grafana-loki-query",
                        "prometheus-scrapes-logs-stack");
    }

    // loki-ready

    @Test
    void lokiReadyPassesOnceTheIngesterIsReady() throws Exception {
        loki.notReadyFor(2);

        ProbeResult result = run(config(PASS), "loki-ready");

        assertThat(result.passed()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
    }

    @Test
    void lokiReadyFailsWhileTheIngesterIsNotReady() throws Exception {
        loki.notReadyFor(1000);

        ProbeResult result = run(config(FAIL), "loki-ready");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("503 'Ingester not ready");
        assertThat(result.hint()).contains("replication_factor");
    }

    // loki-push-round-trip

    @Test
    void pushRoundTripPassesPushesOnceAndRecordsWhatItSentAndTheLatency() throws Exception {
        loki.blindQueries(2);

        ProbeResult result = run(config(PASS), "loki-push-round-trip");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.lastObserved()).contains("read it back").contains("after 3 queries");
        assertThat(loki.requestLines())
                .filteredOn(l -> l.startsWith("POST /loki/api/v1/push"))
                .hasSize(1);
        assertThat(loki.entries()).singleElement().satisfies(e -> {
            assertThat(e.labels()).containsEntry("job", "obs-bootstrap-probe").containsKey("obs_bootstrap_run");
            assertThat(e.line()).startsWith("obs-bootstrap probe obs-test");
        });
        assertThat(result.evidence().facts()).containsKeys("sent.line", "sent.at", "found.query", "route.loki");
        assertThat(result.evidence().measured()).isTrue();
        System.out.printf(
                "loki-push-round-trip write-to-read latency against the fake: %d ms%n",
                result.evidence().writeToRead().toMillis());
    }

    @Test
    void pushRoundTripStampsTheLineWithLokisClockSoASkewedClientClockDoesNotMatter() throws Exception {
        // this machine's clock 30 minutes ahead of Loki's: a line stamped with it would be 400 "timestamp too new"
        loki.clockOffset(Duration.ofMinutes(-30));

        ProbeResult result = run(config(PASS), "loki-push-round-trip");

        assertThat(result.passed()).as(result.toString()).isTrue();
        Instant pushed = Instant.ofEpochSecond(0, loki.entries().get(0).timestampNanos());
        assertThat(pushed).isCloseTo(Instant.now().minus(Duration.ofMinutes(30)), within(Duration.ofMinutes(1)));
    }

    @Test
    void theLokiFakeRefusesALineTooFarAheadOfItsClockAsLokiDoes() throws Exception {
        loki.clockOffset(Duration.ofMinutes(-30));
        long clientNow = System.currentTimeMillis() * 1_000_000L;
        String body = "{\"streams\":[{\"stream\":{\"job\":\"x\"},\"values\":[[\"" + clientNow + "\",\"line\"]]}]}";
        try (Response response = new OkHttpClient()
                .newCall(new Request.Builder()
                        .url(loki.url().resolve("/loki/api/v1/push"))
                        .post(RequestBody.create(body, MediaType.get("application/json")))
                        .build())
                .execute()) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).startsWith("entry for stream '{job=\"x\"}' has timestamp too new: ");
        }
    }

    @Test
    void pushRoundTripSendsTheTenantWhenLokiAuthIsOn() throws Exception {
        loki.requireTenant(true);
        BootstrapConfig config = TestConfigs.builder()
                .probeDeadline(PASS)
                .section(new LogsSection(), new LogsSettings(LogCollector.ALLOY, true, "team-a"))
                .build();

        ProbeResult result = run(config, "loki-push-round-trip");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(loki.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.tenant()).isEqualTo("team-a"));
    }

    @Test
    void pushRoundTripFailsWithAnAuthHintWhenLokiWantsATenantTheConfigDoesNotSend() throws Exception {
        loki.requireTenant(true);

        ProbeResult result = run(config(FAIL), "loki-push-round-trip");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Loki refused the push").contains("401 'no org id'");
        assertThat(result.hint())
                .contains("auth_enabled")
                .contains("logs.auth.enabled: true")
                .contains("no org id");
        assertThat(loki.entries()).isEmpty();
    }

    @Test
    void pushRoundTripFailsWhenAnAcknowledgedLineNeverBecomesReadable() throws Exception {
        loki.dropPushes(true);

        ProbeResult result = run(config(FAIL), "loki-push-round-trip");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("(204), but {obs_bootstrap_run=")
                .contains("returned 0 stream(s) without it");
        assertThat(result.hint()).contains("does not serve it");
        assertThat(result.evidence().facts()).containsKey("sent.line");
        assertThat(loki.requestLines()).filteredOn(l -> l.startsWith("POST")).hasSize(1);
    }

    @Test
    void pushRoundTripFailsNamingLokiWhenNothingAnswers() throws Exception {
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");

        ProbeResult result = ProbeTesting.run(
                probe(config(FAIL), "loki-push-round-trip"),
                ProbeTesting.context(config(FAIL), Map.of("loki", closed)));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Loki did not answer: " + closed + "ready");
    }

    @Test
    void everyPushedLineCarriesThisRunsLabelOnly() throws Exception {
        ProbeResult first = run(config(PASS), "loki-push-round-trip");
        ProbeResult second = run(config(PASS), "loki-push-round-trip");

        assertThat(first.passed()).isTrue();
        assertThat(second.passed()).isTrue();
        assertThat(loki.entries())
                .extracting(e -> e.labels().get("obs_bootstrap_run"))
                .doesNotHaveDuplicates()
                .hasSize(2);
        assertThat(List.of(first.lastObserved(), second.lastObserved())).allMatch(o -> o.contains("after 1 query"));
    }

    // collector-logs-in-loki

    @Test
    void collectorLogsPassWhenTheCollectorShipsLokisQueryLogOfThisRun() throws Exception {
        loki.collectorShipsOwnLogs("fake", LOKI_POD);

        ProbeResult result = runInOrder(config(PASS), "loki-push-round-trip", "collector-logs-in-loki");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .startsWith("Alloy shipped a line of this run from pod obs-loki-0")
                .contains("query=");
        assertThat(result.evidence().facts()).containsKeys("sent.query", "found.stream", "found.at");
        assertThat(probe(config(PASS), "collector-logs-in-loki").proves()).contains("Alloy");
    }

    @Test
    void collectorLogsFailWhenOnlyLinesFromBeforeThisRunWereShipped() throws Exception {
        // what a collector that broke minutes ago leaves: namespace lines, none produced during this run
        loki.ship(
                "fake", LOKI_POD, "level=info msg=\"compacting\"", Instant.now().minus(Duration.ofMinutes(3)));

        ProbeResult result = run(config(FAIL), "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("no line of this run (obs-test");
        assertThat(result.hint()).contains("the Alloy pods ship nothing from this run");
    }

    @Test
    void collectorLogsFailWhenAStalePromtailShipsButTheConfiguredAlloyDoesNot() throws Exception {
        loki.collectorShipsOwnLogs(
                "fake",
                Map.of("namespace", "monitoring", "pod", "obs-loki-0", "container", "loki", "collector", "promtail"));

        ProbeResult result = runInOrder(config(FAIL), "loki-push-round-trip", "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("shipped with collector=\"promtail\"");
        assertThat(result.hint())
                .contains("another log collector ships this namespace")
                .contains("the old collector runs until this phase is verified");
    }

    @Test
    void collectorLogsFailWhenStreamsLackThePodLabel() throws Exception {
        loki.collectorShipsOwnLogs(
                "fake", Map.of("namespace", "monitoring", "collector", "alloy", "job", "monitoring/loki"));

        ProbeResult result = runInOrder(config(FAIL), "loki-push-round-trip", "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("none has a pod label").contains("\"job\":\"monitoring/loki\"");
        assertThat(result.hint()).contains("__meta_kubernetes_pod_name");
    }

    @Test
    void collectorLogsReadTheTenantsData() throws Exception {
        loki.requireTenant(true).collectorShipsOwnLogs("team-a", LOKI_POD);
        BootstrapConfig config = TestConfigs.builder()
                .probeDeadline(PASS)
                .section(new LogsSection(), new LogsSettings(LogCollector.ALLOY, true, "team-a"))
                .build();

        assertThat(runInOrder(config, "loki-push-round-trip", "collector-logs-in-loki")
                        .passed())
                .isTrue();
    }

    @Test
    void collectorLogsFailWithTheAuthHintWithoutTenant() throws Exception {
        loki.requireTenant(true).collectorShipsOwnLogs("team-a", LOKI_POD);

        ProbeResult result = run(config(FAIL), "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("logs.auth");
    }

    @Test
    void collectorLogsNameThePromtailWhenItIsTheConfiguredCollector() throws Exception {
        BootstrapConfig promtail = TestConfigs.builder()
                .probeDeadline(FAIL)
                .section(new LogsSection(), new LogsSettings(LogCollector.PROMTAIL, false, "obs"))
                .build();

        ProbeResult result = run(promtail, "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("the Promtail pods ship nothing");
        assertThat(result.evidence().facts().get("sent.query")).contains("collector=\"promtail\"");
    }

    // loki-store-read-back

    @Test
    void storeReadBackFindsEarlierRunsLinesOlderThanTheIngesterWindow() throws Exception {
        loki.ship(
                "fake",
                Map.of("job", "obs-bootstrap-probe", "obs_bootstrap_run", "obs-earlier00001"),
                "obs-bootstrap probe obs-earlier00001 ab",
                Instant.now().minus(Duration.ofHours(5)));

        ProbeResult result = run(config(PASS), "loki-store-read-back");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).contains("1 earlier run(s)").contains("obs-earlier00001");
    }

    @Test
    void storeReadBackSaysDurabilityIsNotProvableWhenNoEarlierRunExists() throws Exception {
        ProbeResult result = run(config(PASS), "loki-store-read-back");

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).contains("not provable on this run");
        assertThat(result.evidence().facts()).containsEntry("found.runs", "none");
    }

    @Test
    void storeReadBackFailsWhenTheStoreCannotBeRead() throws Exception {
        loki.storeUnreadable("failed to fetch chunks: NoSuchBucket: The specified bucket does not exist");

        ProbeResult result = run(config(FAIL), "loki-store-read-back");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("500").contains("NoSuchBucket");
        assertThat(result.hint()).contains("bucket names");
    }

    // grafana-datasource-loki, grafana-loki-query

    @Test
    void lokiDatasourceHealthPassesWithLokisOwnMessage() throws Exception {
        ProbeResult result = run(config(PASS), "grafana-datasource-loki");

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).endsWith("Data source successfully connected.");
    }

    @Test
    void lokiDatasourceFailsWithATenantHintWhenAuthIsOn() throws Exception {
        grafana.unhealthyDatasource("obs-loki", "loki", "Unable to connect with Loki (401 no org id)");
        BootstrapConfig config = TestConfigs.builder()
                .probeDeadline(FAIL)
                .section(new LogsSection(), new LogsSettings(LogCollector.ALLOY, true, "team-a"))
                .build();

        ProbeResult result = run(config, "grafana-datasource-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("no org id").contains("X-Scope-OrgID header for tenant 'team-a'");
    }

    @Test
    void grafanaFindsTheCollectorShippedLineOfThisRun() throws Exception {
        loki.collectorShipsOwnLogs("fake", LOKI_POD);

        ProbeResult result =
                runInOrder(config(PASS), "loki-push-round-trip", "collector-logs-in-loki", "grafana-loki-query");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).contains("returned the shipped line");
        assertThat(grafana.requestLines()).contains("POST /api/ds/query");
        assertThat(result.evidence().measured()).isTrue();
    }

    @Test
    void grafanaQueryFailsWhenItsDatasourceSendsNoTenantWhileHealthStillPasses() throws Exception {
        loki.requireTenant(true).collectorShipsOwnLogs("team-a", LOKI_POD);
        BootstrapConfig config = TestConfigs.builder()
                .probeDeadline(FAIL)
                .section(new LogsSection(), new LogsSettings(LogCollector.ALLOY, true, "team-a"))
                .build();

        ProbeResult health = run(config, "grafana-datasource-loki");
        ProbeResult result = runInOrder(config, "loki-push-round-trip", "collector-logs-in-loki", "grafana-loki-query");

        assertThat(health.passed()).as("Loki's health check reads no data").isTrue();
        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("no org id");
    }

    @Test
    void grafanaQueryFailsWhenNothingOfThisRunWasShipped() throws Exception {
        ProbeResult result = run(config(FAIL), "grafana-loki-query");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("none holding what it looks for");
    }

    // prometheus-scrapes-logs-stack

    @Test
    void theLogsStackIsScrapedByPrometheus() throws Exception {
        prometheus
                .target("serviceMonitor/monitoring/obs-loki/0", "up", "")
                .target("serviceMonitor/monitoring/obs-alloy/0", "up", "");

        ProbeResult result = run(config(PASS), "prometheus-scrapes-logs-stack");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).contains("loki 1/1 up").contains("alloy 1/1 up");
    }

    @Test
    void theLogsStackFailsWhenLokisScrapeFails() throws Exception {
        prometheus
                .target("serviceMonitor/monitoring/obs-loki/0", "down", "server returned HTTP status 404 Not Found")
                .target("serviceMonitor/monitoring/obs-alloy/0", "up", "");

        ProbeResult result = run(config(FAIL), "prometheus-scrapes-logs-stack");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("loki 0/1 up").contains("404 Not Found");
    }
}
