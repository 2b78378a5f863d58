package dev.obsbootstrap.core.report;

import static dev.obsbootstrap.core.report.SampleReports.failed;
import static dev.obsbootstrap.core.report.SampleReports.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunReport;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/** Parses the XML the way CI tools do (a DOM parser) and checks structure, never the exact text. */
class JUnitReportTest {
    private final JUnitReport writer = new JUnitReport(Redactor.standard());

    static Document parse(String xml) throws Exception {
        return builder().parse(new InputSource(new StringReader(xml)));
    }

    static Document parse(Path file) throws Exception {
        return builder().parse(file.toFile());
    }

    private static DocumentBuilder builder() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder();
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    static Element suite(Document document, String name) {
        return children(document.getDocumentElement(), "testsuite").stream()
                .filter(s -> s.getAttribute("name").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no testsuite " + name));
    }

    static Element testcase(Element suite, String name) {
        return children(suite, "testcase").stream()
                .filter(c -> c.getAttribute("name").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no testcase " + name));
    }

    /** The counts a CI tool trusts must match the children it renders, per suite and in total. */
    static void assertCountsMatchChildren(Document document) {
        Element root = document.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        int tests = 0;
        int failures = 0;
        int errors = 0;
        int skipped = 0;
        for (Element suite : children(root, "testsuite")) {
            List<Element> cases = children(suite, "testcase");
            int suiteFailures = (int) cases.stream()
                    .filter(c -> !children(c, "failure").isEmpty())
                    .count();
            int suiteErrors = (int)
                    cases.stream().filter(c -> !children(c, "error").isEmpty()).count();
            int suiteSkipped = (int) cases.stream()
                    .filter(c -> !children(c, "skipped").isEmpty())
                    .count();
            String name = suite.getAttribute("name");
            assertThat(suite.getAttribute("tests")).as("tests of " + name).isEqualTo(Integer.toString(cases.size()));
            assertThat(suite.getAttribute("failures"))
                    .as("failures of " + name)
                    .isEqualTo(Integer.toString(suiteFailures));
            assertThat(suite.getAttribute("errors")).as("errors of " + name).isEqualTo(Integer.toString(suiteErrors));
            assertThat(suite.getAttribute("skipped"))
                    .as("skipped of " + name)
                    .isEqualTo(Integer.toString(suiteSkipped));
            assertThat(Double.parseDouble(suite.getAttribute("time"))).isNotNegative();
            assertThat(cases).as("every suite shows at least one testcase").isNotEmpty();
            for (Element testcase : cases) {
                assertThat(testcase.getAttribute("classname")).isEqualTo("obs-bootstrap." + name);
                assertThat(Double.parseDouble(testcase.getAttribute("time"))).isNotNegative();
            }
            tests += cases.size();
            failures += suiteFailures;
            errors += suiteErrors;
            skipped += suiteSkipped;
        }
        assertThat(root.getAttribute("tests")).isEqualTo(Integer.toString(tests));
        assertThat(root.getAttribute("failures")).isEqualTo(Integer.toString(failures));
        assertThat(root.getAttribute("errors")).isEqualTo(Integer.toString(errors));
        assertThat(root.getAttribute("skipped")).isEqualTo(Integer.toString(skipped));
    }

    static java.util.Map<String, String> properties(Element suite) {
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        for (Element property : children(children(suite, "properties").get(0), "property")) {
            values.put(property.getAttribute("name"), property.getAttribute("value"));
        }
        return values;
    }

    @Test
    void passingVerifyIsASuitePerPhaseAndATestcasePerProbe() throws Exception {
        Document document = parse(writer.render(SampleReports.passingVerify()));

        assertCountsMatchChildren(document);
        Element root = document.getDocumentElement();
        assertThat(root.getAttribute("name")).isEqualTo("obs-bootstrap verify");
        assertThat(root.getAttribute("timestamp")).isEqualTo("2026-11-26T15:06:07");
        assertThat(root.getAttribute("time")).isEqualTo("42.500");
        assertThat(children(root, "testsuite"))
                .extracting(s -> s.getAttribute("name"))
                .containsExactly("crds", "traces", "alerting");
        Element alerting = suite(document, "alerting");
        assertThat(children(alerting, "testcase"))
                .extracting(c -> c.getAttribute("name"))
                .containsExactly("alertmanager-ready", "watchdog-reaches-alertmanager");
        assertThat(testcase(alerting, "alertmanager-ready").getAttribute("time"))
                .isEqualTo("0.120");
        assertThat(alerting.getAttribute("failures")).isEqualTo("0");
        assertThat(root.getAttribute("failures")).isEqualTo("0");
    }

    @Test
    void skippedAndDisabledPhasesShowAsOneSkippedTestcase() throws Exception {
        Document document = parse(writer.render(SampleReports.passingVerify()));

        Element skipped =
                children(testcase(suite(document, "crds"), "phase"), "skipped").get(0);
        Element disabled = children(testcase(suite(document, "traces"), "phase"), "skipped")
                .get(0);

        assertThat(skipped.getAttribute("message")).isEqualTo("not selected with --phase");
        assertThat(disabled.getAttribute("message")).isEqualTo("switched off by profile ci");
        assertThat(suite(document, "crds").getAttribute("skipped")).isEqualTo("1");
    }

    @Test
    void failedProbeIsAFailureWithObservedHintAndError() throws Exception {
        Document document = parse(writer.render(SampleReports.failingVerify()));

        assertCountsMatchChildren(document);
        Element alerting = suite(document, "alerting");
        assertThat(alerting.getAttribute("failures")).isEqualTo("1");
        assertThat(children(testcase(alerting, "alertmanager-ready"), "failure"))
                .isEmpty();
        Element failure = children(testcase(alerting, "watchdog-reaches-alertmanager"), "failure")
                .get(0);
        assertThat(failure.getAttribute("type")).isEqualTo("ProbeFailed");
        assertThat(failure.getAttribute("message"))
                .isEqualTo(
                        "GET http://127.0.0.1:9093/api/v2/alerts: connection refused (hint: Alertmanager is not answering: is it running?)");
        assertThat(failure.getTextContent())
                .contains("proves: Prometheus delivers the always-firing Watchdog to Alertmanager\n")
                .contains("observed: GET http://127.0.0.1:9093/api/v2/alerts: connection refused\n")
                .contains("error: java.net.ConnectException: Failed to connect to /127.0.0.1:9093\n")
                .contains("hint: Alertmanager is not answering: is it running?\n")
                .contains("attempts: 12 in 30.3s");
        assertThat(properties(alerting))
                .containsEntry("status", "VERIFY_FAILED")
                .containsEntry("runId", "run-20261126-ab12")
                .containsEntry("profile", "ci")
                .containsEntry("command", "verify");
    }

    @Test
    void everyStatusMapsToTheDocumentedTestcases() throws Exception {
        Document document = parse(writer.render(SampleReports.everyStatus()));

        assertCountsMatchChildren(document);
        assertThat(children(suite(document, "crds"), "testcase"))
                .extracting(c -> c.getAttribute("name"))
                .containsExactly("install");
        assertThat(children(suite(document, "metrics"), "testcase"))
                .extracting(c -> c.getAttribute("name"))
                .containsExactly("install", "prometheus-scrapes-itself");
        assertThat(children(testcase(suite(document, "metrics"), "install"), "system-out")
                        .get(0)
                        .getTextContent())
                .contains(
                        "kube-prometheus-stack: release kube-prometheus-stack, chart kube-prometheus-stack@1.2.3, revision 3, upgraded, 1/1 ready");

        Element unverified = testcase(suite(document, "logs"), "phase");
        assertThat(children(unverified, "skipped").get(0).getAttribute("message"))
                .isEqualTo("probes skipped (--skip-verify)");

        Element install = testcase(suite(document, "traces"), "install");
        Element error = children(install, "error").get(0);
        assertThat(error.getAttribute("type")).isEqualTo("InstallFailed");
        assertThat(error.getAttribute("message"))
                .isEqualTo("tempo: StatefulSet obs/tempo 0/1 ready after 10m: pod tempo-0 CrashLoopBackOff");
        assertThat(error.getTextContent())
                .contains("tempo: release tempo, chart tempo@1.10.0, revision 1, upgraded, 0/1 ready");
        assertThat(suite(document, "traces").getAttribute("errors")).isEqualTo("1");

        assertThat(children(testcase(suite(document, "profiling"), "phase"), "skipped")
                        .get(0)
                        .getAttribute("message"))
                .isEqualTo("disabled in the config or profile");
        assertThat(children(testcase(suite(document, "extra"), "phase"), "error")
                        .get(0)
                        .getAttribute("type"))
                .isEqualTo("Interrupted");
    }

    @Test
    void aVerifyFailureWithoutAFailedProbeStillFailsTheSuite() throws Exception {
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "logs",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(passed("logs", "loki-ready")),
                        "probe loki-push-round-trip could not start: no endpoint loki"));

        Document document = parse(writer.render(report));

        assertCountsMatchChildren(document);
        Element failure =
                children(testcase(suite(document, "logs"), "phase"), "failure").get(0);
        assertThat(failure.getAttribute("message"))
                .isEqualTo("probe loki-push-round-trip could not start: no endpoint loki");
        assertThat(document.getDocumentElement().getAttribute("failures")).isEqualTo("1");
    }

