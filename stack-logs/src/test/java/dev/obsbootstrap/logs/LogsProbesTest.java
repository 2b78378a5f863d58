package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.BootstrapConfig.LogCollector;
import dev.obsbootstrap.core.config.BootstrapConfig.LogsSettings;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeLoki;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The logs phase probes against a stateful Loki fake and a Grafana fake. */
class LogsProbesTest {
    private static final Duration PASS = Duration.ofSeconds(5);
    private static final Duration FAIL = Duration.ofMillis(600);
    private static final Map<String, String> ADMIN = Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "grafana-admin-pw");

    private final FakeLoki loki = new FakeLoki();
    private final FakeGrafana grafana = new FakeGrafana("admin", "grafana-admin-pw");

    @AfterEach
    void stop() {
        loki.close();
        grafana.close();
    }

    private static Probe probe(BootstrapConfig config, String name) {
        return new LogsPhase().probes(config).stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private ProbeResult run(BootstrapConfig config, String name) throws InterruptedException {
        return ProbeTesting.run(probe(config, name),
                ProbeTesting.context(config, Map.of("loki", loki.url(), "grafana", grafana.url()), ADMIN));
    }

    private static BootstrapConfig config(Duration deadline) {
        return TestConfigs.builder().probeDeadline(deadline).build();
    }

    @Test
    void phaseProbesInOrder() {
        assertThat(new LogsPhase().probes(config(PASS))).extracting(Probe::name)
                .containsExactly("loki-ready", "loki-push-round-trip", "collector-logs-in-loki", "grafana-datasource-loki");
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
    void pushRoundTripPassesAndPushesOnlyOnceWhileReadsArePolled() throws Exception {
        loki.blindQueries(2);

        ProbeResult result = run(config(PASS), "loki-push-round-trip");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.lastObserved()).contains("read it back").contains("after 3 queries");
        assertThat(loki.requestLines()).filteredOn(l -> l.startsWith("POST /loki/api/v1/push")).hasSize(1);
        assertThat(loki.entries()).singleElement().satisfies(e -> {
            assertThat(e.labels()).containsEntry("job", "obs-bootstrap-probe").containsKey("obs_bootstrap_run");
            assertThat(e.line()).startsWith("obs-bootstrap probe obs-test");
        });
    }

    @Test
    void pushRoundTripSendsTheTenantWhenLokiAuthIsOn() throws Exception {
        loki.requireTenant(true);
        BootstrapConfig config = TestConfigs.builder().probeDeadline(PASS).lokiAuth("team-a").build();

        ProbeResult result = run(config, "loki-push-round-trip");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(loki.entries()).singleElement().satisfies(e -> assertThat(e.tenant()).isEqualTo("team-a"));
    }

    @Test
    void pushRoundTripFailsWithAnAuthHintWhenLokiWantsATenantTheConfigDoesNotSend() throws Exception {
        loki.requireTenant(true);

        ProbeResult result = run(config(FAIL), "loki-push-round-trip");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Loki refused the push").contains("401 'no org id'");
        assertThat(result.hint()).contains("auth_enabled").contains("logs.auth.enabled: true").contains("no org id");
        assertThat(loki.entries()).isEmpty();
    }

    @Test
    void pushRoundTripFailsWhenAnAcknowledgedLineNeverBecomesReadable() throws Exception {
        loki.dropPushes(true);

        ProbeResult result = run(config(FAIL), "loki-push-round-trip");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("(204), but {obs_bootstrap_run=").contains("returned 0 stream(s) without it");
        assertThat(result.hint()).contains("does not serve it");
        assertThat(loki.requestLines()).filteredOn(l -> l.startsWith("POST")).hasSize(1);
    }

    @Test
    void pushRoundTripFailsNamingLokiWhenNothingAnswers() throws Exception {
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");

        ProbeResult result = ProbeTesting.run(probe(config(FAIL), "loki-push-round-trip"), ProbeTesting.context(config(FAIL), Map.of("loki", closed)));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Loki did not answer the push: POST " + closed + "loki/api/v1/push -> no answer");
    }

    // collector-logs-in-loki

    @Test
    void collectorLogsPassWhenPodLinesOfTheStackNamespaceArrive() throws Exception {
        loki.ship("fake", Map.of("namespace", "kube-system", "pod", "coredns-1", "container", "coredns"), "other namespace")
                .ship("fake", Map.of("namespace", "monitoring", "pod", "obs-loki-0", "container", "loki"), "level=info msg=\"compacting\"");

        ProbeResult result = run(config(PASS), "collector-logs-in-loki");

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).startsWith("1 stream(s) from namespace monitoring, e.g. pod obs-loki-0");
        assertThat(probe(config(PASS), "collector-logs-in-loki").proves()).contains("Alloy");
    }

    @Test
    void collectorLogsFailWhenNothingIsShipped() throws Exception {
        loki.ship("fake", Map.of("namespace", "kube-system", "pod", "coredns-1"), "not ours");
        BootstrapConfig promtail = TestConfigs.builder().probeDeadline(FAIL).logs(new LogsSettings(LogCollector.PROMTAIL, false, "obs")).build();

        ProbeResult result = run(promtail, "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).isEqualTo("no log lines with {namespace=\"monitoring\"} in the last 10m (deadline 600ms passed)");
        assertThat(result.hint()).contains("the Promtail pods ship nothing");
    }

    @Test
    void collectorLogsFailWhenStreamsLackThePodLabel() throws Exception {
        loki.ship("fake", Map.of("namespace", "monitoring", "job", "monitoring/loki"), "a line");

        ProbeResult result = run(config(FAIL), "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("none has a pod label").contains("\"job\":\"monitoring/loki\"");
        assertThat(result.hint()).contains("__meta_kubernetes_pod_name");
    }

    @Test
    void collectorLogsReadTheTenantsData() throws Exception {
        loki.requireTenant(true).ship("team-a", Map.of("namespace", "monitoring", "pod", "obs-grafana-0"), "t=... lvl=info");
        BootstrapConfig config = TestConfigs.builder().probeDeadline(PASS).lokiAuth("team-a").build();

        assertThat(run(config, "collector-logs-in-loki").passed()).isTrue();
    }

    @Test
    void collectorLogsFailWithTheAuthHintWithoutTenant() throws Exception {
        loki.requireTenant(true).ship("team-a", Map.of("namespace", "monitoring", "pod", "obs-grafana-0"), "t=... lvl=info");

        ProbeResult result = run(config(FAIL), "collector-logs-in-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("logs.auth");
    }

    // grafana-datasource-loki

    @Test
    void lokiDatasourcePasses() throws Exception {
        grafana.datasource("obs-loki", "Loki");

        assertThat(run(config(PASS), "grafana-datasource-loki").passed()).isTrue();
    }

    @Test
    void lokiDatasourceFailsWithATenantHintWhenAuthIsOn() throws Exception {
        grafana.unhealthyDatasource("obs-loki", "Loki", "Unable to connect with Loki (401 no org id)");
        BootstrapConfig config = TestConfigs.builder().probeDeadline(FAIL).lokiAuth("team-a").build();

        ProbeResult result = run(config, "grafana-datasource-loki");

        assertThat(result.passed()).isFalse();
        assertThat(result.hint()).contains("no org id").contains("X-Scope-OrgID header for tenant 'team-a'");
    }

    @Test
    void everyPushedLineCarriesThisRunsLabelOnly() throws Exception {
        ProbeResult first = run(config(PASS), "loki-push-round-trip");
        ProbeResult second = run(config(PASS), "loki-push-round-trip");

        assertThat(first.passed()).isTrue();
        assertThat(second.passed()).isTrue();
        assertThat(loki.entries()).extracting(e -> e.labels().get("obs_bootstrap_run")).doesNotHaveDuplicates().hasSize(2);
        assertThat(List.of(first.lastObserved(), second.lastObserved())).allMatch(o -> o.contains("after 1 query"));
    }
}
