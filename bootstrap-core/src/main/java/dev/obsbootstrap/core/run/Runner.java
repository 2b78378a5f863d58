package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExecutionFailures;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.HelmLockedException;
import dev.obsbootstrap.core.lock.LockHeldException;
import dev.obsbootstrap.core.lock.LockLostException;
import dev.obsbootstrap.core.lock.RunIdentity;
import dev.obsbootstrap.core.lock.RunLock;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Walks the phase plan in a plain loop. A phase starts only when every phase it depends on is verified (or
 * switched off); a phase that fails stops the run and every later phase is recorded SKIPPED with the reason, so a
 * report always lists them all.
 *
 * <p>Before the first write, {@code up} prepares every phase it will run (values, charts) and lets the actions check
 * what only the cluster can tell (credentials, Secrets that must exist, changes Kubernetes refuses, releases left
 * pending): any problem ends the run with one message listing all of them, and nothing written. Then it takes the
 * stack's lock, repairs what a dead run left, and runs. Every outcome goes to the ledger as soon as it is known, which
 * is what lets the next {@code up} continue after a failure, a signal or a kill.
 */
public final class Runner {
    private final PhasePlan plan;
    private final BootstrapConfig config;
    private final PhaseActions actions;
    private final LedgerStore ledger;
    private final RunLock lock;
    private final Console console;
    private final Clock clock;

