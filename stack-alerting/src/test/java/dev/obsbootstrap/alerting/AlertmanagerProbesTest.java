package dev.obsbootstrap.alerting;

import static dev.obsbootstrap.alerting.AlertingProbeFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeServer;
import dev.obsbootstrap.core.testing.LocalAlertmanager;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting phase's Alertmanager probes against a real Alertmanager 0.25 whose webhook receivers point at a local
 * fake, so routing and notification are real. These probes do not read Prometheus: their Prometheus endpoint is a
 * port nothing listens on. {@link WatchdogAndRulesProbesTest} has the probes that do.
 */
@Timeout(180)
class AlertmanagerProbesTest {
    @TempDir
    static Path dir;

    static FakeServer webhook;
    static final List<String> notifications = Collections.synchronizedList(new ArrayList<>());
    static LocalAlertmanager alertmanager;
    static HttpUrl prometheus;

    @BeforeAll
    static void start() {
        webhook = new FakeServer("webhook", request -> {
            notifications.add(FakeServer.path(request) + " " + FakeServer.body(request));
            return FakeServer.json(200, "{}");
        });
        alertmanager = LocalAlertmanager.start(dir.resolve("alertmanager"), alertmanagerConfig(webhook.url()));
        prometheus = nothingListens();
    }

    @AfterAll
    static void stop() {
        stopAll(alertmanager, webhook);
    }

