package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.report.Console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Walks the phase plan in a plain loop. A phase starts only when every phase it depends on is verified (or
 * switched off); a phase that fails stops the run and every later phase is recorded SKIPPED with the reason, so a
 * report always lists them all. Every outcome goes to the ledger as soon as it is known, which is what lets the
 * next {@code up} continue after a failure or a Ctrl-C.
 */
public final class Runner {
    private final PhasePlan plan;
    private final BootstrapConfig config;
    private final PhaseActions actions;
    private final LedgerStore ledger;
    private final Console console;
    private final Clock clock;

    public Runner(PhasePlan plan, BootstrapConfig config, PhaseActions actions, LedgerStore ledger, Console console, Clock clock) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.config = Objects.requireNonNull(config, "config");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.console = Objects.requireNonNull(console, "console");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code up}: install, wait and verify each phase in order. */
    public RunReport up(String runId, RunOptions options) {
        Instant started = clock.instant();
        checkSelection(options);
        LedgerState state = ledger.read();
        if (state.lastRun().state().equals("interrupted") || state.lastRun().state().equals("failed")) {
            console.info("the last run (%s) %s in phase '%s': continuing from there", state.lastRun().runId(),
                    state.lastRun().state().equals("interrupted") ? "was interrupted" : "failed", state.lastRun().stoppedAt());
        }
        state = state.withLastRun(new LedgerState.LastRun(runId, "running", "", started));
        ledger.write(state);

        List<PhaseOutcome> outcomes = new ArrayList<>();
        Set<String> satisfied = new HashSet<>();
        String blockedBy = "";
        for (Phase phase : plan.ordered()) {
            String id = phase.id();
            if (!phase.enabled(config)) {
                outcomes.add(PhaseOutcome.skipped(id, PhaseStatus.DISABLED, "switched off in the config or profile"));
                satisfied.add(id);
                continue;
            }
            if (!blockedBy.isEmpty()) {
                outcomes.add(PhaseOutcome.skipped(id, PhaseStatus.SKIPPED, "blocked by " + blockedBy));
                continue;
            }
            if (!selected(id, options)) {
                // Left out by --from/--only: it still gates later phases through what the ledger says of it.
                boolean verified = state.entry(id).map(e -> e.verdict() == PhaseStatus.VERIFIED || e.verdict() == PhaseStatus.UNVERIFIED).orElse(false);
                outcomes.add(PhaseOutcome.skipped(id, PhaseStatus.SKIPPED,
                        options.only().isPresent() ? "not selected by --only" : "before --from"));
                if (verified) {
                    satisfied.add(id);
                }
                continue;
            }
            List<String> unmet = phase.dependsOn().stream().filter(d -> !satisfied.contains(d)).toList();
            if (!unmet.isEmpty()) {
                outcomes.add(PhaseOutcome.skipped(id, PhaseStatus.SKIPPED, "needs " + String.join(", ", unmet)
                        + " verified first (run `up` without --from/--only, or verify them)"));
                blockedBy = unmet.get(0);
                continue;
            }

            PhaseRun run = runPhase(phase, state, options);
            PhaseOutcome outcome = run.outcome();
            outcomes.add(outcome);
            state = record(state, run, runId);
            if (outcome.status() == PhaseStatus.VERIFIED || outcome.status() == PhaseStatus.UNVERIFIED) {
                satisfied.add(id);
            } else {
                blockedBy = id;
                String runState = outcome.status() == PhaseStatus.INTERRUPTED ? "interrupted" : "failed";
                state = state.withLastRun(new LedgerState.LastRun(runId, runState, id, clock.instant()));
                writeQuietly(state);
                if (outcome.status() == PhaseStatus.INTERRUPTED) {
                    // Nothing after an interrupt may touch the cluster: record the rest and stop.
                    for (Phase rest : plan.ordered().subList(plan.ordered().indexOf(phase) + 1, plan.ordered().size())) {
                        outcomes.add(PhaseOutcome.skipped(rest.id(), PhaseStatus.SKIPPED, "run interrupted in " + id));
                    }
                    break;
                }
            }
        }
        if (blockedBy.isEmpty()) {
            state = state.withLastRun(new LedgerState.LastRun(runId, "finished", "", clock.instant()));
            writeQuietly(state);
        }
        return new RunReport("up", runId, config.profile().name(), started, Duration.between(started, clock.instant()), outcomes);
    }

    /**
     * {@code down}: uninstall in reverse order. A failure stops the walk (what depends on a release that could not be
     * removed stays too), and the ledger forgets each phase as it goes.
     */
    public RunReport down(String runId, boolean purge) {
        Instant started = clock.instant();
        LedgerState state = ledger.read();
        List<PhaseOutcome> outcomes = new ArrayList<>();
        String stoppedBy = "";
        for (Phase phase : plan.reversed()) {
            if (!stoppedBy.isEmpty()) {
                outcomes.add(PhaseOutcome.skipped(phase.id(), PhaseStatus.SKIPPED, "kept: removing " + stoppedBy + " failed"));
                continue;
            }
            Console phaseConsole = console.forPhase(phase.id());
            Instant phaseStart = clock.instant();
            try {
                List<ReleaseOutcome> removed = actions.uninstall(phase, purge);
                phaseConsole.info("removed %s", removed.isEmpty() ? "nothing (not installed)"
                        : String.join(", ", removed.stream().map(ReleaseOutcome::release).toList()));
                outcomes.add(new PhaseOutcome(phase.id(), PhaseStatus.REMOVED, since(phaseStart), removed, List.of(), ""));
                state = state.without(phase.id());
                writeQuietly(state);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(new PhaseOutcome(phase.id(), PhaseStatus.INTERRUPTED, since(phaseStart), List.of(), List.of(), "interrupted"));
                stoppedBy = phase.id();
            } catch (ConfigException e) {
                throw e;
            } catch (BootstrapException e) {
                phaseConsole.error("%s", e.getMessage());
                outcomes.add(new PhaseOutcome(phase.id(), PhaseStatus.INSTALL_FAILED, since(phaseStart), List.of(), List.of(), e.getMessage()));
                stoppedBy = phase.id();
            }
        }
        java.util.Collections.reverse(outcomes);
        state = state.withLastRun(new LedgerState.LastRun(runId, stoppedBy.isEmpty() ? "removed" : "failed", stoppedBy, clock.instant()));
        writeQuietly(state);
        return new RunReport("down", runId, config.profile().name(), started, Duration.between(started, clock.instant()), outcomes);
    }

    private boolean selected(String id, RunOptions options) {
        if (options.only().isPresent()) {
            return options.only().get().equals(id);
        }
        return options.from().map(from -> plan.ids().indexOf(id) >= plan.ids().indexOf(from)).orElse(true);
    }

    /** A phase's outcome plus the hash of what it rendered ("" when it never got that far). */
    private record PhaseRun(PhaseOutcome outcome, String configHash) {
    }

    private PhaseRun runPhase(Phase phase, LedgerState state, RunOptions options) {
        // Rendering and chart resolution touch nothing; their errors are bad input and end the run with exit 2.
        PreparedPhase prepared = actions.prepare(phase);
        return new PhaseRun(execute(phase, prepared, state, options), prepared.configHash());
    }

    private PhaseOutcome execute(Phase phase, PreparedPhase prepared, LedgerState state, RunOptions options) {
        Console phaseConsole = console.forPhase(phase.id());
        Instant phaseStart = clock.instant();
        Map<String, Integer> revisionsBefore = Map.of();
        List<ReleaseOutcome> releases = List.of();
        try {
            revisionsBefore = actions.deployedRevisions(prepared);
            if (unchanged(prepared, revisionsBefore, state)) {
                phaseConsole.info("unchanged since run %s (same values, charts and revisions): no upgrade",
                        state.entry(phase.id()).map(LedgerEntry::runId).orElse("?"));
                releases = unchangedReleases(phase, prepared, revisionsBefore);
            } else {
                phaseConsole.info("installing %s", String.join(", ", prepared.releaseNames()));
                releases = actions.install(prepared, phaseConsole);
            }
            if (options.skipVerify()) {
                phaseConsole.warn("probes skipped (--skip-verify): this phase is installed but UNVERIFIED");
                return new PhaseOutcome(phase.id(), PhaseStatus.UNVERIFIED, since(phaseStart), releases, List.of(),
                        "probes skipped on request (--skip-verify)");
            }
            List<ProbeResult> probes = actions.verify(phase, phaseConsole);
            List<ProbeResult> failed = probes.stream().filter(p -> !p.passed()).toList();
            if (failed.isEmpty()) {
                return new PhaseOutcome(phase.id(), PhaseStatus.VERIFIED, since(phaseStart), releases, probes, "");
            }
            String detail = "probe " + failed.get(0).probe() + " failed: " + failed.get(0).lastObserved()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : "");
            phaseConsole.error("%s", detail);
            phaseConsole.error("%s", actions.diagnose(prepared));
            applyFailurePolicy(prepared, revisionsBefore, options, phaseConsole);
            return new PhaseOutcome(phase.id(), PhaseStatus.VERIFY_FAILED, since(phaseStart), releases, probes, detail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            phaseConsole.warn("interrupted: stopping before anything else changes; the next `up` continues from '%s'", phase.id());
            return new PhaseOutcome(phase.id(), PhaseStatus.INTERRUPTED, since(phaseStart), releases, List.of(), "interrupted");
        } catch (ConfigException e) {
            throw e; // bad input is the user's to fix, not a phase verdict: the CLI exits 2
        } catch (BootstrapException e) {
            if (Thread.currentThread().isInterrupted()) {
                return new PhaseOutcome(phase.id(), PhaseStatus.INTERRUPTED, since(phaseStart), releases, List.of(), "interrupted");
            }
            phaseConsole.error("%s", e.getMessage());
            phaseConsole.error("%s", actions.diagnose(prepared));
            applyFailurePolicy(prepared, revisionsBefore, options, phaseConsole);
            return new PhaseOutcome(phase.id(), PhaseStatus.INSTALL_FAILED, since(phaseStart), releases, List.of(), e.getMessage());
        }
    }

    private boolean unchanged(PreparedPhase prepared, Map<String, Integer> deployed, LedgerState state) {
        // The install itself succeeded in these three; a failed or interrupted install must be redone.
        return state.entry(prepared.phaseId())
                .filter(e -> e.verdict() == PhaseStatus.VERIFIED || e.verdict() == PhaseStatus.UNVERIFIED
                        || e.verdict() == PhaseStatus.VERIFY_FAILED)
                .filter(e -> e.configHash().equals(prepared.configHash()))
                .filter(e -> e.revisions().equals(deployed))
                .filter(e -> deployed.keySet().containsAll(prepared.releaseNames()))
                .isPresent();
    }

    private static List<ReleaseOutcome> unchangedReleases(Phase phase, PreparedPhase prepared, Map<String, Integer> revisions) {
        List<ReleaseOutcome> releases = new ArrayList<>();
        prepared.releases().forEach((release, chart) ->
                releases.add(new ReleaseOutcome(release, release, chart, revisions.getOrDefault(release, 0), "unchanged", 0, 0)));
        return releases;
    }

    private void applyFailurePolicy(PreparedPhase prepared, Map<String, Integer> revisionsBefore, RunOptions options, Console phaseConsole) {
        if (options.onFailure() != RunOptions.FailurePolicy.ROLLBACK) {
            phaseConsole.info("keeping the failed release(s) for inspection (--on-failure keep)");
            return;
        }
        try {
            actions.rollback(prepared, revisionsBefore);
            phaseConsole.info("rolled back: %s", revisionsBefore.isEmpty() ? "uninstalled (there was no earlier revision)" : revisionsBefore);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BootstrapException e) {
            phaseConsole.error("rollback failed: %s", e.getMessage());
        }
    }

    private LedgerState record(LedgerState state, PhaseRun run, String runId) {
        PhaseOutcome outcome = run.outcome();
        if (outcome.status() == PhaseStatus.INTERRUPTED) {
            return state; // nothing reliable to record about the releases: the next run redoes this phase
        }
        Map<String, Integer> revisions = new java.util.LinkedHashMap<>();
        Map<String, String> charts = new java.util.LinkedHashMap<>();
        for (ReleaseOutcome release : outcome.releases()) {
            revisions.put(release.release(), release.revision());
            charts.put(release.release(), release.chart());
        }
        LedgerState next = state.with(new LedgerEntry(outcome.phase(), run.configHash(), charts, revisions, outcome.status(), clock.instant(), runId));
        writeQuietly(next);
        return next;
    }

    private void writeQuietly(LedgerState state) {
        // After Ctrl-C the thread is interrupted, and a blocking client call would refuse to run: the ledger must
        // still learn where the run stopped, so the flag is set aside for the write and restored after.
        boolean interrupted = Thread.interrupted();
        try {
            ledger.write(state);
        } catch (BootstrapException e) {
            console.warn("could not write the ledger: %s", e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkSelection(RunOptions options) {
        options.from().ifPresent(plan::phase);
        options.only().ifPresent(plan::phase);
        if (options.from().isPresent() && options.only().isPresent()) {
            throw new ConfigException("--from and --only cannot be combined: --from runs a phase and all after it, --only runs one");
        }
    }

    private Duration since(Instant start) {
        return Duration.between(start, clock.instant());
    }
}
