package dev.obsbootstrap.core.run;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole ledger: one entry per phase plus where the last run stopped.
 *
 * @param lastRun the last run's id, state (running, finished, failed, interrupted) and the phase it stopped in ("" when none)
 */
public record LedgerState(Map<String, LedgerEntry> phases, LastRun lastRun) {
    public LedgerState {
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        Objects.requireNonNull(lastRun, "lastRun");
    }

    public static LedgerState empty() {
        return new LedgerState(Map.of(), new LastRun("", "none", "", Instant.EPOCH));
    }

    public Optional<LedgerEntry> entry(String phaseId) {
        return Optional.ofNullable(phases.get(phaseId));
    }

    public LedgerState with(LedgerEntry entry) {
        Map<String, LedgerEntry> next = new LinkedHashMap<>(phases);
        next.put(entry.phaseId(), entry);
        return new LedgerState(next, lastRun);
    }

    public LedgerState withLastRun(LastRun run) {
        return new LedgerState(phases, run);
    }

    public LedgerState without(String phaseId) {
        Map<String, LedgerEntry> next = new LinkedHashMap<>(phases);
        next.remove(phaseId);
        return new LedgerState(next, lastRun);
    }

    public record LastRun(String runId, String state, String stoppedAt, Instant at) {
        public LastRun {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(stoppedAt, "stoppedAt");
            Objects.requireNonNull(at, "at");
        }
    }
}