    public Runner(
            PhasePlan plan,
            BootstrapConfig config,
            PhaseActions actions,
            LedgerStore ledger,
            RunLock lock,
            Console console,
            Clock clock) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.config = Objects.requireNonNull(config, "config");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.console = Objects.requireNonNull(console, "console");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code up}: install, wait and verify each phase in order. */
    public RunReport up(RunIdentity me, RunOptions options) {
        Instant started = clock.instant();
        String runId = me.runId();
        checkSelection(plan, options);
        if (Thread.currentThread().isInterrupted()) {
            return notStarted("up", runId, started, "the run was stopped before it started; nothing was changed");
        }
        // rendering every phase's values is CPU work that needs only the ledger (a phase whose render inputs it
        // recorded is not rendered again): it runs beside the lock check and the ledger read (on two cores an
        // unchanged up is mostly these); their errors come first, as when they ran first
        CompletableFuture<LedgerState> recorded = new CompletableFuture<>();
        Background<Map<String, PreparedPhase>> preparing =
                Background.start("prepare", () -> prepareAll(options, recorded));
        LedgerState state;
        Map<String, PreparedPhase> prepared;
        try {
            refuseIfLocked(me);
            state = ledger.read();
            recorded.complete(state);
            checkLeftOutDependencies(options, state);
            prepared = preparing.await();
            // what the checks below and the unchanged phases after the lock read, asked at once: one round trip's
            // time instead of one per question (their answers stand for a moment: ReadMemo)
            LedgerState read = state;
            actions.readAhead(List.copyOf(prepared.values()), read::entry);
            preflight(prepared, state, runId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notStarted("up", runId, started, "the run was stopped while preparing; nothing was changed");
        } finally {
            preparing.stop(); // a refused or stopped run returns with nothing of it still running
        }

        try (RunLock.Held held = lock.acquire(me)) {
            held.tookOverFrom()
                    .ifPresent(previous -> console.warn(
                            "took over the run lock from %s: it stopped renewing it "
                                    + "(killed, or its machine is gone)",
                            previous.describe(clock.instant())));
            LedgerState checked = state;
            state = ledger.read(); // what the run before us recorded last, now that nobody else can write it
            if (!state.equals(checked) || held.tookOverFrom().isPresent()) {
                // another run wrote between the checks and the lock (every run records itself before it writes):
                // what the checks read of the cluster is read again
                actions.forgetReads();
            }
            state = takeOverDeadRun(state, runId, prepared);
            state = state.withLastRun(
                    new LedgerState.LastRun(runId, RunState.RUNNING, "", started, me.describe(), Map.of())
                            .ranWith(config.profile().name(), config.source()));
            ledger.write(state);
            return walk(me, options, prepared, state, started, held);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notStarted(
                    "up",
                    runId,
                    started,
                    "the run was stopped while repairing what an earlier run left; " + "the next `up` continues");
        }
    }

    private RunReport walk(
            RunIdentity me,
            RunOptions options,
            Map<String, PreparedPhase> prepared,
            LedgerState initial,
            Instant started,
            RunLock.Held held) {
        String runId = me.runId();
        LedgerState[] state = {initial};
        String[] current = {""};
        WriteLog writes = (release, revision) -> {
            LedgerState.LastRun last = state[0].lastRun().writing(release, revision);
            state[0] = state[0].withLastRun(last.with(RunState.RUNNING, current[0], last.at()));
            ledger.write(
                    state[0]); // must reach the ledger before Helm writes, or a kill during the write is unexplained
        };
        List<PhaseOutcome> outcomes = new ArrayList<>();
        Set<String> satisfied = new HashSet<>();
        String blockedBy = "";
        RunState finalState = RunState.FAILED;
        String stoppedAt = "";
        try {
            for (Phase phase : plan.ordered()) {
                String id = phase.id();
                if (!phase.enabled(config)) {
                    outcomes.add(
                            PhaseOutcome.skipped(id, PhaseStatus.DISABLED, "switched off in the config or profile"));
                    satisfied.add(id);
                    continue;
                }
                if (!blockedBy.isEmpty()) {
                    outcomes.add(PhaseOutcome.skipped(id, PhaseStatus.SKIPPED, "blocked by " + blockedBy));
                    continue;
                }
                if (!selected(plan, id, options)) {
                    // Left out by --from/--only: it still gates later phases through what the ledger says of it.
                    boolean verified = state[0].entry(id)
                            .map(e -> e.verdict() == PhaseStatus.VERIFIED || e.verdict() == PhaseStatus.UNVERIFIED)
                            .orElse(false);
                    outcomes.add(PhaseOutcome.skipped(
                            id,
                            PhaseStatus.SKIPPED,
                            options.only().isPresent() ? "not selected by --only" : "before --from"));
                    if (verified) {
                        satisfied.add(id);
                    }
                    continue;
                }
                List<String> unmet = phase.dependsOn().stream()
                        .filter(d -> !satisfied.contains(d))
                        .toList();
                if (!unmet.isEmpty()) {
                    outcomes.add(PhaseOutcome.skipped(
                            id,
                            PhaseStatus.SKIPPED,
                            "needs " + String.join(", ", unmet)
                                    + " verified first (run `up` without --from/--only, or verify them)"));
                    blockedBy = unmet.get(0);
                    continue;
                }
                stoppedAt = id;
                current[0] = id;
                PreparedPhase phasePrepared = prepared.get(id);
                Map<String, String> replaced = replacedInstalled(phasePrepared, state[0].entry(id));
                PhaseRun run = execute(phase, phasePrepared, state[0], options, writes, held);
                PhaseOutcome outcome = run.outcome();
                state[0] = record(state[0], run, phasePrepared, runId, replaced);
                if (outcome.status() == PhaseStatus.VERIFIED) {
                    Replacement replacement = removeReplaced(phase, phasePrepared, outcome, replaced, state[0], held);
                    outcome = replacement.outcome();
                    state[0] = replacement.state();
                } else if (!replaced.isEmpty() && outcome.status() != PhaseStatus.INTERRUPTED) {
                    console.forPhase(id)
                            .info(
                                    "%s kept until this phase is verified with %s, which this config installs in its"
                                            + " place: the `up` that verifies the phase removes it",
                                    String.join(", ", replaced.keySet()),
                                    String.join(", ", phasePrepared.releaseNames()));
                }
                outcomes.add(outcome);
                if (outcome.status() == PhaseStatus.VERIFIED || outcome.status() == PhaseStatus.UNVERIFIED) {
                    satisfied.add(id);
                    continue;
                }
                blockedBy = id;
                if (outcome.status() == PhaseStatus.INTERRUPTED) {
                    finalState = RunState.INTERRUPTED;
                    // Nothing after an interrupt may touch the cluster: record the rest and stop.
                    for (Phase rest : plan.ordered()
                            .subList(
                                    plan.ordered().indexOf(phase) + 1,
                                    plan.ordered().size())) {
                        outcomes.add(PhaseOutcome.skipped(rest.id(), PhaseStatus.SKIPPED, "run interrupted in " + id));
                    }
                    break;
                }
            }
            if (blockedBy.isEmpty()) {
                finalState = RunState.FINISHED;
                stoppedAt = "";
            }
        } finally {
            // Whatever happened, the ledger must not say "running" once this run is over.
            LedgerState last = state[0].withLastRun(
                    new LedgerState.LastRun(runId, finalState, stoppedAt, clock.instant(), me.describe(), Map.of())
                            .ranWith(config.profile().name(), config.source()));
            writeQuietly(last);
        }
        return new RunReport(
                "up", runId, config.profile().name(), started, Duration.between(started, clock.instant()), outcomes);
    }

    /**
     * {@code down}: uninstall in reverse order, holding the lock. A failure stops the walk (what depends on a release
     * that could not be removed stays too), and the ledger forgets each phase as it goes.
     */
    public RunReport down(RunIdentity me, boolean purge) {
        Instant started = clock.instant();
        String runId = me.runId();
        if (Thread.currentThread().isInterrupted()) {
            return notStarted("down", runId, started, "the run was stopped before it started; nothing was removed");
        }
        refuseIfLocked(me);
        List<PhaseOutcome> outcomes = new ArrayList<>();
        String stoppedBy = "";
        try (RunLock.Held held = lock.acquire(me)) {
            LedgerState state = ledger.read();
            for (Phase phase : plan.reversed()) {
                if (!stoppedBy.isEmpty()) {
                    outcomes.add(PhaseOutcome.skipped(
                            phase.id(), PhaseStatus.SKIPPED, "kept: removing " + stoppedBy + " did not finish"));
                    continue;
                }
                Console phaseConsole = console.forPhase(phase.id());
                Instant phaseStart = clock.instant();
                try {
                    held.checkHeld();
                    List<ReleaseOutcome> removed = actions.uninstall(
                            phase,
                            purge,
                            state.entry(phase.id())
                                    .map(LedgerEntry::installedReleases)
                                    .orElse(Set.of()));
                    phaseConsole.info(
                            "%s",
                            removed.isEmpty()
                                    ? "nothing to remove (not installed)"
                                    : String.join(
                                            "; ",
                                            removed.stream()
                                                    .map(r -> r.release() + " "
                                                            + r.action().label())
                                                    .toList()));
                    outcomes.add(new PhaseOutcome(
                            phase.id(), PhaseStatus.REMOVED, since(phaseStart), removed, List.of(), ""));
                    state = state.without(phase.id());
                    writeQuietly(state);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcomes.add(new PhaseOutcome(
                            phase.id(),
                            PhaseStatus.INTERRUPTED,
                            since(phaseStart),
                            List.of(),
                            List.of(),
                            "interrupted"));
                    stoppedBy = phase.id();
                } catch (ConfigException e) {
                    throw e;
                } catch (BootstrapException e) {
                    phaseConsole.error("%s", e.getMessage());
                    outcomes.add(new PhaseOutcome(
                            phase.id(),
                            PhaseStatus.INSTALL_FAILED,
                            since(phaseStart),
                            List.of(),
                            List.of(),
                            e.getMessage()));
                    stoppedBy = phase.id();
                }
            }
            Collections.reverse(outcomes);
            RunState end = stoppedBy.isEmpty()
                    ? RunState.REMOVED
                    : outcomes.stream().anyMatch(o -> o.status() == PhaseStatus.INTERRUPTED)
                            ? RunState.INTERRUPTED
                            : RunState.FAILED;
            writeQuietly(state.withLastRun(
                    new LedgerState.LastRun(runId, end, stoppedBy, clock.instant(), me.describe(), Map.of())
                            .ranWith(config.profile().name(), config.source())));
        }
        return new RunReport(
                "down", runId, config.profile().name(), started, Duration.between(started, clock.instant()), outcomes);
    }

    // ---- before the first write
    // ---------------------------------------------------------------------------------------

    /** A task on a thread of its own, which the run waits for before it returns. */
    private record Background<T>(Thread thread, FutureTask<T> task) {
        static <T> Background<T> start(String name, Callable<T> work) {
            FutureTask<T> task = new FutureTask<>(work);
            Thread thread = new Thread(task, "obs-bootstrap-" + name);
            thread.setDaemon(true);
            thread.start();
            return new Background<>(thread, task);
        }

        /** The task's result, or what it threw, as it threw it (a ConfigException keeps its exit code). */
        T await() throws InterruptedException {
            try {
                return task.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                throw ExecutionFailures.unchecked(e);
            }
        }

        /** Interrupts the task if it still runs and waits until its thread has ended (keeping an interrupt of ours). */
        void stop() {
            task.cancel(true);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Another live run holds the lock: refuse before reading anything more (the rendering beside it is stopped). */
    private void refuseIfLocked(RunIdentity me) {
        lock.checkFree(me);
    }

    /** Every phase this run will execute, rendered and resolved; all problems reported together. */
    private Map<String, PreparedPhase> prepareAll(RunOptions options, Future<LedgerState> recorded)
            throws InterruptedException {
        Map<String, PreparedPhase> prepared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Phase phase : plan.ordered()) {
            if (!phase.enabled(config) || !selected(plan, phase.id(), options)) {
                continue;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            try {
                prepared.put(phase.id(), actions.prepare(phase, () -> recordedEntry(recorded, phase.id())));
            } catch (ConfigException e) {
                problems.add("[" + phase.id() + "] " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(summary(problems, "nothing was changed"));
        }
        return prepared;
    }

    /** The ledger's entry for a phase, once the ledger is read (the run stops before preparing if it cannot be). */
    private static Optional<LedgerEntry> recordedEntry(Future<LedgerState> recorded, String phaseId)
            throws InterruptedException {
        try {
            return recorded.get().entry(phaseId);
        } catch (ExecutionException e) {
            throw ExecutionFailures.unchecked(e);
        }
    }

    /** What only the cluster can tell, read before the first write. */
    private void preflight(Map<String, PreparedPhase> prepared, LedgerState state, String runId)
            throws InterruptedException {
        List<PreparedPhase> changing = new ArrayList<>();
        for (PreparedPhase phase : prepared.values()) {
            if (!unchanged(phase, actions.deployedRevisions(phase, state.entry(phase.phaseId())), state)) {
                changing.add(phase);
            }
        }
        List<Problem> problems = actions.check(List.copyOf(prepared.values()), changing, deadRunWrites(state, runId));
        if (problems.isEmpty()) {
            return;
        }
        List<String> messages = problems.stream().map(Problem::message).toList();
        if (problems.stream().anyMatch(p -> p.code() == ExitCode.BAD_INPUT)) {
            throw new ConfigException(summary(messages, "nothing was changed"));
        }
        throw new ClusterException(summary(messages, "nothing was changed"));
    }

    /** The releases a run that died without finishing was writing (it holds no lock: we are about to take it). */
    private static Map<String, Integer> deadRunWrites(LedgerState state, String runId) {
        LedgerState.LastRun last = state.lastRun();
        return last.state() == RunState.RUNNING && !last.runId().equals(runId) ? last.inFlight() : Map.of();
    }

    /** A run that still says "running" while we hold the lock is dead: say so, record it, and repair what it left. */
    private LedgerState takeOverDeadRun(LedgerState state, String runId, Map<String, PreparedPhase> prepared)
            throws InterruptedException {
        LedgerState.LastRun last = state.lastRun();
        if (last.state() == RunState.RUNNING && !last.runId().equals(runId)) {
            console.warn(
                    "the previous run %s%s died%s without finishing: recorded as interrupted",
                    last.runId(),
                    last.holder().isEmpty() ? "" : " (" + last.holder() + ")",
                    last.stoppedAt().isEmpty() ? "" : " in phase '" + last.stoppedAt() + "'");
            for (String repair : actions.recover(List.copyOf(prepared.values()), last.inFlight())) {
                console.warn("%s", repair);
            }
            LedgerState marked = state.withLastRun(last.with(RunState.INTERRUPTED, last.stoppedAt(), clock.instant()));
            ledger.write(marked);
            return marked;
        }
        if (last.state() == RunState.INTERRUPTED || last.state() == RunState.FAILED) {
            console.info(
                    "the last run (%s) %s in phase '%s': continuing from there",
                    last.runId(),
                    last.state() == RunState.INTERRUPTED ? "was interrupted" : "failed",
                    last.stoppedAt());
        }
        return state;
    }

    private static String summary(List<String> problems, String outcome) {
        if (problems.size() == 1) {
            return problems.get(0) + "\n(" + outcome + ")";
        }
        return problems.size() + " problems, found before anything was changed (" + outcome + "):\n  - "
                + String.join(
                        "\n  - ",
                        problems.stream().map(p -> p.replace("\n", "\n    ")).toList());
    }

    private RunReport notStarted(String command, String runId, Instant started, String why) {
        List<PhaseOutcome> outcomes = new ArrayList<>();
        for (Phase phase : command.equals("down") ? plan.reversed() : plan.ordered()) {
            outcomes.add(PhaseOutcome.skipped(phase.id(), PhaseStatus.SKIPPED, "not started: the run was stopped"));
        }
        if (command.equals("down")) {
            Collections.reverse(outcomes);
        }
        return new RunReport(
                command,
                runId,
                config.profile().name(),
                started,
                Duration.between(started, clock.instant()),
                outcomes,
                Optional.of(new RunFailure(ExitCode.INTERRUPTED, why)));
    }

    // ---- one phase
    // ----------------------------------------------------------------------------------------------------

    /** A phase's outcome plus the objects its releases consist of (empty when it never got that far). */
    private record PhaseRun(PhaseOutcome outcome, Map<String, List<String>> objects) {}

    private PhaseRun execute(
            Phase phase,
            PreparedPhase prepared,
            LedgerState state,
            RunOptions options,
            WriteLog writes,
            RunLock.Held held) {
        Console phaseConsole = console.forPhase(phase.id());
        Instant phaseStart = clock.instant();
        List<ReleaseOutcome> releases = List.of();
        Map<String, List<String>> objects = Map.of();
        try {
            held.checkHeld();
            Optional<LedgerEntry> entry = state.entry(phase.id());
            Map<String, Integer> revisions = actions.deployedRevisions(prepared, entry);
            boolean same = unchanged(prepared, revisions, state);
            List<String> missing = same ? actions.missingObjects(prepared, entry.orElseThrow()) : List.of();
            if (same && missing.isEmpty()) {
                phaseConsole.info(
                        "unchanged since run %s (same values, charts and revisions): no upgrade",
                        entry.get().runId());
                releases = actions.awaitUnchanged(prepared, revisions, entry.get(), phaseConsole);
                objects = entry.get().objects().isEmpty()
                        ? actions.inventory(prepared)
                        : entry.get().objects();
            } else {
                if (!missing.isEmpty()) {
                    phaseConsole.warn(
                            "%d object%s of this phase %s deleted outside obs-bootstrap (%s): installing the phase again",
                            missing.size(),
                            missing.size() == 1 ? "" : "s",
                            missing.size() == 1 ? "was" : "were",
                            String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                                    + (missing.size() > 5 ? ", ..." : ""));
                }
                releases = actions.install(
                        prepared,
                        missing.isEmpty() ? unchangedReleases(prepared, revisions, entry) : java.util.Set.of(),
                        phaseConsole,
                        writes);
                if (!missing.isEmpty()) {
                    releases = releases.stream()
                            .map(r -> r.action() == ReleaseAction.UPGRADED
                                    ? new ReleaseOutcome(
                                            r.component(),
                                            r.release(),
                                            r.chart(),
                                            r.revision(),
                                            ReleaseAction.REPAIRED,
                                            r.ready(),
                                            r.total())
                                    : r)
                            .toList();
                }
                objects = actions.inventory(prepared);
            }
            if (options.skipVerify()) {
                phaseConsole.warn("probes skipped (--skip-verify): this phase is installed but UNVERIFIED");
                return new PhaseRun(
                        new PhaseOutcome(
                                phase.id(),
                                PhaseStatus.UNVERIFIED,
                                since(phaseStart),
                                releases,
                                List.of(),
                                "probes skipped on request (--skip-verify)"),
                        objects);
            }
            List<ProbeResult> probes = actions.verify(phase, phaseConsole);
            List<ProbeResult> failed = probes.stream().filter(p -> !p.passed()).toList();
            if (failed.isEmpty()) {
                return new PhaseRun(
                        new PhaseOutcome(phase.id(), PhaseStatus.VERIFIED, since(phaseStart), releases, probes, ""),
                        objects);
            }
            String detail = "probe " + failed.get(0).probe() + " failed: "
                    + failed.get(0).lastObserved()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : "");
            phaseConsole.error("%s", detail);
            String diagnosis = actions.diagnose(prepared);
            phaseConsole.error(
                    "%s",
                    diagnosis.isEmpty()
                            ? "diagnostics: every workload of the phase is ready; the failure is in what it does (see the probe above)"
                            : diagnosis);
            applyFailurePolicy(prepared, options, phaseConsole);
            return new PhaseRun(
                    new PhaseOutcome(
                            phase.id(), PhaseStatus.VERIFY_FAILED, since(phaseStart), releases, probes, detail),
                    objects);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PhaseRun(interrupted(phase, phaseStart, releases, phaseConsole), Map.of());
        } catch (ConfigException e) {
            throw e; // bad input is the user's to fix, not a phase verdict: the CLI exits 2
        } catch (BootstrapException e) {
            if (Thread.currentThread().isInterrupted()) {
                return new PhaseRun(interrupted(phase, phaseStart, releases, phaseConsole), Map.of());
            }
            phaseConsole.error("%s", e.getMessage());
            if (!(e instanceof LockLostException) && !(e instanceof LockHeldException)) {
                String diagnosis = e instanceof HelmLockedException ? "" : actions.diagnose(prepared);
                if (!diagnosis.isEmpty() && !e.getMessage().contains(diagnosis)) {
                    phaseConsole.error("%s", diagnosis);
                }
                applyFailurePolicy(prepared, options, phaseConsole);
            }
            return new PhaseRun(
                    new PhaseOutcome(
                            phase.id(),
                            PhaseStatus.INSTALL_FAILED,
                            since(phaseStart),
                            releases,
                            List.of(),
                            e.getMessage()),
                    Map.of());
        }
    }

    private PhaseOutcome interrupted(
            Phase phase, Instant phaseStart, List<ReleaseOutcome> releases, Console phaseConsole) {
        phaseConsole.warn(
                "interrupted: stopping before anything else changes; the next `up` continues from '%s'", phase.id());
        return new PhaseOutcome(
                phase.id(), PhaseStatus.INTERRUPTED, since(phaseStart), releases, List.of(), "interrupted");
    }

    /** Releases of a changed phase that did not change themselves: same digest and revision as the ledger recorded. */
    private static java.util.Set<String> unchangedReleases(
            PreparedPhase prepared, Map<String, Integer> deployed, Optional<LedgerEntry> entry) {
        if (entry.isEmpty()
                || !(entry.get().verdict() == PhaseStatus.VERIFIED
                        || entry.get().verdict() == PhaseStatus.UNVERIFIED
                        || entry.get().verdict() == PhaseStatus.VERIFY_FAILED)) {
            return java.util.Set.of();
        }
        java.util.Set<String> same = new java.util.HashSet<>();
        for (String release : prepared.releaseNames()) {
            String hash = prepared.releaseHashes().get(release);
            if (hash != null
                    && hash.equals(entry.get().releaseHashes().get(release))
                    && deployed.containsKey(release)
                    && deployed.get(release).equals(entry.get().revisions().get(release))) {
                same.add(release);
            }
        }
        return same;
    }

    private boolean unchanged(PreparedPhase prepared, Map<String, Integer> deployed, LedgerState state) {
        // The install itself succeeded in these three; a failed or interrupted install must be redone.
        return state.entry(prepared.phaseId())
                .filter(e -> e.verdict() == PhaseStatus.VERIFIED
                        || e.verdict() == PhaseStatus.UNVERIFIED
                        || e.verdict() == PhaseStatus.VERIFY_FAILED)
                .filter(e -> e.configHash().equals(prepared.configHash()))
                .filter(e -> e.revisions().equals(deployed))
                .filter(e -> deployed.keySet().containsAll(prepared.releaseNames()))
                .isPresent();
    }

    private void applyFailurePolicy(PreparedPhase prepared, RunOptions options, Console phaseConsole) {
        if (options.onFailure() != RunOptions.FailurePolicy.ROLLBACK) {
            phaseConsole.info("keeping the failed release(s) for inspection (--on-failure keep)");
            return;
        }
        try {
            List<String> undone = actions.rollback(prepared);
            undone.forEach(line -> phaseConsole.info("%s", line));
            phaseConsole.info(
                    "%s",
                    undone.isEmpty()
                            ? "nothing to roll back: this run changed no release of the phase"
                            : "rolled back what this run changed (--on-failure rollback)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BootstrapException e) {
            phaseConsole.error("rollback failed: %s", e.getMessage());
        }
    }

    /**
     * Release -> chart of the releases this config replaces that obs-bootstrap installed: those of the components the
     * phase no longer installs ({@link PreparedPhase#replaces}) that the phase's ledger entry records as installed,
     * and those it still lists as replaced but not yet removed (a run stopped before it removed them).
     */
    private static Map<String, String> replacedInstalled(PreparedPhase prepared, Optional<LedgerEntry> entry) {
        Map<String, String> replaced = new LinkedHashMap<>();
        if (entry.isEmpty()) {
            return replaced;
        }
        Set<String> candidates =
                new java.util.LinkedHashSet<>(prepared.replaces().keySet());
        candidates.addAll(entry.get().replaced().keySet());
        for (String release : candidates) {
            if (prepared.releases().containsKey(release)) {
                continue; // switched back: the release is the config's own again
            }
            if (entry.get().revisions().containsKey(release)) {
                replaced.put(release, entry.get().charts().getOrDefault(release, ""));
            } else if (entry.get().replaced().containsKey(release)) {
                replaced.put(release, entry.get().replaced().get(release));
            }
        }
        return replaced;
    }

    /** A phase's outcome once the releases its config replaced are dealt with, and the ledger as it is then. */
    private record Replacement(PhaseOutcome outcome, LedgerState state) {}

    /**
     * For a phase verified with its new releases: uninstalls the releases the config replaced (only now, so the old
     * component keeps working until its replacement is proven) and takes them off the ledger once they are gone. The
     * ledger already lists them (as replaced) when this starts, so a run stopped in between leaves them known to the
     * next one, which removes them after verifying the phase again. Releases uninstalled are added to the outcome;
     * a failure makes the phase fail, since the stack is then not what the config says.
     */
    private Replacement removeReplaced(
            Phase phase,
            PreparedPhase prepared,
            PhaseOutcome verified,
            Map<String, String> replaced,
            LedgerState state,
            RunLock.Held held) {
        if (replaced.isEmpty() && prepared.replaces().isEmpty()) {
            return new Replacement(verified, state);
        }
        Console phaseConsole = console.forPhase(phase.id());
        Instant start = clock.instant();
        List<ReleaseOutcome> releases = new ArrayList<>(verified.releases());
        try {
            held.checkHeld();
            List<ReleaseOutcome> removed = actions.removeReplaced(prepared, replaced, phaseConsole);
            releases.addAll(removed);
            PhaseOutcome outcome = new PhaseOutcome(
                    verified.phase(),
                    verified.status(),
                    verified.duration().plus(since(start)),
                    releases,
                    verified.probes(),
                    verified.detail());
            if (replaced.isEmpty()) {
                return new Replacement(outcome, state);
            }
            LedgerState next = state.entry(phase.id())
                    .map(entry -> state.with(entry.withoutReplaced(replaced.keySet())))
                    .orElse(state);
            writeQuietly(next);
            return new Replacement(outcome, next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Replacement(interrupted(phase, start.minus(verified.duration()), releases, phaseConsole), state);
        } catch (ConfigException e) {
            throw e;
        } catch (BootstrapException e) {
            if (replaced.isEmpty()) {
                // only looked for a release of another choice that someone else installed: nothing of ours is left
                phaseConsole.warn("could not look for releases of %s's other choices: %s", phase.id(), e.getMessage());
                return new Replacement(verified, state);
            }
            String detail = "verified, but uninstalling " + String.join(", ", replaced.keySet())
                    + ", which this config replaces, failed: " + e.getMessage();
            phaseConsole.error("%s", detail);
            PhaseOutcome failed = new PhaseOutcome(
                    verified.phase(),
                    PhaseStatus.INSTALL_FAILED,
                    verified.duration().plus(since(start)),
                    releases,
                    verified.probes(),
                    detail);
            return new Replacement(failed, state);
        }
    }

    private LedgerState record(
            LedgerState state, PhaseRun run, PreparedPhase prepared, String runId, Map<String, String> replaced) {
        PhaseOutcome outcome = run.outcome();
        if (outcome.status() == PhaseStatus.INTERRUPTED) {
            return state; // nothing reliable to record about the releases: the next run redoes this phase
        }
        Map<String, Integer> revisions = new LinkedHashMap<>();
        Map<String, String> charts = new LinkedHashMap<>();
        for (ReleaseOutcome release : outcome.releases()) {
            revisions.put(release.release(), release.revision());
            charts.put(release.release(), release.chart());
        }
        LedgerState next = state.with(new LedgerEntry(
                outcome.phase(),
                prepared.configHash(),
                charts,
                revisions,
                outcome.status(),
                clock.instant(),
                runId,
                run.objects(),
                prepared.releaseHashes(),
                replaced,
                prepared.inputsHash()));
        if (!changedNothing(outcome)) {
            writeQuietly(next);
        }
        return next;
    }

    /**
     * A phase that passed with every release unchanged changed nothing in the cluster: its entry reaches the ledger
     * with the ledger's next write (the next phase's, or the run's last, which every run makes) instead of a write of
     * its own, which cost an unchanged {@code up} one ConfigMap update per phase to say that nothing happened. Should
     * the run die before that write, the ledger lacks only this run's word that the phase was still as recorded, and
     * the next run checks it again; a phase that installed, upgraded, repaired or failed is written at once.
     */
    private static boolean changedNothing(PhaseOutcome outcome) {
        return (outcome.status() == PhaseStatus.VERIFIED || outcome.status() == PhaseStatus.UNVERIFIED)
                && !outcome.releases().isEmpty()
                && outcome.releases().stream().allMatch(release -> release.action() == ReleaseAction.UNCHANGED);
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

    // ---- selection --------------------------------------------------------------------------------------------------

    /**
     * --from/--only name known phases and are not combined. Checked by the CLI before it connects anywhere, and again
     * here for callers that did not.
     *
     * @throws ConfigException naming the phase, with a suggestion
     */
    public static void checkSelection(PhasePlan plan, RunOptions options) {
        options.from().ifPresent(id -> plan.phase(id, "--from"));
        options.only().ifPresent(id -> plan.phase(id, "--only"));
        if (options.from().isPresent() && options.only().isPresent()) {
            throw new ConfigException(
                    "--from and --only cannot be combined: --from runs a phase and all after it, --only runs one");
        }
    }

    /** Whether --only / --from select phase {@code id}. */
    public static boolean selected(PhasePlan plan, String id, RunOptions options) {
        if (options.only().isPresent()) {
            return options.only().get().equals(id);
        }
        return options.from()
                .map(from -> plan.ids().indexOf(id) >= plan.ids().indexOf(from))
                .orElse(true);
    }

    /**
     * With --from/--only, a phase that runs but depends on one left out needs that one verified (or switched off) in
     * the ledger. Checked before anything runs, so refusing changes nothing: it is bad input (exit 2), not a run that
     * skipped the very phase it was asked for and still reported success.
     */
    private void checkLeftOutDependencies(RunOptions options, LedgerState state) {
        if (options.from().isEmpty() && options.only().isEmpty()) {
            return;
        }
        String option = options.only()
                .map(id -> "--only " + id)
                .orElseGet(() -> "--from " + options.from().get());
        for (Phase phase : plan.ordered()) {
            if (!selected(plan, phase.id(), options) || !phase.enabled(config)) {
                continue;
            }
            for (String dependency : phase.dependsOn()) {
                if (selected(plan, dependency, options)
                        || !plan.phase(dependency).enabled(config)) {
                    continue;
                }
                PhaseStatus verdict =
                        state.entry(dependency).map(LedgerEntry::verdict).orElse(null);
                if (verdict != PhaseStatus.VERIFIED && verdict != PhaseStatus.UNVERIFIED) {
                    throw new ConfigException(option + ": phase " + phase.id() + " needs " + dependency
                            + " verified first, and the ledger has it "
                            + (verdict == null ? "never run" : verdict.name())
                            + ": run `up` without --from/--only, or `up --from " + dependency + "`");
                }
            }
        }
    }

    private Duration since(Instant start) {
        return Duration.between(start, clock.instant());
    }
}
