package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.report.Console;

import java.util.List;
import java.util.Map;

/**
 * What the {@link Runner} does to a cluster, one method per step. The Runner owns order, gating, the ledger and
 * the verdicts; this owns Helm, waits and probes. Errors are thrown: ConfigException (bad input),
 * ClusterException (install or readiness), InterruptedException (Ctrl-C).
 */
public interface PhaseActions {
    /** Render values and resolve charts. Touches nothing. */
    PreparedPhase prepare(Phase phase);

    /** Release name -> revision deployed now, for the phase's releases that exist. */
    Map<String, Integer> deployedRevisions(PreparedPhase phase) throws InterruptedException;

    /** Install or upgrade every release of the phase, then wait until its workloads are ready. */
    List<ReleaseOutcome> install(PreparedPhase phase, Console console) throws InterruptedException;

    /** Run the phase's probes. */
    List<ProbeResult> verify(Phase phase, Console console) throws InterruptedException;

    /** Human-readable diagnostics for a phase that failed (pods not ready and why, warning events). */
    String diagnose(PreparedPhase phase);

    /** Put each release back at its revision from before this run; uninstall those that had none. */
    void rollback(PreparedPhase phase, Map<String, Integer> revisionsBefore) throws InterruptedException;

    /**
     * Uninstall the phase's releases (down), last installed first. {@code purge} also removes CRDs and PVCs.
     *
     * @return what happened to each release that exists: uninstalled, purged, or kept (CRDs without purge)
     */
    List<ReleaseOutcome> uninstall(Phase phase, boolean purge) throws InterruptedException;
}
