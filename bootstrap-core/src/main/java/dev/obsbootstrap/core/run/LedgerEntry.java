package dev.obsbootstrap.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the ledger remembers of a phase: the last run's hash, charts, revisions, verdict and time, and the objects
 * each release consists of ({@code ResourceRef.key()} strings), so a later run can tell when one was deleted out of band
 * without rendering anything, and each release's own digest, so a change to one release upgrades that one only.
 *
 * @param replaced release -> chart of the releases obs-bootstrap installed for this phase that its config has since
 *                 replaced with another choice and that are not uninstalled yet: kept here when the entry is rewritten
 *                 without them, so an interrupted or failed run still knows them as the stack's own
 * @param inputsHash {@link PreparedPhase#inputsHash} of the run that recorded this entry ("" before it was
 *                   recorded): what {@code configHash} and {@code releaseHashes} were rendered from
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
        Map<String, String> releaseHashes,
        Map<String, String> replaced,
        String inputsHash) {
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
        replaced = Map.copyOf(replaced);
        Objects.requireNonNull(inputsHash, "inputsHash");
    }

    /** With no replaced release pending and no render inputs known. */
    public LedgerEntry(
            String phaseId,
            String configHash,
            Map<String, String> charts,
            Map<String, Integer> revisions,
            PhaseStatus verdict,
            Instant at,
            String runId,
            Map<String, List<String>> objects,
            Map<String, String> releaseHashes) {
        this(phaseId, configHash, charts, revisions, verdict, at, runId, objects, releaseHashes, Map.of(), "");
    }

    /** Every release the ledger knows obs-bootstrap installed for this phase: the recorded ones and those replaced. */
    public java.util.Set<String> installedReleases() {
        java.util.Set<String> all = new java.util.TreeSet<>(revisions.keySet());
        all.addAll(replaced.keySet());
        return all;
    }

    /** The same entry with {@code removed} no longer pending removal. */
    public LedgerEntry withoutReplaced(java.util.Collection<String> removed) {
        Map<String, String> left = new java.util.LinkedHashMap<>(replaced);
        left.keySet().removeAll(removed);
        return new LedgerEntry(
                phaseId, configHash, charts, revisions, verdict, at, runId, objects, releaseHashes, left, inputsHash);
    }
}
