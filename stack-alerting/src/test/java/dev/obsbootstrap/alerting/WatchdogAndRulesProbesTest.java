package dev.obsbootstrap.alerting;

import static dev.obsbootstrap.alerting.AlertingProbeFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.FakePrometheus;
import dev.obsbootstrap.core.testing.FakeServer;
import dev.obsbootstrap.core.testing.LocalAlertmanager;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.LocalPrometheus;
import dev.obsbootstrap.core.testing.ProbeTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting phase's Prometheus-side probes against real processes: a Prometheus 2.42 that fires Watchdog into an
 * Alertmanager 0.25, a second Prometheus with a broken rule and no Alertmanager, and a second Alertmanager nobody sends
 * to. {@link AlertmanagerProbesTest} has the probes that read Alertmanager alone; the two classes run in forks of
 * their own, at once.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchdogAndRulesProbesTest {
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
    static LocalAlertmanager alertmanager;
    static LocalAlertmanager lonelyAlertmanager;
    static LocalPrometheus prometheus;
    static LocalPrometheus brokenPrometheus;
    static Instant prometheusStarted;

    @BeforeAll
    static void start() {
        // Watchdog routes to the null receiver: nothing reaches this webhook
        webhook = new FakeServer("webhook", request -> FakeServer.json(200, "{}"));
        // the lonely Alertmanager and the broken Prometheus start while the pair that works together does: each start
        // waits until its process is ready, and a Prometheus lists its first scrape target only after the 5 s tick of
        // its target discovery (prometheus v2.42.0 discovery/manager.go, updatert)
        CompletableFuture<LocalAlertmanager> lonely = CompletableFuture.supplyAsync(
                () -> LocalAlertmanager.start(dir.resolve("alertmanager-lonely"), alertmanagerConfig(webhook.url())));
        CompletableFuture<LocalPrometheus> broken =
                CompletableFuture.supplyAsync(() -> LocalPrometheus.builder(dir.resolve("prometheus-broken"))
                        .rules(STACK_RULES_FILE, LocalPrometheus.WATCHDOG_RULES)
                        .rules(FOREIGN_RULES_FILE, BROKEN_RULES)
                        .start());
        try {
            alertmanager = LocalAlertmanager.start(dir.resolve("alertmanager"), alertmanagerConfig(webhook.url()));
            // after its Alertmanager, so the first test (the Watchdog probe) sees the Watchdog arrive rather than find
            // it there
            prometheusStarted = Instant.now();
            prometheus = LocalPrometheus.builder(dir.resolve("prometheus"))
                    .alertmanager(alertmanager.hostPort())
                    .rules(STACK_RULES_FILE, LocalPrometheus.WATCHDOG_RULES)
                    .start();
        } finally {
            // joined even when a start failed, so that @AfterAll stops every process that did start
            lonelyAlertmanager = joined(lonely);
            brokenPrometheus = joined(broken);
        }
        for (CompletableFuture<?> start : List.of(lonely, broken)) {
            try {
                start.join();
            } catch (CompletionException e) {
                // as thrown on this thread: a missing binary is a skip (an assumption), not an error
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }

    private static <T> T joined(CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            return null;
        }
    }

    @AfterAll
    static void stop() {
        stopAll(brokenPrometheus, prometheus, lonelyAlertmanager, alertmanager, webhook);
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
}
