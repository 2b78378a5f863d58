package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * verify end to end through picocli, against fake Prometheus and Alertmanager endpoints. The phases are small test
 * phases (the real ones' probes are tested in their modules), except where the real plan is the point.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifyCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockWebServer prometheus = new MockWebServer();
    private final MockWebServer alertmanager = new MockWebServer();
    private volatile int alertmanagerStatus = 200;

    @TempDir
    Path work;

    @BeforeEach
    void startFakes() throws Exception {
        prometheus.setDispatcher(answer(() -> 200, "Prometheus Server is Ready."));
        alertmanager.setDispatcher(answer(() -> alertmanagerStatus, "OK"));
        prometheus.start();
        alertmanager.start();
    }

    @AfterEach
    void stopFakes() {
        prometheus.close();
        alertmanager.close();
    }

    private static Dispatcher answer(java.util.function.IntSupplier status, String body) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder()
                        .code(status.getAsInt())
                        .body(body)
                        .build();
            }
        };
    }

    @Test
    void allProbesPassingExitsZeroWithJsonOnStdoutAndAJUnitFile() throws Exception {
        Path junit = work.resolve("reports/verify.xml");

        Result result = run(
                testPhases(),
                "verify",
                "--output",
                "json",
                "--junit",
                junit.toString(),
                "--endpoint",
                "prometheus=" + prometheus.url("/"),
                "--endpoint",
                "alertmanager=" + alertmanager.url("/"));

        assertThat(result.code).as(result.err).isZero();
        JsonNode json = JSON.readTree(result.out);
        assertThat(json.get("command").asString()).isEqualTo("verify");
        assertThat(json.get("exitCode").asInt()).isZero();
        assertThat(statuses(json)).containsExactly("alpha=VERIFIED", "beta=VERIFIED", "gamma=DISABLED");
        assertThat(json.get("phases").get(0).get("probes").get(0).get("name").asString())
                .isEqualTo("prometheus-ready");
        Document xml = parseXml(junit);
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(xml.getDocumentElement().getAttribute("tests")).isEqualTo("3");
        assertThat(result.err).contains("JUnit report written to " + junit);
    }

    @Test
    void aFailingProbeExitsOneAndNamesTheEndpointAndWhatItTried() throws Exception {
        alertmanagerStatus = 503;
        Path junit = work.resolve("verify.xml");

        Result result = run(
                testPhases(),
                "verify",
                "-o",
                "json",
                "--junit",
                junit.toString(),
                "--endpoint",
                "prometheus=" + prometheus.url("/"),
                "--endpoint",
                "alertmanager=" + alertmanager.url("/"));

        assertThat(result.code).as(result.err).isEqualTo(1);
        JsonNode json = JSON.readTree(result.out);
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(statuses(json)).containsExactly("alpha=VERIFIED", "beta=VERIFY_FAILED", "gamma=DISABLED");
        JsonNode beta = json.get("phases").get(1);
        assertThat(beta.get("detail").asString()).isEqualTo("1 of 1 probes failed: alertmanager-ready");
        JsonNode probe = beta.get("probes").get(0);
        assertThat(probe.get("passed").asBoolean()).isFalse();
        assertThat(probe.get("lastObserved").asString()).contains("alertmanager", "/-/ready", "503");
        assertThat(probe.get("attempts").asInt()).isPositive();

        Document xml = parseXml(junit);
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) xml.getElementsByTagName("failure").item(0);
        assertThat(((Element) failure.getParentNode()).getAttribute("name")).isEqualTo("alertmanager-ready");
        assertThat(failure.getAttribute("message")).contains("503");
    }

    @Test
    void textIsTheDefaultOutput() {
        Result result = run(
                testPhases(),
                "verify",
                "--endpoint",
                "prometheus=" + prometheus.url("/"),
                "--endpoint",
                "alertmanager=" + alertmanager.url("/"));

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out)
                .startsWith("obs-bootstrap verify  run obs-")
                .contains("alpha  VERIFIED")
                .endsWith("Result: ok (exit 0), 2 verified, 1 disabled\n");
        assertThat(result.err).as("progress goes to stderr, never stdout").contains("[alpha]");
    }

    @Test
    void phaseSelectsPhasesAndTheOthersAreReportedSkipped() throws Exception {
        Result result = run(
                testPhases(),
                "verify",
                "-o",
                "json",
                "--phase",
                "beta",
                "--endpoint",
                "alertmanager=" + alertmanager.url("/"));

        assertThat(result.code).as(result.err).isZero();
        JsonNode json = JSON.readTree(result.out);
        assertThat(statuses(json)).containsExactly("alpha=SKIPPED", "beta=VERIFIED", "gamma=SKIPPED");
        assertThat(json.get("phases").get(0).get("detail").asString()).isEqualTo("not selected (--phase beta)");
        assertThat(prometheus.getRequestCount())
                .as("an unselected phase sends nothing")
                .isZero();
    }

    @Test
    void aDisabledPhaseNamedWithPhaseRunsAnyway() throws Exception {
        Result result = run(
                testPhases(),
                "verify",
                "-o",
                "json",
                "--phase",
                "gamma",
                "--endpoint",
                "prometheus=" + prometheus.url("/"));

        assertThat(result.code).as(result.err).isZero();
        assertThat(statuses(JSON.readTree(result.out)))
                .containsExactly("alpha=SKIPPED", "beta=SKIPPED", "gamma=VERIFIED");
    }

    @Test
    void aProbeWhoseEndpointWasNotGivenFailsSayingWhichIsMissing() throws Exception {
        Result result = run(testPhases(), "verify", "-o", "json", "--endpoint", "prometheus=" + prometheus.url("/"));

        assertThat(result.code).as(result.err).isEqualTo(1);
        JsonNode probe =
                JSON.readTree(result.out).get("phases").get(1).get("probes").get(0);
        assertThat(probe.get("lastObserved").asString() + probe.get("hint").asString())
                .contains("alertmanager", "--endpoint");
    }

    @Test
    void anUnknownPhaseIsBadInputNamingTheKnownOnes() {
        Result result = run(null, "verify", "--phase", "tracing", "--endpoint", "prometheus=" + prometheus.url("/"));

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("--phase tracing", "crds", "metrics", "logs", "traces", "alerting");
        assertThat(result.out)
                .as("the report says why nothing ran")
                .contains("Result: bad input (exit 2)", "unknown phase 'tracing'");
        assertThat(prometheus.getRequestCount()).isZero();
    }

    @Test
    void aMalformedEndpointIsBadInput() {
        Result noEquals = run(testPhases(), "verify", "--endpoint", "prometheus");
        Result unknownName = run(testPhases(), "verify", "--endpoint", "promethus=http://127.0.0.1:9090");
        Result notAUrl = run(testPhases(), "verify", "--endpoint", "prometheus=localhost:9090");

        assertThat(noEquals.code).isEqualTo(2);
        assertThat(noEquals.err).contains("NAME=URL");
        assertThat(unknownName.code).isEqualTo(2);
        assertThat(unknownName.err).contains("promethus", "prometheus");
        assertThat(notAUrl.code).isEqualTo(2);
        for (Result result : List.of(noEquals, unknownName, notAUrl)) {
            assertThat(result.out).as("a report with the error, for CI").contains("Result: bad input (exit 2)");
        }
    }

    @Test
    void aJUnitPathThatIsADirectoryIsRefusedBeforeAnythingRuns() {
        Result result = run(
                testPhases(), "verify", "--junit", work.toString(), "--endpoint", "prometheus=" + prometheus.url("/"));

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("--junit", "directory");
        assertThat(prometheus.getRequestCount()).isZero();
    }

    @Test
    void secretsInProbeOutputAreRedactedInEveryReport() throws Exception {
        Path junit = work.resolve("v.xml");
        List<Phase> leaky = List.of(new TestPhase(
                "alpha",
                true,
                new FixedProbe(
                        "leaky",
                        ProbeAttempt.fail(
                                "GET http://admin:hunter22@grafana/api said 401 to password=hunter22",
                                "token: hunter22"))));

        Result result = run(
                leaky,
                "verify",
                "-o",
                "json",
                "--junit",
                junit.toString(),
                "--endpoint",
                "prometheus=" + prometheus.url("/"));

        assertThat(result.code).isEqualTo(1);
        assertThat(result.out).doesNotContain("hunter22").contains("<redacted>");
        assertThat(Files.readString(junit)).doesNotContain("hunter22");
    }

    @Test
    void anInterruptStopsTheProbesAndTheReportStillComesOut() throws Exception {
        Probe interrupting = new Probe() {
            @Override
            public String name() {
                return "interrupted-midway";
            }

            @Override
            public String proves() {
                return "nothing";
            }

            @Override
            public Duration deadline() {
                return Duration.ofSeconds(5);
            }

            @Override
            public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
                Thread.currentThread().interrupt(); // what Ctrl-C does to the probing thread
                throw new InterruptedException("sleep interrupted");
            }
        };
        List<Phase> phases = List.of(
                new TestPhase("alpha", true, interrupting),
                new TestPhase("beta", true, new HttpReady("alertmanager-ready", "alertmanager")));

        Result result = run(phases, "verify", "-o", "json", "--endpoint", "alertmanager=" + alertmanager.url("/"));

        assertThat(result.code).as(result.err).isEqualTo(130);
        JsonNode json = JSON.readTree(result.out);
        assertThat(statuses(json)).containsExactly("alpha=INTERRUPTED", "beta=SKIPPED");
        assertThat(json.get("phases").get(1).get("detail").asString()).contains("interrupted");
        assertThat(alertmanager.getRequestCount()).isZero();
        assertThat(Thread.currentThread().isInterrupted())
                .as("the flag does not leak out of the command")
                .isFalse();
    }

    @Test
    void aClusterOptionWithEndpointsAsksTheClusterButProbesTheGivenUrls() throws Exception {
        try (MockWebServer api = fakeApiServer()) {
            Result result = run(
                    testPhases(),
                    "verify",
                    "-o",
                    "json",
                    "--kubeconfig",
                    kubeconfig(api).toString(),
                    "--endpoint",
                    "prometheus=" + prometheus.url("/"),
                    "--endpoint",
                    "alertmanager=" + alertmanager.url("/"));

            assertThat(result.code).as(result.err).isZero();
            assertThat(result.err).contains("target: ").contains("fake");
            assertThat(api.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/version");
            assertThat(api.getRequestCount())
                    .as("overridden endpoints need no port-forward")
                    .isEqualTo(1);
        }
    }

    @Test
    void withoutEndpointsTheProbesGoThroughTheCluster() throws Exception {
        try (MockWebServer api = fakeApiServer()) {
            Result result = run(
                    testPhases(),
                    "verify",
                    "-o",
                    "json",
                    "--phase",
                    "alpha",
                    "--kubeconfig",
                    kubeconfig(api).toString());

            assertThat(result.code).as(result.err).isEqualTo(1);
            JsonNode probe =
                    JSON.readTree(result.out).get("phases").get(0).get("probes").get(0);
            assertThat(probe.get("lastObserved").asString())
                    .as("the probe tried the prometheus Service")
                    .contains("obs-prometheus");
            assertThat(prometheus.getRequestCount()).isZero();
        }
    }

    @Test
    void anUnreachableClusterIsExitThreeNamingTheServer() throws Exception {
        MockWebServer closed = new MockWebServer();
        closed.start();
        Path file = kubeconfig(closed);
        String server = "127.0.0.1:" + closed.getPort();
        closed.close();

        Result result = run(testPhases(), "verify", "--kubeconfig", file.toString());

        assertThat(result.code).as(result.err).isEqualTo(3);
        assertThat(result.err).contains(server);
        assertThat(result.out).contains("Result: cluster failure (exit 3)", server);
    }

    @Test
    void aMissingKubeconfigIsBadInput() {
        Result result = run(
                testPhases(),
                "verify",
                "--kubeconfig",
                work.resolve("nope.yaml").toString());

        assertThat(result.code).as(result.err).isEqualTo(2);
        assertThat(result.err).contains("nope.yaml");
    }

    // ---- helpers ----

    /** An API server that knows its version and nothing else (every other path is 404). */
    private static MockWebServer fakeApiServer() throws Exception {
        MockWebServer api = new MockWebServer();
        api.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ("/version".equals(request.getTarget())) {
                    return new MockResponse.Builder()
                            .code(200)
                            .setHeader("Content-Type", "application/json")
                            .body("{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.6\"}")
                            .build();
                }
                return new MockResponse.Builder()
                        .code(404)
                        .setHeader("Content-Type", "application/json")
                        .body(
                                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
                                        + "\"message\":\"" + request.getTarget() + " not found\"}")
                        .build();
            }
        });
        api.start();
        return api;
    }

    private Path kubeconfig(MockWebServer api) throws Exception {
        Path file = Files.createTempFile(work, "kubeconfig", ".yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster: {server: "http://127.0.0.1:%d"}
                contexts:
                  - name: fake
                    context: {cluster: fake, user: fake, namespace: default}
                current-context: fake
                users:
                  - name: fake
                    user: {token: not-a-real-token}
                """.formatted(api.getPort()));
        return file;
    }

    private static List<String> statuses(JsonNode json) {
        List<String> statuses = new ArrayList<>();
        for (JsonNode phase : json.get("phases")) {
            statuses.add(phase.get("id").asString() + "=" + phase.get("status").asString());
        }
        return statuses;
    }

    private static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(file.toFile());
        NodeList suites = document.getElementsByTagName("testsuite");
        for (int i = 0; i < suites.getLength(); i++) {
            Element suite = (Element) suites.item(i);
            assertThat(suite.getAttribute("tests"))
                    .isEqualTo(Integer.toString(
                            suite.getElementsByTagName("testcase").getLength()));
        }
        return document;
    }

    /** alpha probes prometheus, beta probes alertmanager, gamma is switched off unless named and probes prometheus. */
    private static List<Phase> testPhases() {
        return List.of(
                new TestPhase("alpha", true, new HttpReady("prometheus-ready", "prometheus")),
                new TestPhase("beta", true, new HttpReady("alertmanager-ready", "alertmanager")),
                new TestPhase("gamma", false, new HttpReady("prometheus-again", "prometheus")));
    }

    /** @param phases null for the phases ServiceLoader finds */
    private static Result run(List<Phase> phases, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ObsBootstrapCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        if (phases != null) {
            VerifyCommand verify = cli.getSubcommands().get("verify").getCommand();
            verify.usePhases(() -> phases);
        }
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {}

    private record TestPhase(String id, boolean enabledByDefault, Probe probe) implements Phase {
        @Override
        public String description() {
            return "test phase " + id;
        }

        @Override
        public List<String> dependsOn() {
            return List.of();
        }

        @Override
        public boolean enabled(BootstrapConfig config) {
            return enabledByDefault && config.phaseEnabled(id);
        }

        @Override
        public List<String> components(BootstrapConfig config) {
            return List.of();
        }

        @Override
        public List<Probe> probes(BootstrapConfig config) {
            return List.of(probe);
        }

        @Override
        public List<dev.obsbootstrap.core.secret.StackSecret> secrets(
                BootstrapConfig config, dev.obsbootstrap.core.config.StackTopology topology) {
            return List.of();
        }
    }

    /** GET {endpoint}/-/ready must answer 200, as Prometheus and Alertmanager do when ready. */
    private record HttpReady(String name, String endpoint) implements Probe {
        @Override
        public String proves() {
            return endpoint + " answers /-/ready";
        }

        @Override
        public Duration deadline() {
            return Duration.ofMillis(600);
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) throws Exception {
            HttpUrl url = context.endpoint(endpoint)
                    .newBuilder()
                    .addPathSegments("-/ready")
                    .build();
            try (Response response = context.http()
                    .newCall(new Request.Builder().url(url).build())
                    .execute()) {
                String observed = endpoint + " GET " + url.encodedPath() + " -> " + response.code();
                return response.code() == 200
                        ? ProbeAttempt.pass(observed)
                        : ProbeAttempt.fail(observed, endpoint + " is not ready");
            }
        }
    }

    private record FixedProbe(String name, ProbeAttempt answer) implements Probe {
        @Override
        public String proves() {
            return "nothing";
        }

        @Override
        public Duration deadline() {
            return Duration.ofMillis(100);
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) {
            return answer;
        }
    }
}
