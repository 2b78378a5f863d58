package dev.obsbootstrap.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the ledger remembers of a phase: the last run's hash, charts, revisions, verdict and time, and the objects
 * each release consists of ({@code ResourceRef.key()} strings), so a later run can tell when one was deleted out of band
 * without rendering anything, and each release's own digest, so a change to one release upgrades that one only.
 */
public record LedgerEntry(
        String phaseId,
        String configHash,
        Map<String, String> charts,
        Map<String, Integer> revisions,
        PhaseStatus verdict,
        Instant at,
        String runId,
        Map<String, List<String>> objects,
        Map<String, String> releaseHashes) {
    public LedgerEntry {
        Objects.requireNonNull(phaseId, "phaseId");
        Objects.requireNonNull(configHash, "configHash");
        charts = Map.copyOf(charts);
        revisions = Map.copyOf(revisions);
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(runId, "runId");
        objects = Map.copyOf(objects);
        releaseHashes = Map.copyOf(releaseHashes);
    }
}
