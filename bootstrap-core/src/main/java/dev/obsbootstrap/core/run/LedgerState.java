package dev.obsbootstrap.core.run;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole ledger: one entry per phase plus where the last run stopped.
 */
public record LedgerState(Map<String, LedgerEntry> phases, LastRun lastRun) {
    public LedgerState {
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        Objects.requireNonNull(lastRun, "lastRun");
    }

    public static LedgerState empty() {
        return new LedgerState(Map.of(), LastRun.none());
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

    /**
     * The last run.
     *
     * @param stoppedAt the phase it stopped in ("" when none)
     * @param holder    who ran it: "user@host pid N" ("" when not known)
     * @param inFlight  release -> the revision this run asked Helm to write and has not seen finish: a release left
     *                  pending at exactly that revision was left by this run, and nobody else
     * @param profile   the profile it ran with ("" when not recorded: ledgers written before it was)
     * @param config    where its config came from ("obs-bootstrap.yaml", "&lt;defaults&gt;"; "" when not recorded)
     */
    public record LastRun(
            String runId,
            RunState state,
            String stoppedAt,
            Instant at,
            String holder,
            Map<String, Integer> inFlight,
            String profile,
            String config) {
        public LastRun {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(stoppedAt, "stoppedAt");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(holder, "holder");
            inFlight = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(inFlight));
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(config, "config");
        }

        public LastRun(
                String runId,
                RunState state,
                String stoppedAt,
                Instant at,
                String holder,
                Map<String, Integer> inFlight) {
            this(runId, state, stoppedAt, at, holder, inFlight, "", "");
        }

        public static LastRun none() {
            return new LastRun("", RunState.NONE, "", Instant.EPOCH, "", Map.of());
        }

        /** The same run in another state; what was in flight stays recorded. */
        public LastRun with(RunState newState, String newStoppedAt, Instant newAt) {
            return new LastRun(runId, newState, newStoppedAt, newAt, holder, inFlight, profile, config);
        }

        /** The same run, recorded as run with this profile and config. */
        public LastRun ranWith(String profileName, String configSource) {
            return new LastRun(runId, state, stoppedAt, at, holder, inFlight, profileName, configSource);
        }

        /** The same run, about to write {@code revision} of {@code release}. */
        public LastRun writing(String release, int revision) {
            Map<String, Integer> next = new java.util.TreeMap<>(inFlight);
            next.put(release, revision);
            return new LastRun(runId, state, stoppedAt, at, holder, next, profile, config);
        }
    }
}
