package dev.obsbootstrap.core.report;

import static dev.obsbootstrap.core.report.SampleReports.failed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunFailure;
import dev.obsbootstrap.core.run.RunReport;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonReportTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final JsonReport writer = new JsonReport(Redactor.standard());

    private static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.propertyNames().forEach(keys::add);
        return keys;
    }

    @Test
    void topLevelHasTheDocumentedKeysInOrder() {
        JsonNode json = parse(writer.render(SampleReports.failingVerify()));

        assertThat(keys(json))
                .containsExactly(
                        "schemaVersion",
                        "command",
                        "runId",
                        "profile",
                        "startedAt",
                        "durationMs",
                        "exitCode",
                        "error",
                        "phases");
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("command").asString()).isEqualTo("verify");
        assertThat(json.get("runId").asString()).isEqualTo("run-20261126-ab12");
        assertThat(json.get("profile").asString()).isEqualTo("ci");
        assertThat(json.get("startedAt").asString()).isEqualTo("2026-11-26T15:06:07.123Z");
        assertThat(json.get("durationMs").asLong()).isEqualTo(42_500);
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("error").get("kind").asString())
                .as("no error of the run itself")
                .isEmpty();
        assertThat(json.get("error").get("exitCode").asInt()).isZero();
    }

    @Test
    void aRunThatEndedBeforeItsPhasesCarriesItsErrorAndExitCode() {
        RunReport report =
                SampleReports.failingVerify().withFailure(new RunFailure(ExitCode.TERMINATED, "stopped by SIGTERM"));

        JsonNode json = parse(writer.render(report));

        assertThat(json.get("exitCode").asInt()).isEqualTo(143);
        assertThat(json.get("error").get("kind").asString()).isEqualTo("TERMINATED");
        assertThat(json.get("error").get("exitCode").asInt()).isEqualTo(143);
        assertThat(json.get("error").get("message").asString()).isEqualTo("stopped by SIGTERM");
    }

    @Test
    void phasesReleasesAndProbesCarryEveryField() {
        JsonNode json = parse(writer.render(SampleReports.everyStatus()));
        JsonNode phases = json.get("phases");

        assertThat(phases).hasSize(7);
        assertThat(json.get("exitCode").asInt()).isEqualTo(130);
        JsonNode metrics = phases.get(1);
        assertThat(keys(metrics)).containsExactly("id", "status", "durationMs", "detail", "releases", "probes");
        assertThat(metrics.get("id").asString()).isEqualTo("metrics");
        assertThat(metrics.get("status").asString()).isEqualTo("VERIFIED");
        assertThat(metrics.get("durationMs").asLong()).isEqualTo(95_000);
        assertThat(metrics.get("detail").asString()).isEmpty();

        JsonNode release = metrics.get("releases").get(0);
        assertThat(keys(release))
                .containsExactly("component", "release", "chart", "revision", "action", "ready", "total");
        assertThat(release.get("chart").asString()).isEqualTo("kube-prometheus-stack@1.2.3");
        assertThat(release.get("revision").asInt()).isEqualTo(3);

        JsonNode probe = metrics.get("probes").get(0);
        assertThat(keys(probe))
                .containsExactly(
                        "name",
                        "proves",
                        "passed",
                        "attempts",
                        "durationMs",
                        "lastObserved",
                        "lastError",
                        "hint",
                        "writeToReadMs",
                        "evidence");
        assertThat(probe.get("writeToReadMs").asLong())
                .as("a probe that measured nothing")
                .isEqualTo(-1);
        assertThat(probe.get("evidence").isObject()).isTrue();
        assertThat(probe.get("name").asString()).isEqualTo("prometheus-scrapes-itself");
        assertThat(probe.get("passed").asBoolean()).isTrue();
        assertThat(probe.get("attempts").asInt()).isEqualTo(1);
        assertThat(probe.get("durationMs").asLong()).isEqualTo(120);

        JsonNode skipped = phases.get(4);
        assertThat(skipped.get("status").asString()).isEqualTo("SKIPPED");
        assertThat(skipped.get("releases").isArray()).isTrue();
        assertThat(skipped.get("probes")).isEmpty();
    }

    @Test
    void probeEvidenceAndWriteToReadLatencyAreWrittenInOrder() {
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "logs",
                        PhaseStatus.VERIFIED,
                        Duration.ofSeconds(2),
                        List.of(),
                        List.of(SampleReports.withEvidence("logs", "loki-push-round-trip")),
                        ""));

        JsonNode probe =
                parse(writer.render(report)).get("phases").get(0).get("probes").get(0);

        assertThat(probe.get("writeToReadMs").asLong()).isEqualTo(1_234);
        assertThat(keys(probe.get("evidence"))).containsExactly("sent.line", "sent.at", "route.loki");
        assertThat(probe.get("evidence").get("sent.at").asString()).isEqualTo("2026-11-26T15:06:08Z (Loki's clock)");
    }

    @Test
    void failedProbeKeepsObservedErrorAndHint() {
        JsonNode probe = parse(writer.render(SampleReports.failingVerify()))
                .get("phases")
                .get(0)
                .get("probes")
                .get(1);

        assertThat(probe.get("passed").asBoolean()).isFalse();
        assertThat(probe.get("attempts").asInt()).isEqualTo(12);
        assertThat(probe.get("lastObserved").asString())
                .isEqualTo("GET http://127.0.0.1:9093/api/v2/alerts: connection refused");
        assertThat(probe.get("lastError").asString())
                .isEqualTo("java.net.ConnectException: Failed to connect to /127.0.0.1:9093");
        assertThat(probe.get("hint").asString()).isEqualTo("Alertmanager is not answering: is it running?");
    }

    @Test
    void awkwardTextRoundTripsExactly() {
        String awkward = "quote \" backslash \\ slash / newline\n tab\t nul \u0000 esc \u001b[31m bell \u0007 "
                + "line-sep \u2028 emoji \uD83D\uDD25 cjk 日本 <tag> & 'apos'";
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "logs",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(failed("logs", "loki-push-round-trip", awkward, awkward, awkward)),
                        awkward));

        String rendered = writer.render(report);
        JsonNode phase = parse(rendered).get("phases").get(0);

        assertThat(phase.get("detail").asString()).isEqualTo(awkward);
        assertThat(phase.get("probes").get(0).get("lastObserved").asString()).isEqualTo(awkward);
        assertThat(rendered)
                .as("raw control characters are escaped")
                .doesNotContain("\u0000")
                .doesNotContain("\u001b");
    }

    @Test
    void secretsNeverReachTheJson() {
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
                                "sent Authorization: Bearer abc.def.123456",
                                "adminPassword: hunter22")),
                        "token=hunter22"));

        String rendered = writer.render(report);

        assertThat(rendered).doesNotContain("hunter22").doesNotContain("abc.def.123456");
        assertThat(parse(rendered).get("phases").get(0).get("detail").asString())
                .isEqualTo("token=<redacted>");
    }

    @Test
    void leavesTheCallersStreamOpenAndEndsWithNewline() throws IOException {
        StringWriter target = new StringWriter();
        boolean[] closed = {false};
        FilterWriter guarded = new FilterWriter(target) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        writer.write(SampleReports.passingVerify(), guarded);

        assertThat(closed[0]).isFalse();
        assertThat(target.toString()).endsWith("}\n").contains("\n  \"schemaVersion\": 1,\n");
    }
}