    @Test
    void awkwardCharactersAreEscapedAndTheXmlStaysWellFormed() throws Exception {
        String awkward = "a \"quoted\" <tag attr='x'> & ampersand ]]> cdata-end, nul \u0000 esc \u001b[31m bell \u0007,"
                + " lone \uD800 surrogate, emoji \uD83D\uDD25, cjk 日本語, accents é\nsecond line";
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "p<&>\"",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(failed("p<&>\"", "probe \"&<name>", awkward, awkward, "check <it> & \"that\"")),
                        awkward));

        String xml = writer.render(report);
        Document document = parse(xml);

        assertCountsMatchChildren(document);
        String shown =
                "a \"quoted\" <tag attr='x'> & ampersand ]]> cdata-end, nul \\u0000 esc \\u001B[31m bell \\u0007,"
                        + " lone \\uD800 surrogate, emoji \uD83D\uDD25, cjk 日本語, accents é";
        Element suite = suite(document, "p<&>\"");
        Element failure =
                children(testcase(suite, "probe \"&<name>"), "failure").get(0);
        assertThat(failure.getAttribute("message")).isEqualTo(shown + " second line (hint: check <it> & \"that\")");
        assertThat(failure.getTextContent())
                .contains("observed: " + shown + "\nsecond line\n")
                .contains("error: " + shown + "\nsecond line\n");
        assertThat(properties(suite).get("detail")).isEqualTo(shown + " second line");
        assertThat(testcase(suite, "probe \"&<name>").getAttribute("classname")).isEqualTo("obs-bootstrap.p<&>\"");
    }

    @Test
    void longMessagesAreCutInTheAttributeButKeptInTheBody() throws Exception {
        String longText = "x".repeat(1000);
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "logs",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(failed("logs", "loki-push-round-trip", longText, "", "")),
                        ""));

        Element failure = children(
                        testcase(suite(parse(writer.render(report)), "logs"), "loki-push-round-trip"), "failure")
                .get(0);

        assertThat(failure.getAttribute("message"))
                .hasSize(JUnitReport.MESSAGE_LIMIT)
                .endsWith("…");
        assertThat(failure.getTextContent()).contains(longText);
    }

    @Test
    void secretsNeverReachTheXml() throws Exception {
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "metrics",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(failed(
                                "metrics",
                                "grafana-datasources",
                                "GET https://admin:hunter22@grafana/api -> 401",
                                "Authorization: Basic YWRtaW46aHVudGVyMjI=",
                                "password=hunter22")),
                        "token: hunter22"));

        String xml = writer.render(report);

        assertThat(xml).doesNotContain("hunter22").doesNotContain("YWRtaW46aHVudGVyMjI");
        assertCountsMatchChildren(parse(xml));
    }

    @Test
    void writesAUtf8FileCreatingDirectoriesAndReplacingAnOldReport(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reports/ci/verify.xml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "stale");
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "alerting",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(failed("alerting", "watchdog", "Alertmanager said: früh ✗ 🔥", "", "")),
                        ""));

        writer.writeFile(report, file);

        String bytesAsUtf8 = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertThat(bytesAsUtf8)
                .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .contains("früh ✗ 🔥");
        Document document = parse(file);
        assertCountsMatchChildren(document);
        assertThat(children(testcase(suite(document, "alerting"), "watchdog"), "failure")
                        .get(0)
                        .getAttribute("message"))
                .isEqualTo("Alertmanager said: früh ✗ 🔥");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file is left behind").containsExactly(file);
        }
    }

    @Test
    void aPassedProbeCarriesItsEvidenceInSystemOut() throws Exception {
        dev.obsbootstrap.core.run.RunReport report = SampleReports.report(
                "verify",
                new dev.obsbootstrap.core.run.PhaseOutcome(
                        "logs",
                        dev.obsbootstrap.core.run.PhaseStatus.VERIFIED,
                        java.time.Duration.ofSeconds(2),
                        List.of(),
                        List.of(SampleReports.withEvidence("logs", "loki-push-round-trip")),
                        ""));

        Element testcase = testcase(suite(parse(writer.render(report)), "logs"), "loki-push-round-trip");

        assertThat(children(testcase, "system-out"))
                .singleElement()
                .satisfies(out -> assertThat(out.getTextContent())
                        .contains("write-to-read: 1.2s")
                        .contains("evidence sent.line: obs-bootstrap probe obs-3f9c0a1b2d4e 1a2b")
                        .contains("evidence route.loki: service proxy"));
    }
}
