package dev.obsbootstrap.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerEncodingTest {
    @Test
    void aLedgerSurvivesTheConfigMapRoundTrip() {
        LedgerState state = LedgerState.empty()
                .with(new LedgerEntry(
                        "metrics",
                        "sha256:abc",
                        Map.of("obs-metrics", "kube-prometheus-stack@88.5.3"),
                        Map.of("obs-metrics", 3),
                        PhaseStatus.VERIFIED,
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "run-7",
                        Map.of(
                                "obs-metrics",
                                java.util.List.of(
                                        "apps/v1 Deployment observability obs-operator",
                                        "rbac.authorization.k8s.io/v1 ClusterRole - obs-operator")),
                        Map.of("obs-metrics", "sha256:def")))
                .withLastRun(new LedgerState.LastRun(
                        "run-7",
                        RunState.RUNNING,
                        "logs",
                        Instant.parse("2026-11-26T10:05:00Z"),
                        "ci@runner-3 pid 77",
                        Map.of("obs-loki", 2)));

        Map<String, String> data = ConfigMapLedgerStore.encode(state);

        assertThat(data).containsOnlyKeys("phase.metrics", "last-run");
        assertThat(data.get("phase.metrics")).contains("verdict: VERIFIED").contains("obs-metrics: 3");
        assertThat(data.get("last-run")).contains("state: running", "holder: ci@runner-3 pid 77", "obs-loki: 2");
        assertThat(ConfigMapLedgerStore.decode(data)).isEqualTo(state);
    }

    @Test
    void aReplacedReleaseAndTheRenderInputsStayKnownThroughTheRoundTripAndOlderLedgersHaveNeither() {
        LedgerState state = LedgerState.empty()
                .with(new LedgerEntry(
                        "logs",
                        "sha256:abc",
                        Map.of("obs-loki", "loki@18.11.0", "obs-collector-b", "collector-b@2.0.0"),
                        Map.of("obs-loki", 2, "obs-collector-b", 1),
                        PhaseStatus.VERIFY_FAILED,
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "run-8",
                        Map.of(),
                        Map.of(),
                        Map.of("obs-collector-a", "collector-a@1.0.0"),
                        "sha256:inputs"));

        Map<String, String> data = ConfigMapLedgerStore.encode(state);

        assertThat(data.get("phase.logs")).contains("replaced:", "obs-collector-a: collector-a@1.0.0");
        LedgerEntry decoded = ConfigMapLedgerStore.decode(data).entry("logs").orElseThrow();
        assertThat(decoded).isEqualTo(state.entry("logs").orElseThrow());
        assertThat(decoded.installedReleases()).containsExactly("obs-collector-a", "obs-collector-b", "obs-loki");
        assertThat(ConfigMapLedgerStore.decode(Map.of("phase.logs", "verdict: VERIFIED\nrevisions: {obs-loki: 1}\n"))
                        .entry("logs")
                        .orElseThrow()
                        .replaced())
                .isEmpty();
        assertThat(data.get("phase.logs")).contains("inputsHash: sha256:inputs");
        assertThat(ConfigMapLedgerStore.decode(Map.of("phase.logs", "verdict: VERIFIED\nrevisions: {obs-loki: 1}\n"))
                        .entry("logs")
                        .orElseThrow()
                        .inputsHash())
                .as("a ledger written before render inputs were recorded: every phase renders once")
                .isEmpty();
    }

    @Test
    void anUnreadableEntryIsTreatedAsAbsentSoThePhaseRunsAgain() {
        LedgerState state = ConfigMapLedgerStore.decode(Map.of(
                "phase.logs", "{not: [valid",
                "phase.traces", "verdict: SOMETHING_ELSE\n",
                "last-run", "runId: r1\nstate: failed\nstoppedAt: logs\nat: 2026-11-26T10:05:00Z\n"));

        assertThat(state.phases()).isEmpty();
        assertThat(state.lastRun().stoppedAt()).isEqualTo("logs");
        assertThat(state.lastRun().state()).isEqualTo(RunState.FAILED);
        assertThat(state.lastRun().holder()).as("older ledgers have no holder").isEmpty();
    }
}
