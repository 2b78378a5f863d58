package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.LocalAlertmanager;
import dev.obsbootstrap.core.testing.LocalPrometheus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "done when", automated: `verify --phase alerting` with the real alerting probes against a real
 * Prometheus (firing Watchdog) and Alertmanager passes, and with Alertmanager stopped fails naming it.
 * The Prometheus is set up the way the operator would configure it for the stack: the Watchdog rule in a file named
 * as the operator names the stack's PrometheusRule files, and Alertmanager scraped under the job name the operator
 * gives its ServiceMonitor's endpoint; Grafana is a fake (anonymous admin) whose Alertmanager datasource is the real one.
 * Skipped (failed under CI=true) when the Debian binaries are missing.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyAlertingRealProcessesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ALERTMANAGER_CONFIG = """
            route:
              receiver: "null"
              group_wait: 1s
              group_interval: 5s
            receivers:
              - name: "null"
            """;

    @TempDir
    static Path dir;

    static LocalAlertmanager alertmanager;
    static LocalPrometheus prometheus;
    static FakeGrafana grafana;

    @BeforeAll
    static void start() {
        alertmanager = LocalAlertmanager.start(dir.resolve("alertmanager"), ALERTMANAGER_CONFIG);
        prometheus = LocalPrometheus.builder(dir.resolve("prometheus"))
                .rules("observability-obs-general.rules-5f1c.yaml", LocalPrometheus.WATCHDOG_RULES)
                .scrapeJob("serviceMonitor/observability/obs-alertmanager-alertmanager/0", alertmanager.hostPort())
                .alertmanager(alertmanager.hostPort())
                .start();
        grafana = new FakeGrafana("admin", "not-used")
                .anonymousAdmin()
                .datasource("obs-alertmanager", "alertmanager", alertmanager.url(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (grafana != null) {
            grafana.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
    }

    @Test
    @Order(1)
    void passesAgainstAWorkingPrometheusAndAlertmanager() throws Exception {
        Path junit = dir.resolve("pass.xml");

        Result result = run(
                "verify",
                "--phase",
                "alerting",
                "-o",
                "json",
                "--junit",
                junit.toString(),
                "--endpoint",
                "prometheus=" + prometheus.url(),
                "--endpoint",
                "alertmanager=" + alertmanager.url(),
                "--endpoint",
                "grafana=" + grafana.url());

        assertThat(result.code).as(result.err).isZero();
        JsonNode alerting = phase(JSON.readTree(result.out), "alerting");
        assertThat(alerting.get("status").asString()).isEqualTo("VERIFIED");
        assertThat(alerting.get("probes"))
                .isNotEmpty()
                .allMatch(p -> p.get("passed").asBoolean());
        // the evidence of this run is in the report: the silence confirmed active, the Watchdog's receipt on
        // Alertmanager's clock
        JsonNode routing = probe(alerting, "synthetic-alert-routing");
        assertThat(routing.get("evidence").get("silence.state").asString()).startsWith("active on 1 replica(s)");
        assertThat(probe(alerting, "watchdog-in-alertmanager").get("evidence").toString())
                .contains("(Alertmanager's clock)");
        Document xml = parse(junit);
        Element suite = suite(xml, "alerting");
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getAttribute("tests"))
                .isEqualTo(Integer.toString(alerting.get("probes").size()));
    }

    @Test
    @Order(2)
    void failsNamingAlertmanagerOnceItIsStopped() throws Exception {
        alertmanager.close();
        Path junit = dir.resolve("fail.xml");

        Result result = run(
                "verify",
                "--phase",
                "alerting",
                "-o",
                "json",
                "--junit",
                junit.toString(),
                "--timeout",
                "3s",
                "--endpoint",
                "prometheus=" + prometheus.url(),
                "--endpoint",
                "alertmanager=" + alertmanager.url(),
                "--endpoint",
                "grafana=" + grafana.url());

        assertThat(result.code).as(result.err).isEqualTo(1);
        JsonNode alerting = phase(JSON.readTree(result.out), "alerting");
        assertThat(alerting.get("status").asString()).isEqualTo("VERIFY_FAILED");
        JsonNode ready = alerting.get("probes").get(0);
        assertThat(ready.get("name").asString()).isEqualTo("alertmanager-ready");
        assertThat(ready.get("passed").asBoolean()).isFalse();
        assertThat(ready.get("lastObserved").asString())
                .contains("Alertmanager")
                .contains(alertmanager.url().host() + ":" + alertmanager.url().port());
        Element suite = suite(parse(junit), "alerting");
        assertThat(Integer.parseInt(suite.getAttribute("failures"))).isPositive();
    }

    private static JsonNode probe(JsonNode phase, String name) {
        for (JsonNode probe : phase.get("probes")) {
            if (probe.get("name").asString().equals(name)) {
                return probe;
            }
        }
        throw new AssertionError("no probe " + name + " in " + phase);
    }

    private static JsonNode phase(JsonNode report, String id) {
        for (JsonNode phase : report.get("phases")) {
            if (phase.get("id").asString().equals(id)) {
                return phase;
            }
        }
        throw new AssertionError("no phase " + id + " in " + report);
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static Element suite(Document xml, String name) {
        NodeList suites = xml.getElementsByTagName("testsuite");
        for (int i = 0; i < suites.getLength(); i++) {
            Element suite = (Element) suites.item(i);
            if (suite.getAttribute("name").equals(name)) {
                return suite;
            }
        }
        throw new AssertionError("no testsuite " + name);
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ObsBootstrapCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {}
}
