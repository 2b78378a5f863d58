package dev.obsbootstrap.core.report;

import static dev.obsbootstrap.core.report.SampleReports.failed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportTest {
    private final TextReport unicode = new TextReport(Redactor.standard(), TextReport.Glyphs.UNICODE);
    private final TextReport ascii = new TextReport(Redactor.standard(), TextReport.Glyphs.ASCII);

    @Test
    void passingRunListsEveryPhaseAndEndsWithTheVerdict() {
        String text = unicode.render(SampleReports.passingVerify());
        List<String> lines = text.lines().toList();

        assertThat(lines.get(0))
                .isEqualTo(
                        "obs-bootstrap verify  run run-20261126-ab12  profile ci  started 2026-11-26T15:06:07Z  took 42.5s");
        assertThat(text)
                .contains("PHASE     STATUS    TIME   DETAIL\n"
                        + "crds      SKIPPED   0ms    not selected with --phase\n"
                        + "traces    DISABLED  0ms    switched off by profile ci\n"
                        + "alerting  VERIFIED  240ms\n");
        assertThat(text).contains("  ✓ alertmanager-ready             1 attempt  120ms\n");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Result: ok (exit 0), 1 verified, 1 skipped, 1 disabled");
        assertThat(text).as("a passing probe needs no explanation").doesNotContain("proves");
    }

    @Test
    void failedProbeShowsWhatItProvesObservedErrorAndHint() {
        String text = unicode.render(SampleReports.failingVerify());

        assertThat(text)
                .contains("  ✗ watchdog-reaches-alertmanager  12 attempts  30.3s\n"
                        + "      proves    Prometheus delivers the always-firing Watchdog to Alertmanager\n"
                        + "      observed  GET http://127.0.0.1:9093/api/v2/alerts: connection refused\n"
                        + "      error     java.net.ConnectException: Failed to connect to /127.0.0.1:9093\n"
                        + "      hint      Alertmanager is not answering: is it running?\n");
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow())
                .isEqualTo("Result: verification failed (exit 1), 1 verify failed; alerting VERIFY_FAILED");
    }

    @Test
    void aProbeWithEvidenceShowsItsLatencyAndWhatItSentAndFound() {
        String text = unicode.render(SampleReports.report(
                "verify",
                new dev.obsbootstrap.core.run.PhaseOutcome(
                        "logs",
                        dev.obsbootstrap.core.run.PhaseStatus.VERIFIED,
                        java.time.Duration.ofSeconds(2),
                        java.util.List.of(),
                        java.util.List.of(SampleReports.withEvidence("logs", "loki-push-round-trip")),
                        "")));

        assertThat(text)
                .contains("latency   write-to-read 1.2s")
                .contains("evidence  sent.line=obs-bootstrap probe obs-3f9c0a1b2d4e 1a2b")
                .contains("route.loki=service proxy of the API server to Service monitoring/obs-loki-gateway:3100");
    }

    @Test
    void asciiGlyphsKeepTheWholeReportAscii() {
        String text = ascii.render(SampleReports.failingVerify());

        assertThat(text).contains("  PASS alertmanager-ready").contains("  FAIL watchdog-reaches-alertmanager");
        assertThat(text.chars()).allMatch(c -> c < 128);
    }

    @Test
    void releasesAreTabulatedAndEveryStatusIsNamed() {
        String text = unicode.render(SampleReports.everyStatus());

        assertThat(text)
                .contains(
                        "metrics releases\n"
                                + "  COMPONENT              RELEASE                CHART                        REV  ACTION    READY\n"
                                + "  kube-prometheus-stack  kube-prometheus-stack  kube-prometheus-stack@1.2.3  3    upgraded  1/1\n");
        assertThat(text)
                .contains(
                        "traces     INSTALL_FAILED  10m    tempo: StatefulSet obs/tempo 0/1 ready after 10m: pod tempo-0 CrashLoopBackOff");
        assertThat(text)
                .contains(
                        "logs       UNVERIFIED", "alerting   SKIPPED", "profiling  DISABLED", "extra      INTERRUPTED");
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow())
                .isEqualTo(
                        "Result: interrupted (exit 130), 2 verified, 1 unverified, 1 install failed, 1 skipped, 1 disabled, 1 interrupted; traces INSTALL_FAILED, extra INTERRUPTED");
    }

    @Test
    void multiLineObservedIsIndentedAndControlCharactersAreShownNotSent() {
        RunReport report = SampleReports.report(
                "verify",
                new PhaseOutcome(
                        "logs",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofSeconds(1),
                        List.of(),
                        List.of(failed(
                                "logs",
                                "loki-push-round-trip",
                                "HTTP 500\n\u001b[31mingester not ready\u001b[0m",
                                "",
                                "")),
                        "one\nline"));

        String text = unicode.render(report);

        assertThat(text)
                .contains("      observed  HTTP 500\n" + "                \\u001B[31mingester not ready\\u001B[0m\n");
        assertThat(text).doesNotContain("\u001b").contains("VERIFY_FAILED  1.0s  one line\n");
        assertThat(text)
                .as("empty fields are left out")
                .doesNotContain("error  ")
                .doesNotContain("hint  ");
    }

    @Test
    void secretsNeverReachTheText() {
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
                                "GET https://admin:hunter22@grafana/api/datasources -> 401",
                                "Authorization: Basic YWRtaW46aHVudGVyMjI=",
                                "check adminPassword: hunter22")),
                        "password=hunter22"));

        String text = unicode.render(report);

        assertThat(text)
                .doesNotContain("hunter22")
                .doesNotContain("YWRtaW46aHVudGVyMjI")
                .contains("https://admin:<redacted>@grafana");
    }

    @Test
    void noPhasesSaysSo() {
        String text = unicode.render(SampleReports.report("verify"));

        assertThat(text).contains("\nno phases ran\n").endsWith("Result: ok (exit 0), no phases\n");
    }

    @Test
    void glyphsFollowTheOutputCharset() {
        assertThat(TextReport.Glyphs.forCharset(StandardCharsets.UTF_8)).isEqualTo(TextReport.Glyphs.UNICODE);
        assertThat(TextReport.Glyphs.forCharset(StandardCharsets.US_ASCII)).isEqualTo(TextReport.Glyphs.ASCII);
        assertThat(TextReport.Glyphs.forCharset(StandardCharsets.ISO_8859_1)).isEqualTo(TextReport.Glyphs.ASCII);
    }
}
