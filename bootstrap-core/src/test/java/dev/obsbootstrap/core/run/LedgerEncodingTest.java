package dev.obsbootstrap.core.run;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerEncodingTest {
    @Test
    void aLedgerSurvivesTheConfigMapRoundTrip() {
        LedgerState state = LedgerState.empty()
                .with(new LedgerEntry("metrics", "sha256:abc", Map.of("obs-metrics", "kube-prometheus-stack@88.5.3"),
                        Map.of("obs-metrics", 3), PhaseStatus.VERIFIED, Instant.parse("2026-11-26T10:00:00Z"), "run-7"))
                .withLastRun(new LedgerState.LastRun("run-7", "interrupted", "logs", Instant.parse("2026-11-26T10:05:00Z")));

        Map<String, String> data = ConfigMapLedgerStore.encode(state);

        assertThat(data).containsOnlyKeys("phase.metrics", "last-run");
        assertThat(data.get("phase.metrics")).contains("verdict: VERIFIED").contains("obs-metrics: 3");
        assertThat(ConfigMapLedgerStore.decode(data)).isEqualTo(state);
    }

    @Test
    void anUnreadableEntryIsTreatedAsAbsentSoThePhaseRunsAgain() {
        LedgerState state = ConfigMapLedgerStore.decode(Map.of(
                "phase.logs", "{not: [valid",
                "phase.traces", "verdict: SOMETHING_ELSE\n",
                "last-run", "runId: r1\nstate: failed\nstoppedAt: logs\nat: 2026-11-26T10:05:00Z\n"));

        assertThat(state.phases()).isEmpty();
        assertThat(state.lastRun().stoppedAt()).isEqualTo("logs");
    }
}
