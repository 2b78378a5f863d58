package dev.obsbootstrap.core.report;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.ReleaseOutcome;
import dev.obsbootstrap.core.run.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Hand-built reports covering every phase status, shared by the writer tests. */
final class SampleReports {
    static final Instant STARTED = Instant.parse("2026-11-26T15:06:07.123456Z");

    private SampleReports() {}

    static ProbeResult passed(String phase, String name) {
        return new ProbeResult(
                phase, name, "the " + name + " path works", true, 1, Duration.ofMillis(120), "HTTP 200", "", "");
    }

    static ProbeResult failed(String phase, String name, String observed, String error, String hint) {
        return new ProbeResult(
                phase,
                name,
                "Prometheus delivers the always-firing Watchdog to Alertmanager",
                false,
                12,
                Duration.ofMillis(30_250),
                observed,
                error,
                hint);
    }

    /** A passed round trip with what it sent, where it found it and the write-to-read latency. */
    static ProbeResult withEvidence(String phase, String name) {
        return new ProbeResult(
                phase,
                name,
                "a line pushed to Loki is read back",
                true,
                3,
                Duration.ofMillis(1_450),
                "pushed and read back",
                "",
                "",
                Evidence.of("sent.line", "obs-bootstrap probe obs-3f9c0a1b2d4e 1a2b")
                        .and("sent.at", "2026-11-26T15:06:08Z (Loki's clock)")
                        .and(
                                "route.loki",
                                "service proxy of the API server to Service monitoring/obs-loki-gateway:3100")
                        .latency(Duration.ofMillis(1_234)));
    }

    static ReleaseOutcome release(String component) {
        return new ReleaseOutcome(
                component, component, component + "@1.2.3", 3, dev.obsbootstrap.core.run.ReleaseAction.UPGRADED, 1, 1);
    }

    static RunReport report(String command, PhaseOutcome... phases) {
        return new RunReport(command, "run-20261126-ab12", "ci", STARTED, Duration.ofMillis(42_500), List.of(phases));
    }

    /** verify: alerting verified with two probes, the rest not chosen. */
    static RunReport passingVerify() {
        return report(
                "verify",
                PhaseOutcome.skipped("crds", PhaseStatus.SKIPPED, "not selected with --phase"),
                PhaseOutcome.skipped("traces", PhaseStatus.DISABLED, "switched off by profile ci"),
                new PhaseOutcome(
                        "alerting",
                        PhaseStatus.VERIFIED,
                        Duration.ofMillis(240),
                        List.of(),
                        List.of(
                                passed("alerting", "alertmanager-ready"),
                                passed("alerting", "watchdog-reaches-alertmanager")),
                        ""));
    }

    /** verify: alerting with one passing and one failing probe. */
    static RunReport failingVerify() {
        return report(
                "verify",
                new PhaseOutcome(
                        "alerting",
                        PhaseStatus.VERIFY_FAILED,
                        Duration.ofMillis(30_400),
                        List.of(),
                        List.of(
                                passed("alerting", "alertmanager-ready"),
                                failed(
                                        "alerting",
                                        "watchdog-reaches-alertmanager",
                                        "GET http://127.0.0.1:9093/api/v2/alerts: connection refused",
                                        "java.net.ConnectException: Failed to connect to /127.0.0.1:9093",
                                        "Alertmanager is not answering: is it running?")),
                        "1 of 2 probes failed: watchdog-reaches-alertmanager"));
    }

    /** up: every status a run can produce. */
    static RunReport everyStatus() {
        return report(
                "up",
                new PhaseOutcome(
                        "crds",
                        PhaseStatus.VERIFIED,
                        Duration.ofSeconds(4),
                        List.of(release("prometheus-operator-crds")),
                        List.of(),
                        ""),
                new PhaseOutcome(
                        "metrics",
                        PhaseStatus.VERIFIED,
                        Duration.ofSeconds(95),
                        List.of(release("kube-prometheus-stack")),
                        List.of(passed("metrics", "prometheus-scrapes-itself")),
                        ""),
                new PhaseOutcome(
                        "logs",
                        PhaseStatus.UNVERIFIED,
                        Duration.ofSeconds(30),
                        List.of(release("loki")),
                        List.of(),
                        "probes skipped (--skip-verify)"),
                new PhaseOutcome(
                        "traces",
                        PhaseStatus.INSTALL_FAILED,
                        Duration.ofSeconds(600),
                        List.of(new ReleaseOutcome(
                                "tempo",
                                "tempo",
                                "tempo@1.10.0",
                                1,
                                dev.obsbootstrap.core.run.ReleaseAction.UPGRADED,
                                0,
                                1)),
                        List.of(),
                        "tempo: StatefulSet obs/tempo 0/1 ready after 10m: pod tempo-0 CrashLoopBackOff"),
                PhaseOutcome.skipped("alerting", PhaseStatus.SKIPPED, "blocked by traces"),
                PhaseOutcome.skipped("profiling", PhaseStatus.DISABLED, ""),
                new PhaseOutcome(
                        "extra",
                        PhaseStatus.INTERRUPTED,
                        Duration.ofSeconds(2),
                        List.of(),
                        List.of(),
                        "interrupted by SIGINT"));
    }
}
