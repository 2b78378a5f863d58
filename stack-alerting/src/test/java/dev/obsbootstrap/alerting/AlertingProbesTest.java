package dev.obsbootstrap.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.alerting.AlertingSettings.Receiver;
import dev.obsbootstrap.alerting.AlertingSettings.ReceiverType;
import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakePrometheus;
import dev.obsbootstrap.core.testing.FakeServer;
import dev.obsbootstrap.core.testing.LocalAlertmanager;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.LocalPrometheus;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting phase probes against real processes: Alertmanager 0.25 with webhook receivers pointing at a local
 * fake (so routing and notification are real), a Prometheus 2.42 that fires Watchdog into it, a second Prometheus
 * with a broken rule and no Alertmanager, and a second Alertmanager nobody sends to.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertingProbesTest {
    private static final Duration PASS = Duration.ofSeconds(20);
    private static final Duration FAIL = Duration.ofSeconds(1);

    /** How the operator names the stack's PrometheusRule files (namespace monitoring, kube-prometheus-stack fullname obs). */
    static final String STACK_RULES_FILE = "monitoring-obs-general.rules-0a1b2c.yaml";

    static final String FOREIGN_RULES_FILE = "other-team-broken-9f8e7d.yaml";
    static final int DELIVERY_PORT = LocalProcess.freePort();

    static final String BROKEN_RULES = """
            groups:
              - name: obs-bootstrap-broken
                rules:
                  - alert: DuplicateSeries
                    expr: vector(1) * on() group_left() (vector(2) or label_replace(vector(3), "x", "y", "", ""))
            """;

    @TempDir
    static Path dir;

    static FakeServer webhook;
    static final List<String> notifications = Collections.synchronizedList(new ArrayList<>());
    static LocalAlertmanager alertmanager;
    static LocalAlertmanager lonelyAlertmanager;
    static LocalPrometheus prometheus;
    static LocalPrometheus brokenPrometheus;
    static Instant prometheusStarted;

    @BeforeAll
    static void start() {
        webhook = new FakeServer("webhook", request -> {
            notifications.add(FakeServer.path(request) + " " + FakeServer.body(request));
            return FakeServer.json(200, "{}");
        });
        alertmanager = LocalAlertmanager.start(dir.resolve("alertmanager"), alertmanagerConfig(webhook.url()));
        lonelyAlertmanager =
                LocalAlertmanager.start(dir.resolve("alertmanager-lonely"), alertmanagerConfig(webhook.url()));
        brokenPrometheus = LocalPrometheus.builder(dir.resolve("prometheus-broken"))
                .rules(STACK_RULES_FILE, LocalPrometheus.WATCHDOG_RULES)
                .rules(FOREIGN_RULES_FILE, BROKEN_RULES)
                .start();
        // started last, so the first test (the Watchdog probe) sees the Watchdog arrive rather than find it there
        prometheusStarted = Instant.now();
        prometheus = LocalPrometheus.builder(dir.resolve("prometheus"))
                .alertmanager(alertmanager.hostPort())
                .rules(STACK_RULES_FILE, LocalPrometheus.WATCHDOG_RULES)
                .start();
    }

    static String alertmanagerConfig(HttpUrl webhook) {
        return """
                route:
                  receiver: default
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                  routes:
                    - matchers: ['obs_bootstrap_delivery="true"']
                      receiver: obs-bootstrap-delivery
                      group_wait: 1s
                    - matchers: ['alertname="Watchdog"']
                      receiver: "null"
                    - matchers: ['severity="critical"']
                      receiver: team-critical
                receivers:
                  - name: default
                    webhook_configs: [{url: '%sdefault'}]
                  - name: team-critical
                    webhook_configs: [{url: '%scritical'}]
                  - name: obs-bootstrap-delivery
                    webhook_configs: [{url: 'http://127.0.0.1:%d/', send_resolved: false}]
                  - name: "null"
                """.formatted(webhook, webhook, DELIVERY_PORT);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable :
                new AutoCloseable[] {brokenPrometheus, prometheus, lonelyAlertmanager, alertmanager, webhook}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // keep stopping the others
                }
            }
        }
    }

    /** Webhook receivers by name, a default receiver, and child routes. */
    static AlertingSettings webhooks(List<String> receivers, String defaultReceiver, List<Route> routes) {
        return new AlertingSettings(
                receivers.stream()
                        .map(r -> new Receiver(r, ReceiverType.WEBHOOK, Map.of(), Map.of()))
                        .toList(),
                defaultReceiver,
                routes,
                List.of("alertname"));
    }

    /** The config obs-bootstrap would have rendered into the Alertmanager above. */
    private static BootstrapConfig config(
            Duration deadline, List<String> receivers, String defaultReceiver, List<Route> routes) {
        return TestConfigs.builder()
                .probeDeadline(deadline)
                .section(new AlertingSection(), webhooks(receivers, defaultReceiver, routes))
                .build();
    }

    private static BootstrapConfig matching(Duration deadline) {
        return config(
                deadline,
                List.of("default", "team-critical", "null"),
                "default",
                List.of(
                        new Route(List.of("alertname=\"Watchdog\""), "null", false),
                        new Route(List.of("severity=\"critical\""), "team-critical", false)));
    }

    /** The same config, with the opt-in delivery probe listening where this Alertmanager delivers (or elsewhere). */
    private static BootstrapConfig withDelivery(Duration deadline, int listenPort) {
        return TestConfigs.builder()
                .probeDeadline(deadline)
                .section(
                        new AlertingSection(),
                        webhooks(
                                List.of("default", "team-critical", "null"),
                                "default",
                                List.of(
                                        new Route(List.of("alertname=\"Watchdog\""), "null", false),
                                        new Route(List.of("severity=\"critical\""), "team-critical", false))))
                .settings(Map.of(
                        "probes",
                        Map.of(
                                "deliveryWebhook",
                                Map.of(
                                        "listen",
                                        "127.0.0.1:" + listenPort,
                                        "url",
                                        "http://127.0.0.1:" + listenPort + "/"))))
                .build();
    }

    private static Probe probe(BootstrapConfig config, String name) {
        return new AlertingPhase()
                .probes(config).stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElseThrow();
    }

    private static ProbeResult run(BootstrapConfig config, String name, HttpUrl alertmanagerUrl, HttpUrl prometheusUrl)
            throws InterruptedException {
        EndpointProbeContext context =
                ProbeTesting.context(config, Map.of("alertmanager", alertmanagerUrl, "prometheus", prometheusUrl));
        return ProbeTesting.run(probe(config, name), context);
    }

    private static HttpUrl nothingListens() {
        return HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");
    }

    @Test
    @Order(1)
    void watchdogArrivesFromPrometheus() throws Exception {
        ProbeResult result = run(matching(PASS), "watchdog-in-alertmanager", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .startsWith("Watchdog fresh in Alertmanager: received ")
                .endsWith("routed to [null]");
        assertThat(result.evidence().facts().get("found.explicit URL"))
                .contains("updatedAt")
                .contains("(Alertmanager's clock)");
        System.out.printf(
                "Watchdog reached Alertmanager %d ms after Prometheus was started (probe: %d tries, %d ms)%n",
                Duration.between(prometheusStarted, Instant.now()).toMillis(),
                result.attempts(),
                result.duration().toMillis());
    }

    @Test
    void watchdogFailsWhenPrometheusKnowsNoAlertmanager() throws Exception {
        ProbeResult result = run(
                matching(Duration.ofSeconds(2)),
                "watchdog-in-alertmanager",
                lonelyAlertmanager.url(),
                brokenPrometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("Watchdog is not in Alertmanager: GET ")
                .contains("-> 200 '[]'")
                .contains("Prometheus: Watchdog firing, sends alerts to no Alertmanager");
        assertThat(result.hint()).contains("knows no Alertmanager").contains("obs-alertmanager.monitoring.svc:9093");
    }

    @Test
    void watchdogFailsWhenPrometheusDoesNotFireIt() throws Exception {
        // what a Prometheus without the default rules answers
        try (FakeServer noRules = new FakeServer("prometheus", request -> switch (FakeServer.path(request)) {
            case "/api/v1/alerts" -> FakeServer.json(200, "{\"status\":\"success\",\"data\":{\"alerts\":[]}}");
            case "/api/v1/alertmanagers" ->
                FakeServer.json(
                        200,
                        "{\"status\":\"success\",\"data\":{\"activeAlertmanagers\":"
                                + "[{\"url\":\"http://10.0.0.9:9093/api/v2/alerts\"}],\"droppedAlertmanagers\":[]}}");
            default -> FakeServer.text(404, "404 page not found");
        })) {
            ProbeResult result =
                    run(matching(FAIL), "watchdog-in-alertmanager", lonelyAlertmanager.url(), noRules.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("Watchdog not firing");
            assertThat(result.hint()).contains("defaultRules").contains("ruleSelectorNilUsesHelmValues");
        }
    }

    @Test
    void watchdogFailsNamingAlertmanagerWhenItIsStopped() throws Exception {
        LocalAlertmanager stopped =
                LocalAlertmanager.start(dir.resolve("alertmanager-stopped"), alertmanagerConfig(webhook.url()));
        HttpUrl url = stopped.url();
        stopped.close();

        ProbeResult result = run(matching(FAIL), "watchdog-in-alertmanager", url, prometheus.url());

        assertThat(stopped.isAlive()).isFalse();
        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("Alertmanager did not answer: GET " + url + "api/v2/alerts?filter=alertname")
                .contains("-> no answer (")
                .contains("onnect");
        assertThat(result.hint()).contains("Alertmanager is not reachable at endpoint 'alertmanager'");
    }

    @Test
    void alertmanagerReadyPasses() throws Exception {
        ProbeResult result = run(matching(PASS), "alertmanager-ready", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).isTrue();
        assertThat(result.lastObserved()).contains("/-/ready -> 200");
    }

    @Test
    void alertmanagerReadyFailsWhenNothingAnswers() throws Exception {
        HttpUrl closed = nothingListens();

        ProbeResult result = run(matching(FAIL), "alertmanager-ready", closed, prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Alertmanager did not answer: GET " + closed + "-/ready");
    }

    @Test
    void receiversPassWhenAlertmanagerRunsTheConfiguredRouting() throws Exception {
        ProbeResult result = run(matching(PASS), "alertmanager-receivers", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .isEqualTo(
                        "Alertmanager has receivers [default, team-critical, obs-bootstrap-delivery, null]; top route -> default");
    }

    @Test
    void receiversFailNamingTheMissingReceiverAndTheWrongDefault() throws Exception {
        BootstrapConfig config = config(FAIL, List.of("default", "pagerduty-oncall"), "pagerduty-oncall", List.of());

        ProbeResult result = run(config, "alertmanager-receivers", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .contains("missing receivers [pagerduty-oncall]")
                .contains("top route sends to 'default', the config's default receiver is 'pagerduty-oncall'")
                .doesNotContain("webhook_configs")
                .doesNotContain(webhook.url().toString());
    }

    @Test
    void aWatchdogThatStoppedArrivingFailsWhileAlertmanagerStillShowsItActive() throws Exception {
        // finding 12: what Alertmanager answers 3 minutes after Prometheus' last send: active (endsAt = last send +
        // 4m),
        // updatedAt 3 minutes behind its own clock (the Date of the answer)
        Instant lastSend = Instant.now().minus(Duration.ofMinutes(3));
        String alert =
                "[{\"labels\":{\"alertname\":\"Watchdog\",\"severity\":\"none\"},\"annotations\":{},\"startsAt\":\""
                        + lastSend.minus(Duration.ofHours(1)) + "\",\"updatedAt\":\"" + lastSend + "\",\"endsAt\":\""
                        + lastSend.plus(Duration.ofMinutes(4))
                        + "\",\"fingerprint\":\"6934731368443c07\",\"receivers\":[{\"name\":\"null\"}],\"status\":{\"state\":\"active\",\"silencedBy\":[],"
                        + "\"inhibitedBy\":[],\"mutedBy\":[]}}]";
        try (FakeServer stale = new FakeServer("alertmanager", request -> FakeServer.json(200, alert))) {
            ProbeResult result = run(matching(FAIL), "watchdog-in-alertmanager", stale.url(), prometheus.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved())
                    .contains("Watchdog in Alertmanager is stale")
                    .contains("more than 120s");
            assertThat(result.hint()).contains("stopped delivering alerts");
        }
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
                    run(matching(Duration.ofSeconds(2)), "synthetic-alert-routing", skewed.url(), prometheus.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).contains("is pending").contains("no synthetic alert was sent");
            assertThat(forwarded).contains("POST /api/v2/silences").doesNotContain("POST /api/v2/alerts");
        }
    }

    @Test
    void syntheticAlertsAreRoutedAsConfiguredAndNotifyNobody() throws Exception {
        BootstrapConfig config = matching(PASS);
        EndpointProbeContext context = ProbeTesting.context(
                config, Map.of("alertmanager", alertmanager.url(), "prometheus", prometheus.url()));

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

        ProbeResult result = run(config, "synthetic-alert-routing", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("route-0 {team=db} -> [default], expected [team-critical]");
        assertThat(result.hint()).contains("route tree differs");
    }

    @Test
    void syntheticAlertsFailNamingAlertmanagerWhenNothingAnswers() throws Exception {
        HttpUrl closed = nothingListens();

        ProbeResult result = run(matching(FAIL), "synthetic-alert-routing", closed, prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).startsWith("Alertmanager did not answer: GET " + closed + "api/v2/status");
    }

    @Test
    void rulesPassWhenEveryRuleEvaluates() throws Exception {
        ProbeResult result = run(matching(PASS), "prometheus-rules-healthy", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved()).isEqualTo("1 rule group(s) of the stack, 2 rule(s), all healthy");
    }

    @Test
    void anotherTeamsBrokenRuleDoesNotFailTheStacksRules() throws Exception {
        // finding 14: Prometheus loads every namespace's PrometheusRules; only the stack's files decide
        ProbeResult result = run(
                matching(Duration.ofSeconds(5)),
                "prometheus-rules-healthy",
                alertmanager.url(),
                brokenPrometheus.url());

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.lastObserved())
                .contains("not the stack's, ignored: 1 failing rule(s)")
                .contains(FOREIGN_RULES_FILE);
    }

    @Test
    void rulesFailWithTheEvaluationErrorWhenTheBrokenRuleIsTheStacks() throws Exception {
        RulesHealthyProbe everyFileIsOurs = new RulesHealthyProbe(Duration.ofSeconds(3), topology -> file -> true);

        ProbeResult result = ProbeTesting.run(
                everyFileIsOurs,
                ProbeTesting.context(
                        matching(FAIL),
                        Map.of("alertmanager", alertmanager.url(), "prometheus", brokenPrometheus.url())));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith(
                        "1 of 3 rule(s) fail to evaluate: obs-bootstrap-broken/DuplicateSeries: found duplicate series");
        assertThat(result.hint()).contains("PrometheusRule");
    }

    @Test
    void rulesFailWhenNoGroupIsLoaded() throws Exception {
        try (FakeServer noRules = new FakeServer(
                "prometheus", request -> FakeServer.json(200, "{\"status\":\"success\",\"data\":{\"groups\":[]}}"))) {
            ProbeResult result = run(matching(FAIL), "prometheus-rules-healthy", alertmanager.url(), noRules.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved()).startsWith("Prometheus has none of the stack's rule groups loaded");
            assertThat(result.hint()).contains("ruleSelectorNilUsesHelmValues");
        }
    }

    // grafana-datasource-alertmanager

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

    // prometheus-scrapes-alertmanager

    @Test
    void alertmanagerIsScrapedByPrometheus() throws Exception {
        try (FakePrometheus operatorPrometheus =
                new FakePrometheus().target("serviceMonitor/monitoring/obs-alertmanager-alertmanager/0", "up", "")) {
            ProbeResult result = run(
                    matching(PASS), "prometheus-scrapes-alertmanager", alertmanager.url(), operatorPrometheus.url());

            assertThat(result.passed()).as(result.toString()).isTrue();
        }
    }

    @Test
    void alertmanagerScrapeFailsWithoutItsServiceMonitor() throws Exception {
        try (FakePrometheus operatorPrometheus = new FakePrometheus()) {
            ProbeResult result = run(
                    matching(FAIL), "prometheus-scrapes-alertmanager", alertmanager.url(), operatorPrometheus.url());

            assertThat(result.passed()).isFalse();
            assertThat(result.hint()).contains("alertmanager values must enable serviceMonitor");
        }
    }

    // alert-delivery-webhook (opt-in)

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

        ProbeResult result = run(config, "alert-delivery-webhook", alertmanager.url(), prometheus.url());

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

        ProbeResult result = run(config, "alert-delivery-webhook", alertmanager.url(), prometheus.url());

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved()).contains("no notification reached the webhook");
        assertThat(result.hint()).contains("alertmanager_notifications_failed_total");
    }

    private static void postAlert(HttpUrl alertmanager, String labelsJson) throws Exception {
        Instant now = Instant.now();
        String body = "[{\"labels\":" + labelsJson + ",\"startsAt\":\"" + now + "\",\"endsAt\":\""
                + now.plusSeconds(300) + "\"}]";
        try (Response response = new OkHttpClient()
                .newCall(new Request.Builder()
                        .url(alertmanager.resolve("/api/v2/alerts"))
                        .post(RequestBody.create(body, MediaType.get("application/json")))
                        .build())
                .execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
    }
}