    @Test
    void alertmanagerReadyPasses() throws Exception {
        ProbeResult result = run(matching(PASS), "alertmanager-ready", alertmanager.url(), prometheus);

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).contains("/-/ready -> 200");
    }

    @Test
    void alertmanagerReadyFailsWhenNothingAnswers() throws Exception {
        HttpUrl closed = nothingListens();

        ProbeResult result = run(matching(FAIL), "alertmanager-ready", closed, prometheus);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Alertmanager did not answer: GET " + closed + "-/ready");
    }

    @Test
    void receiversPassWhenAlertmanagerRunsTheConfiguredRouting() throws Exception {
        ProbeResult result = run(matching(PASS), "alertmanager-receivers", alertmanager.url(), prometheus);

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .isEqualTo(
                        "Alertmanager has receivers [default, team-critical, obs-bootstrap-delivery, null]; top route -> default");
    }

    @Test
    void receiversFailNamingTheMissingReceiverAndTheWrongDefault() throws Exception {
        BootstrapConfig config = config(FAIL, List.of("default", "pagerduty-oncall"), "pagerduty-oncall", List.of());

        ProbeResult result = run(config, "alertmanager-receivers", alertmanager.url(), prometheus);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("missing receivers [pagerduty-oncall]")
                .contains("top route sends to 'default', the config's default receiver is 'pagerduty-oncall'")
                .doesNotContain("webhook_configs")
                .doesNotContain(webhook.url().toString());
    }

    @Test
    void theRoutingSilenceStartsBeforeAlertmanagersNowAndEndsAfterIt() {
        Instant alertmanagerNow = Instant.parse("2026-12-06T20:00:00Z");

        tools.jackson.databind.JsonNode silence = AlertRoutingProbe.silence("obs-run1", alertmanagerNow);

        assertThat(Instant.parse(silence.path("startsAt").asString())).isBefore(alertmanagerNow);
        assertThat(Instant.parse(silence.path("endsAt").asString()))
                .isAfter(alertmanagerNow.plus(Duration.ofMinutes(10)));
        assertThat(silence.path("matchers").get(0).path("name").asString()).isEqualTo("obs_bootstrap_run");
    }

    @Test
    void noSyntheticAlertIsPostedWhileTheSilenceIsNotActive() throws Exception {
        // finding 4 on a real Alertmanager: a proxy whose Date runs 2 minutes ahead makes the probe ask for a silence
        // starting in Alertmanager's future; the real Alertmanager keeps it pending, and the probe must not post alerts
        List<String> forwarded = Collections.synchronizedList(new ArrayList<>());
        OkHttpClient client = new OkHttpClient();
        try (FakeServer skewed = new FakeServer("alertmanager-proxy", request -> {
            forwarded.add(request.getMethod() + " " + FakeServer.path(request));
            Request.Builder out = new Request.Builder().url(alertmanager.url().resolve(request.getTarget()));
            if (request.getMethod().equals("POST")) {
                out.post(RequestBody.create(FakeServer.body(request), MediaType.get("application/json")));
            }
            try (Response response = client.newCall(out.build()).execute()) {
                return new mockwebserver3.MockResponse.Builder()
                        .code(response.code())
                        .setHeader("Content-Type", "application/json")
                        .setHeader(
                                "Date",
                                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now()
                                        .plus(Duration.ofMinutes(2))
                                        .atOffset(java.time.ZoneOffset.UTC)))
                        .body(response.body().string())
                        .build();
            } catch (java.io.IOException e) {
                return FakeServer.text(502, e.toString());
            }
        })) {
            ProbeResult result =
                    run(matching(Duration.ofSeconds(2)), "synthetic-alert-routing", skewed.url(), prometheus);

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("is pending").contains("no synthetic alert was sent");
            assertThat(forwarded).contains("POST /api/v2/silences").doesNotContain("POST /api/v2/alerts");
        }
    }

    @Test
    void syntheticAlertsAreRoutedAsConfiguredAndNotifyNobody() throws Exception {
        BootstrapConfig config = matching(PASS);
        EndpointProbeContext context =
                ProbeTesting.context(config, Map.of("alertmanager", alertmanager.url(), "prometheus", prometheus));

        ProbeResult result = ProbeTesting.run(probe(config, "synthetic-alert-routing"), context);

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .contains("default -> [default]")
                .contains("route-1 {severity=critical} -> [team-critical]")
                .contains("not exercised (matchers too complex to satisfy): route 0 [alertname=\"Watchdog\"] -> null");
        assertThat(result.evidence().facts())
                .containsKeys("silence.id", "silence.startsAt", "silence.state", "sent.alerts");
        assertThat(result.evidence().facts().get("silence.state")).startsWith("active on 1 replica(s)");

        // a control alert that is not silenced reaches the team-critical webhook; by then the (earlier, silenced)
        // synthetic alerts would have been notified too, had the silence not held
        postAlert(
                alertmanager.url(),
                "{\"alertname\":\"ControlAlert\",\"severity\":\"critical\",\"run\":\"" + context.runId() + "\"}");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        notifications.stream().anyMatch(n -> n.startsWith("/critical ") && n.contains("ControlAlert")));
        assertThat(notifications).noneMatch(n -> n.contains("\"obs_bootstrap_run\":\"" + context.runId() + "\""));
    }

    @Test
    void syntheticAlertsFailWhenAlertmanagerRoutesDifferently() throws Exception {
        BootstrapConfig config = config(
                FAIL,
                List.of("default", "team-critical"),
                "default",
                List.of(new Route(List.of("team=\"db\""), "team-critical", false)));

        ProbeResult result = run(config, "synthetic-alert-routing", alertmanager.url(), prometheus);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("route-0 {team=db} -> [default], expected [team-critical]");
        assertThat(result.hint()).contains("route tree differs");
    }

    @Test
    void syntheticAlertsFailNamingAlertmanagerWhenNothingAnswers() throws Exception {
        HttpUrl closed = nothingListens();

        ProbeResult result = run(matching(FAIL), "synthetic-alert-routing", closed, prometheus);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Alertmanager did not answer: GET " + closed + "api/v2/status");
    }

    @Test
    void grafanaReadsThisAlertmanagerThroughItsDatasource() throws Exception {
        try (FakeGrafana grafana = new FakeGrafana("admin", "pw")
                .datasource("obs-alertmanager", "alertmanager", alertmanager.url(), Map.of())) {
            ProbeResult result = ProbeTesting.run(
                    probe(matching(PASS), "grafana-datasource-alertmanager"),
                    ProbeTesting.context(
                            matching(PASS),
                            Map.of("grafana", grafana.url(), "alertmanager", alertmanager.url()),
                            Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "pw")));

            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(result.lastObserved()).contains("reads this Alertmanager's status (version 0.25");
        }
    }

    @Test
    void grafanasAlertmanagerDatasourceFailsWhenItsAlertmanagerIsUnreachable() throws Exception {
        try (FakeGrafana grafana = new FakeGrafana("admin", "pw")
                .datasource("obs-alertmanager", "alertmanager", nothingListens(), Map.of())) {
            ProbeResult result = ProbeTesting.run(
                    probe(matching(FAIL), "grafana-datasource-alertmanager"),
                    ProbeTesting.context(
                            matching(FAIL),
                            Map.of("grafana", grafana.url(), "alertmanager", alertmanager.url()),
                            Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "pw")));

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved())
                    .contains("did not reach Alertmanager")
                    .contains("502");
        }
    }

    @Test
    void deliveryIsOffUnlessTheProfileAsksForIt() {
        assertThat(new AlertingPhase().probes(matching(PASS)))
                .extracting(Probe::name)
                .doesNotContain("alert-delivery-webhook");
        assertThat(new AlertingPhase().probes(withDelivery(PASS, DELIVERY_PORT)))
                .extracting(Probe::name)
                .contains("alert-delivery-webhook");
    }

    @Test
    void alertmanagerDeliversTheRunsAlertToTheProbesWebhook() throws Exception {
        BootstrapConfig config = withDelivery(PASS, DELIVERY_PORT);

        ProbeResult result = run(config, "alert-delivery-webhook", alertmanager.url(), prometheus);

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.evidence().measured()).isTrue();
        System.out.printf(
                "alert-delivery-webhook write-to-read latency on Alertmanager 0.25: %d ms%n",
                result.evidence().writeToRead().toMillis());
        assertThat(notifications).noneMatch(n -> n.contains("ObsBootstrapDeliveryProbe"));
    }

    @Test
    void deliveryFailsWhenAlertmanagerCannotReachTheProbesWebhook() throws Exception {
        // the probe listens elsewhere than where Alertmanager delivers
        BootstrapConfig config = withDelivery(Duration.ofSeconds(4), LocalProcess.freePort());

        ProbeResult result = run(config, "alert-delivery-webhook", alertmanager.url(), prometheus);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("no notification reached the webhook");
        assertThat(result.hint()).contains("alertmanager_notifications_failed_total");
    }
}
