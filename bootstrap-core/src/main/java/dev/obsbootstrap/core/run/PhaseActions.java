package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.ProbeResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@link Runner} does to a cluster, one method per step. The Runner owns order, gating, locking, the ledger
 * and the verdicts; this owns Helm, waits and probes. Errors are thrown: ConfigException (bad input),
 * ClusterException (install or readiness), InterruptedException (Ctrl-C, SIGTERM).
 */
public interface PhaseActions {
    /** Render values and resolve charts. Touches nothing. */
    PreparedPhase prepare(Phase phase);

    /**
     * {@link #prepare(Phase)}, knowing what the ledger recorded of the phase: when the phase's render inputs are the
     * ones the entry was recorded with ({@link PreparedPhase#inputsHash}), its digests are the recorded ones and its
     * values need not be rendered before something reads them.
     */
    default PreparedPhase prepare(Phase phase, Recorded recorded) throws InterruptedException {
        return prepare(phase);
    }

    /** The ledger's entry for a phase, waiting for the ledger to be read: asked for once the inputs are digested. */
    @FunctionalInterface
    interface Recorded {
        Optional<LedgerEntry> entry() throws InterruptedException;
    }

    /**
     * Everything that would make the run fail, found by reading the cluster only: credentials the phases' Secrets
     * read, Secrets that must exist, changes Kubernetes refuses on existing objects (for the phases in {@code changing}),
     * and releases left pending by something this run cannot explain. {@code deadRunWrites} are the releases and
     * revisions a run that died was writing (recovered by {@link #recover}, so not a problem).
     */
    List<Problem> check(List<PreparedPhase> phases, List<PreparedPhase> changing, Map<String, Integer> deadRunWrites)
            throws InterruptedException;

    /**
     * Puts back what a dead run left pending: each release at exactly the revision it was writing goes back to its last
     * deployed revision, or is removed when it never had one. Returns one line per repair, for the user.
     */
    List<String> recover(List<PreparedPhase> phases, Map<String, Integer> deadRunWrites) throws InterruptedException;

    /**
     * Release name -> revision deployed now, for the phase's releases whose latest revision is deployed. {@code recorded}
     * is the phase's ledger entry, if any: when its digest is the phase's, what it recorded of the manifests stands in
     * for rendering them again.
     */
    Map<String, Integer> deployedRevisions(PreparedPhase phase, Optional<LedgerEntry> recorded)
            throws InterruptedException;

    /**
     * Reads ahead, all at once, what the checks of these phases will read one question at a time
     * ({@link #deployedRevisions}, {@link #missingObjects}), for implementations that keep answers a moment
     * ({@link dev.obsbootstrap.core.cluster.ReadMemo}); nothing otherwise. {@code recorded} gives a phase's ledger
     * entry. Failures are left to the checks, which ask again.
     */
    default void readAhead(
            List<PreparedPhase> phases, java.util.function.Function<String, Optional<LedgerEntry>> recorded)
            throws InterruptedException {}

    /**
     * What was read of the cluster so far must be read again: another run may have written since (the ledger the
     * run finds once it holds the lock is not the one it checked against). Implementations that use an answer again
     * within a moment ({@link dev.obsbootstrap.core.cluster.ReadMemo}) forget them; they forget around their own
     * writes without being told.
     */
    default void forgetReads() {}

    /** Objects of the phase (as the ledger entry lists them) that no longer exist in the cluster. */
    List<String> missingObjects(PreparedPhase phase, LedgerEntry entry) throws InterruptedException;

    /**
     * Install or upgrade every release of the phase but those in {@code unchanged} (their values, chart and revision
     * match the ledger: only awaited), telling {@code writes} before each Helm write, then wait until its workloads are ready.
     */
    List<ReleaseOutcome> install(PreparedPhase phase, java.util.Set<String> unchanged, Console console, WriteLog writes)
            throws InterruptedException;

    /** For a phase nothing changed in: wait until its workloads are ready (restarted pods may not be yet) and report them. */
    List<ReleaseOutcome> awaitUnchanged(
            PreparedPhase phase, Map<String, Integer> revisions, LedgerEntry recorded, Console console)
            throws InterruptedException;

    /** The objects each release of the phase consists of ({@code ResourceRef.key()}), from what this run rendered. */
    Map<String, List<String>> inventory(PreparedPhase phase);

    /** Run the phase's probes. */
    List<ProbeResult> verify(Phase phase, Console console) throws InterruptedException;

    /** Human-readable diagnostics for a phase that failed (pods not ready and why, warning events). */
    String diagnose(PreparedPhase phase);

    /**
     * Undo what this run itself did to the phase's releases, and nothing else: a release this run installed is
     * uninstalled, one it upgraded goes back to the revision that was deployed before. Returns one line per release touched.
     */
    List<String> rollback(PreparedPhase phase) throws InterruptedException;

    /**
     * Uninstall the releases the config replaced that obs-bootstrap installed ({@code installed}: release -> chart,
     * from the ledger) and that still exist. The Runner calls it only once the phase is verified with what replaces
     * them. A release of {@link PreparedPhase#replaces} that exists although the ledger does not know it was installed
     * by someone else: it is left alone, with a warning on {@code console}.
     *
     * @return one outcome ({@link ReleaseAction#REPLACED}) per release uninstalled
     */
    List<ReleaseOutcome> removeReplaced(PreparedPhase phase, Map<String, String> installed, Console console)
            throws InterruptedException;

    /**
     * Uninstall the phase's releases (down), last installed first. {@code purge} also removes CRDs and PVCs.
     * {@code recorded} are the releases the ledger says obs-bootstrap installed for the phase: those the config no
     * longer installs (a choice switched since, its old release not removed yet) are uninstalled too, first.
     *
     * @return what happened to each release that exists: uninstalled, purged, or kept (CRDs without purge)
     */
    List<ReleaseOutcome> uninstall(Phase phase, boolean purge, java.util.Set<String> recorded)
            throws InterruptedException;
}
