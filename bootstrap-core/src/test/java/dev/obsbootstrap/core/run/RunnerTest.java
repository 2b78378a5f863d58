package dev.obsbootstrap.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.lock.LockHeldException;
import dev.obsbootstrap.core.lock.LockHolder;
import dev.obsbootstrap.core.lock.LockLostException;
import dev.obsbootstrap.core.lock.RunIdentity;
import dev.obsbootstrap.core.lock.RunLock;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.RecordingConsole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunnerTest {
    private static final List<String> ORDER = List.of("crds", "metrics", "logs", "traces", "alerting");

    private final FakeActions actions = new FakeActions();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private RunLock lock = RunLock.none();
    private final RecordingConsole console = new RecordingConsole();

    private static RunIdentity me(String runId) {
        return new RunIdentity(runId, "tester", "test-host", 4242);
    }

    @Test
    void runsEveryPhaseInOrderEachVerifiedBeforeTheNextStarts() {
        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.phases()).extracting(PhaseOutcome::phase).containsExactlyElementsOf(ORDER);
        assertThat(report.phases()).extracting(PhaseOutcome::status).containsOnly(PhaseStatus.VERIFIED);
        List<String> expected = new ArrayList<>();
        ORDER.forEach(id -> expected.add("prepare:" + id));
        ORDER.forEach(id -> expected.add("revisions:" + id));
        expected.add("check:" + String.join(",", ORDER));
        for (String id : ORDER) {
            expected.addAll(List.of("revisions:" + id, "install:" + id, "verify:" + id));
        }
        assertThat(actions.calls)
                .as("every phase prepared and checked before the first install")
                .containsExactlyElementsOf(expected);
        assertThat(ledger.state.phases().keySet()).containsExactlyElementsOf(ORDER);
        assertThat(ledger.state.entry("logs").orElseThrow().verdict()).isEqualTo(PhaseStatus.VERIFIED);
        assertThat(ledger.state.entry("logs").orElseThrow().configHash()).isEqualTo("hash-logs-1");
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.FINISHED);
    }

    @Test
    void anInstallFailureStopsTheRunAndLaterPhasesAreNeverTouched() {
        actions.failInstall.add("logs");

        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.CLUSTER_FAILURE);
        assertThat(statuses(report))
                .containsExactly(
                        PhaseStatus.VERIFIED,
                        PhaseStatus.VERIFIED,
                        PhaseStatus.INSTALL_FAILED,
                        PhaseStatus.SKIPPED,
                        PhaseStatus.SKIPPED);
        assertThat(report.phases().get(3).detail()).isEqualTo("blocked by logs");
        assertThat(actions.calls).noneMatch(c -> c.equals("install:traces") || c.equals("install:alerting"));
        assertThat(actions.calls).contains("diagnose:logs");
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.FAILED);
        assertThat(ledger.state.lastRun().stoppedAt()).isEqualTo("logs");
    }

    @Test
    void aFailedProbeIsAVerificationFailureAndBlocksTheNextPhase() {
        actions.failProbe.add("traces");

        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
        assertThat(report.phases().get(3).status()).isEqualTo(PhaseStatus.VERIFY_FAILED);
        assertThat(report.phases().get(3).detail()).contains("span-round-trip");
        assertThat(report.phases().get(4).status()).isEqualTo(PhaseStatus.SKIPPED);
        assertThat(actions.calls).doesNotContain("install:alerting");
    }

    @Test
    void theLedgerRecordsEachPhasesRenderInputsAndTheNextRunPreparesKnowingThem() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(actions.recordedInputs)
                .as("a first run has no entry to compare with")
                .containsExactlyElementsOf(
                        ORDER.stream().map(id -> id + ":none").toList());
        assertThat(ledger.state.entry("logs").orElseThrow().inputsHash()).isEqualTo("inputs-logs-1");

        actions.recordedInputs.clear();
        actions.hashSuffix.put("traces", "2");
        runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(actions.recordedInputs)
                .as("each phase is prepared with what the ledger recorded before the run, read before any render")
                .containsExactlyElementsOf(
                        ORDER.stream().map(id -> id + ":inputs-" + id + "-1").toList());
        assertThat(ledger.state.entry("traces").orElseThrow().inputsHash()).isEqualTo("inputs-traces-2");
        assertThat(ledger.state.entry("logs").orElseThrow().inputsHash()).isEqualTo("inputs-logs-1");
    }

    @Test
    void aSecondRunWithNoChangeUpgradesNothingButStillProbes() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();

        RunReport second = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).noneMatch(c -> c.startsWith("install:"));
        assertThat(actions.calls).filteredOn(c -> c.startsWith("verify:")).hasSize(5);
        assertThat(actions.calls)
                .filteredOn(c -> c.startsWith("await:"))
                .as("an unchanged phase is still awaited")
                .hasSize(5);
        assertThat(second.phases().get(1).releases())
                .extracting(ReleaseOutcome::action)
                .containsOnly(ReleaseAction.UNCHANGED);
    }

    @Test
    void phasesThatChangedNothingReachTheLedgerWithTheRunsLastWriteAndAnUpgradeAtOnce() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        int firstRunWrites = ledger.writes;
        ledger.history.clear();
        ledger.writes = 0;

        runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        // the run's start, and its end with every phase's new entry: not one update per unchanged phase
        assertThat(ledger.writes).isEqualTo(2).isLessThan(firstRunWrites);
        assertThat(ledger.state.phases().values())
                .hasSize(5)
                .allSatisfy(entry -> assertThat(entry.runId()).isEqualTo("run-2"));
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.FINISHED);

        ledger.history.clear();
        ledger.writes = 0;
        actions.revisions.put("obs-loki", 7); // someone else's revision: logs is upgraded, the others are unchanged

        runner(config(Map.of())).up(me("run-3"), RunOptions.defaults());

        LedgerState afterLogs = ledger.history.stream()
                .filter(state ->
                        state.entry("logs").map(e -> e.runId().equals("run-3")).orElse(false))
                .findFirst()
                .orElseThrow();
        assertThat(afterLogs.lastRun().state())
                .as("the upgraded phase is recorded by a write of its own, while the run still runs")
                .isEqualTo(RunState.RUNNING);
        assertThat(afterLogs.entry("crds").orElseThrow().runId())
                .as("and that write carries the unchanged phases before it")
                .isEqualTo("run-3");
    }

    @Test
    void aPhaseWhoseProbesFailedIsProbedAgainButNotReinstalledWhenNothingChanged() {
        actions.failProbe.add("logs");
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.failProbe.clear();
        actions.calls.clear();

        RunReport second = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls)
                .filteredOn(c -> c.startsWith("install:"))
                .containsExactly("install:traces", "install:alerting");
        assertThat(actions.calls).contains("verify:logs");
    }

    @Test
    void aChangedHashOrAForeignRevisionUpgradesThatPhaseOnly() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();
        actions.hashSuffix.put("logs", "2"); // values changed
        actions.revisions.put("obs-tempo", 7); // someone ran helm upgrade by hand

        runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(actions.calls)
                .filteredOn(c -> c.startsWith("install:"))
                .containsExactly("install:logs", "install:traces");
    }

    @Test
    void theNextRunResumesAfterAFailure() {
        actions.failInstall.add("logs");
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.failInstall.clear();
        actions.calls.clear();

        RunReport second = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls)
                .filteredOn(c -> c.startsWith("install:"))
                .containsExactly("install:logs", "install:traces", "install:alerting");
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.FINISHED);
    }

    @Test
    void anInterruptRecordsWhereItStoppedAndTouchesNothingAfter() {
        actions.interruptInstall.add("logs");

        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(report.phases().get(2).status()).isEqualTo(PhaseStatus.INTERRUPTED);
        assertThat(report.phases().subList(3, 5))
                .extracting(PhaseOutcome::detail)
                .containsOnly("run interrupted in logs");
        assertThat(actions.calls)
                .noneMatch(
                        c -> c.equals("install:traces") || c.equals("install:alerting") || c.equals("diagnose:logs"));
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(ledger.state.lastRun().stoppedAt()).isEqualTo("logs");
        assertThat(ledger.state.entry("logs")).isEmpty();
        assertThat(Thread.interrupted())
                .as("the interrupt flag is kept for the caller")
                .isTrue();

        actions.interruptInstall.clear();
        actions.calls.clear();
        RunReport resumed = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());
        assertThat(resumed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls)
                .filteredOn(c -> c.startsWith("install:"))
                .containsExactly("install:logs", "install:traces", "install:alerting");
    }

    @Test
    void aDisabledPhaseDoesNotBlockTheOnesAfterIt() {
        RunReport report = runner(config(Map.of("traces", false))).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.phases().get(3).status()).isEqualTo(PhaseStatus.DISABLED);
        assertThat(report.phases().get(4).status()).isEqualTo(PhaseStatus.VERIFIED);
        assertThat(actions.calls).noneMatch(c -> c.endsWith(":traces"));
    }

    @Test
    void onlyRunsOnePhaseWhenItsParentsAreVerifiedInTheLedger() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();
        actions.hashSuffix.put("logs", "2");

        RunReport report = runner(config(Map.of()))
                .up(
                        me("run-2"),
                        new RunOptions(false, Optional.empty(), Optional.of("logs"), RunOptions.FailurePolicy.KEEP));

        assertThat(actions.calls)
                .containsExactly(
                        "prepare:logs",
                        "revisions:logs",
                        "check:logs",
                        "revisions:logs",
                        "install:logs",
                        "verify:logs");
        assertThat(report.phases())
                .filteredOn(p -> !p.phase().equals("logs"))
                .extracting(PhaseOutcome::detail)
                .containsOnly("not selected by --only");
    }

    @Test
    void onlyRefusesAPhaseWhoseParentWasNeverVerified() {
        // refused before anything runs, as bad input: a run that skipped the one phase it was asked for is no success
        assertThatThrownBy(() -> runner(config(Map.of()))
                        .up(
                                me("run-1"),
                                new RunOptions(
                                        false, Optional.empty(), Optional.of("logs"), RunOptions.FailurePolicy.KEEP)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--only logs: phase logs needs metrics verified first")
                .hasMessageContaining("never run");
        assertThat(actions.calls)
                .as("nothing but rendering, which runs beside the ledger read")
                .allMatch(call -> call.startsWith("prepare:"));
        assertThat(ledger.state.lastRun().state())
                .as("nothing recorded for a refused run")
                .isEqualTo(RunState.NONE);
    }

    @Test
    void fromRefusesWhenAPhaseBeforeItFailedLastTime() {
        actions.failInstall.add("metrics");
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();

        assertThatThrownBy(() -> runner(config(Map.of()))
                        .up(
                                me("run-2"),
                                new RunOptions(
                                        false, Optional.of("logs"), Optional.empty(), RunOptions.FailurePolicy.KEEP)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from logs: phase logs needs metrics verified first")
                .hasMessageContaining("INSTALL_FAILED");
        assertThat(actions.calls)
                .as("nothing but rendering, which runs beside the ledger read")
                .allMatch(call -> call.startsWith("prepare:"));
    }

    @Test
    void fromStartsAtThatPhaseAndRunsEverythingAfter() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();
        actions.hashSuffix.put("traces", "2");
        actions.hashSuffix.put("alerting", "2");

        runner(config(Map.of()))
                .up(
                        me("run-2"),
                        new RunOptions(false, Optional.of("traces"), Optional.empty(), RunOptions.FailurePolicy.KEEP));

        assertThat(actions.calls)
                .filteredOn(c -> c.startsWith("prepare:"))
                .containsExactly("prepare:traces", "prepare:alerting");
    }

    // ---- issue 7: prepare everything before the first write, one run at a time, recovery, ledger never "running" ----

    @Test
    void aProblemInTheLastPhaseIsFoundBeforeTheFirstWrite() {
        actions.failPrepare.add("alerting");
        actions.failPrepare.add("logs");

        assertThatThrownBy(() -> runner(config(Map.of())).up(me("run-1"), RunOptions.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problems, found before anything was changed")
                .hasMessageContaining("[logs] chart of logs is not available")
                .hasMessageContaining("[alerting] chart of alerting is not available");
        assertThat(actions.calls).noneMatch(c -> c.startsWith("install:") || c.startsWith("check:"));
        assertThat(ledger.writes).as("not a single write").isZero();
    }

    @Test
    void clusterChecksListEveryProblemAndWriteNothing() {
        actions.problems.add(Problem.badInput("[alerting] environment variable HOOK_URL is not set"));
        actions.problems.add(Problem.badInput("[logs] Secret observability/obs-loki-s3 does not exist"));

        assertThatThrownBy(() -> runner(config(Map.of())).up(me("run-1"), RunOptions.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HOOK_URL")
                .hasMessageContaining("obs-loki-s3")
                .hasMessageContaining("nothing was changed");
        assertThat(actions.calls).noneMatch(c -> c.startsWith("install:"));
        assertThat(ledger.writes).isZero();
    }

    @Test
    void aReleaseSomeoneElseLeftPendingIsAClusterProblemNotBadInput() {
        actions.problems.add(Problem.cluster(
                "release obs-loki is pending-upgrade at revision 4, and no obs-bootstrap run explains it"));

        assertThatThrownBy(() -> runner(config(Map.of())).up(me("run-1"), RunOptions.defaults()))
                .isInstanceOf(ClusterException.class)
                .isNotInstanceOf(ConfigException.class)
                .hasMessageContaining("pending-upgrade");
        assertThat(ledger.writes).isZero();
    }

    @Test
    void anotherLiveRunHoldingTheLockIsRefusedBeforeAnyWriteAndLeavesNothingRunning() {
        lock = new RunLock() {
            @Override
            public Optional<LockHolder> holder() {
                return Optional.empty();
            }

            @Override
            public void checkFree(RunIdentity who) {
                throw new LockHeldException(
                        "another obs-bootstrap run holds the lock on namespace observability: run obs-other");
            }

            @Override
            public Held acquire(RunIdentity who) {
                throw new AssertionError("never reached");
            }
        };

        assertThatThrownBy(() -> runner(config(Map.of())).up(me("run-2"), RunOptions.defaults()))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("run obs-other");
        assertThat(actions.calls)
                .as("nothing but rendering, which runs beside the ledger read")
                .allMatch(call -> call.startsWith("prepare:"));
        assertThat(ledger.writes).isZero();
        assertThat(Thread.getAllStackTraces().keySet())
                .as("the refused run's rendering was stopped before up returned")
                .noneMatch(thread -> thread.getName().equals("obs-bootstrap-prepare") && thread.isAlive());
    }

    @Test
    void aRunThatDiedIsMarkedInterruptedAndWhatItWasWritingIsRecovered() {
        ledger.state = LedgerState.empty()
                .withLastRun(new LedgerState.LastRun(
                        "run-dead",
                        RunState.RUNNING,
                        "logs",
                        java.time.Instant.parse("2026-12-01T10:00:00Z"),
                        "ci@runner-1 pid 99",
                        Map.of("obs-loki", 2)));

        RunReport report = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.recovered).containsExactly(Map.of("obs-loki", 2));
        assertThat(actions.calls.indexOf("recover"))
                .as("recovered before the first install")
                .isLessThan(actions.calls.indexOf("install:crds"));
        assertThat(console.text())
                .contains(
                        "the previous run run-dead (ci@runner-1 pid 99) died in phase 'logs' without finishing",
                        "obs-loki recovered");
        assertThat(ledger.history)
                .anyMatch(state -> state.lastRun().runId().equals("run-dead")
                        && state.lastRun().state() == RunState.INTERRUPTED);
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.FINISHED);
    }

    @Test
    void everyHelmWriteIsInTheLedgerBeforeItHappens() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(actions.lastRunAtInstall).hasSize(5);
        assertThat(actions.lastRunAtInstall.get(2).state()).isEqualTo(RunState.RUNNING);
        assertThat(actions.lastRunAtInstall.get(2).inFlight()).containsEntry("obs-loki", 1);
        assertThat(actions.lastRunAtInstall.get(2).holder()).isEqualTo("tester@test-host pid 4242");
        assertThat(ledger.state.lastRun().inFlight())
                .as("cleared when the run ends")
                .isEmpty();
    }

    @Test
    void theLedgerNeverStaysRunningEvenWhenSomethingUnexpectedBreaks() {
        actions.bug = new IllegalStateException("a bug");

        assertThatThrownBy(() -> runner(config(Map.of())).up(me("run-1"), RunOptions.defaults()))
                .hasMessage("a bug");
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.FAILED);
        assertThat(ledger.state.lastRun().stoppedAt()).isEqualTo("crds");
    }

    @Test
    void aPhaseWhoseObjectsWereDeletedOutOfBandIsInstalledAgain() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();
        actions.missing.put("logs", List.of("Deployment observability/obs-loki-gateway"));

        RunReport second = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(actions.calls).filteredOn(c -> c.startsWith("install:")).containsExactly("install:logs");
        assertThat(second.phases().get(2).releases())
                .extracting(ReleaseOutcome::action)
                .containsExactly(ReleaseAction.REPAIRED);
        assertThat(console.text())
                .contains(
                        "1 object of this phase was deleted outside obs-bootstrap (Deployment observability/obs-loki-gateway)");
    }

    /**
     * The checks before the lock and the phases after it may use the same answers of the cluster (ClusterPhaseActions
     * keeps them a moment), unless another run wrote in between: it records itself in the ledger before it writes
     * anything, so a ledger that changed while this run took the lock says the answers are stale.
     */
    @Test
    void answersReadBeforeTheLockAreForgottenWhenAnotherRunWroteBeforeItWasTaken() {
        assertThat(runner(config(Map.of()))
                        .up(me("run-1"), RunOptions.defaults())
                        .exitCode())
                .isEqualTo(ExitCode.OK);
        actions.forgotReads = 0;

        assertThat(runner(config(Map.of()))
                        .up(me("run-2"), RunOptions.defaults())
                        .exitCode())
                .isEqualTo(ExitCode.OK);
        assertThat(actions.forgotReads)
                .as("nobody wrote between the checks and the lock")
                .isZero();

        RunLock free = lock;
        lock = new RunLock() {
            @Override
            public Optional<LockHolder> holder() {
                return free.holder();
            }

            @Override
            public void checkFree(RunIdentity who) {
                free.checkFree(who);
            }

            @Override
            public Held acquire(RunIdentity who) {
                // another run took the lock first, ran and finished while this one waited for it
                ledger.write(ledger.state.withLastRun(
                        new LedgerState.LastRun("run-other", RunState.RUNNING, "", Instant.now(), "other", Map.of())
                                .with(RunState.FINISHED, "", Instant.now())));
                return free.acquire(who);
            }
        };

        assertThat(runner(config(Map.of()))
                        .up(me("run-3"), RunOptions.defaults())
                        .exitCode())
                .isEqualTo(ExitCode.OK);
        assertThat(actions.forgotReads).isEqualTo(1);
    }

    @Test
    void losingTheLockStopsTheRunBeforeTheNextChange() {
        int[] checks = {0};
        lock = new RunLock() {
            @Override
            public Optional<LockHolder> holder() {
                return Optional.empty();
            }

            @Override
            public void checkFree(RunIdentity who) {}

            @Override
            public Held acquire(RunIdentity who) {
                return new Held() {
                    @Override
                    public Optional<LockHolder> tookOverFrom() {
                        return Optional.empty();
                    }

                    @Override
                    public void checkHeld() {
                        if (++checks[0] > 2) {
                            throw new LockLostException("this run lost the lock: it was taken over by run obs-other");
                        }
                    }

                    @Override
                    public void close() {}
                };
            }
        };

        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(statuses(report))
                .containsExactly(
                        PhaseStatus.VERIFIED,
                        PhaseStatus.VERIFIED,
                        PhaseStatus.INSTALL_FAILED,
                        PhaseStatus.SKIPPED,
                        PhaseStatus.SKIPPED);
        assertThat(actions.calls).doesNotContain("install:logs", "rollback:logs", "diagnose:logs");
    }

    @Test
    void aRunStoppedBeforeItStartedChangesNothingAndSaysSo() {
        Thread.currentThread().interrupt();
        try {
            RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

            assertThat(report.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
            assertThat(report.failure())
                    .hasValueSatisfying(f -> assertThat(f.message()).contains("nothing was changed"));
            assertThat(statuses(report)).containsOnly(PhaseStatus.SKIPPED);
            assertThat(actions.calls)
                    .as("nothing but rendering, which runs beside the ledger read")
                    .allMatch(call -> call.startsWith("prepare:"));
            assertThat(ledger.writes).isZero();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void rollbackLinesSayWhatWasUndone() {
        actions.failProbe.add("metrics");

        runner(config(Map.of()))
                .up(
                        me("run-1"),
                        new RunOptions(false, Optional.empty(), Optional.empty(), RunOptions.FailurePolicy.ROLLBACK));

        assertThat(console.text()).contains("obs-metrics rolled back", "rolled back what this run changed");
    }

    @Test
    void unknownOrCombinedSelectionsAreBadInput() {
        assertThatThrownBy(() -> runner(config(Map.of()))
                        .up(
                                me("r"),
                                new RunOptions(
                                        false, Optional.of("tracse"), Optional.empty(), RunOptions.FailurePolicy.KEEP)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from tracse: unknown phase 'tracse'; did you mean 'traces'?");
        assertThatThrownBy(() -> runner(config(Map.of()))
                        .up(
                                me("r"),
                                new RunOptions(
                                        false,
                                        Optional.of("logs"),
                                        Optional.of("logs"),
                                        RunOptions.FailurePolicy.KEEP)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be combined");
    }

    @Test
    void rollbackPolicyPutsTheFailedPhaseBack() {
        actions.failProbe.add("metrics");

        runner(config(Map.of()))
                .up(
                        me("run-1"),
                        new RunOptions(false, Optional.empty(), Optional.empty(), RunOptions.FailurePolicy.ROLLBACK));

        assertThat(actions.calls).contains("rollback:metrics");
    }

    @Test
    void skipVerifyLeavesPhasesUnverifiedAndRunsNoProbe() {
        RunReport report = runner(config(Map.of()))
                .up(
                        me("run-1"),
                        new RunOptions(true, Optional.empty(), Optional.empty(), RunOptions.FailurePolicy.KEEP));

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(statuses(report)).containsOnly(PhaseStatus.UNVERIFIED);
        assertThat(actions.calls).noneMatch(c -> c.startsWith("verify:"));
    }

    // ---- a choice switched: the old release goes once the phase is verified with the new one

    /** logs installed with release obs-old, then the config switches the phase to obs-new (another component). */
    private void switchLogsFromOldToNew() {
        actions.chosenRelease.put("logs", "obs-old");
        assertThat(runner(config(Map.of()))
                        .up(me("run-1"), RunOptions.defaults())
                        .exitCode())
                .isEqualTo(ExitCode.OK);
        actions.calls.clear();
        actions.chosenRelease.put("logs", "obs-new");
        actions.replacedRelease.put("logs", "obs-old");
        actions.hashSuffix.put("logs", "switched");
    }

    @Test
    void aReplacedReleaseIsUninstalledOnlyAfterThePhaseVerifiedWithItsReplacement() {
        switchLogsFromOldToNew();

        RunReport report = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls)
                .containsSubsequence("install:logs", "verify:logs", "removeReplaced:logs:[obs-old]", "verify:traces");
        assertThat(actions.revisions).doesNotContainKey("obs-old").containsKey("obs-new");
        assertThat(report.phases().get(2).releases())
                .extracting(ReleaseOutcome::release, ReleaseOutcome::action)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("obs-new", ReleaseAction.INSTALLED),
                        org.assertj.core.groups.Tuple.tuple("obs-old", ReleaseAction.REPLACED));
        LedgerEntry logs = ledger.state.entry("logs").orElseThrow();
        assertThat(logs.revisions()).containsOnlyKeys("obs-new");
        assertThat(logs.replaced()).isEmpty();
        assertThat(ledger.history)
                .as("the ledger listed obs-old as replaced before it was uninstalled")
                .anySatisfy(state -> assertThat(
                                state.entry("logs").map(LedgerEntry::replaced).orElse(Map.of()))
                        .containsEntry("obs-old", "logs@1.0.0"));
    }

    @Test
    void aFailingVerificationKeepsTheReplacedReleaseAndTheNextVerifiedUpRemovesIt() {
        switchLogsFromOldToNew();
        actions.failProbe.add("logs");

        RunReport failed = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(failed.phases().get(2).status()).isEqualTo(PhaseStatus.VERIFY_FAILED);
        assertThat(actions.calls).noneMatch(call -> call.startsWith("removeReplaced:"));
        assertThat(actions.revisions).containsKeys("obs-old", "obs-new");
        assertThat(ledger.state.entry("logs").orElseThrow().replaced()).containsOnlyKeys("obs-old");
        assertThat(console.lines())
                .anyMatch(line -> line.contains("obs-old kept until this phase is verified with obs-new"));

        actions.failProbe.clear();
        actions.calls.clear();
        RunReport fixed = runner(config(Map.of())).up(me("run-3"), RunOptions.defaults());

        assertThat(fixed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).containsSubsequence("verify:logs", "removeReplaced:logs:[obs-old]");
        assertThat(actions.revisions).doesNotContainKey("obs-old");
        assertThat(ledger.state.entry("logs").orElseThrow().replaced()).isEmpty();
    }

    @Test
    void skipVerifyKeepsTheReplacedRelease() {
        switchLogsFromOldToNew();

        RunReport report = runner(config(Map.of()))
                .up(
                        me("run-2"),
                        new RunOptions(true, Optional.empty(), Optional.empty(), RunOptions.FailurePolicy.KEEP));

        assertThat(report.phases().get(2).status()).isEqualTo(PhaseStatus.UNVERIFIED);
        assertThat(actions.calls).noneMatch(call -> call.startsWith("removeReplaced:"));
        assertThat(actions.revisions).containsKey("obs-old");
        assertThat(ledger.state.entry("logs").orElseThrow().replaced()).containsOnlyKeys("obs-old");
    }

    @Test
    void aRunInterruptedWhileRemovingTheReplacedReleaseLeavesItToTheNextUp() {
        switchLogsFromOldToNew();
        actions.interruptRemoval.add("logs");

        RunReport interrupted = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(interrupted.phases().get(2).status()).isEqualTo(PhaseStatus.INTERRUPTED);
        assertThat(interrupted.phases().get(3).status()).isEqualTo(PhaseStatus.SKIPPED);
        assertThat(ledger.state.entry("logs").orElseThrow().replaced()).containsOnlyKeys("obs-old");
        Thread.interrupted(); // the run restores the interrupt flag for its caller

        actions.interruptRemoval.clear();
        actions.calls.clear();
        RunReport next = runner(config(Map.of())).up(me("run-3"), RunOptions.defaults());

        assertThat(next.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls)
                .as("the phase is unchanged, verified again, and only then is obs-old removed")
                .containsSubsequence("await:logs", "verify:logs", "removeReplaced:logs:[obs-old]")
                .doesNotContain("install:logs");
        assertThat(actions.revisions).doesNotContainKey("obs-old");
        assertThat(ledger.state.entry("logs").orElseThrow().replaced()).isEmpty();
    }

    @Test
    void aFailedRemovalFailsThePhaseAndKeepsTheReleaseKnown() {
        switchLogsFromOldToNew();
        actions.failRemoval.add("logs");

        RunReport report = runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.CLUSTER_FAILURE);
        assertThat(report.phases().get(2).status()).isEqualTo(PhaseStatus.INSTALL_FAILED);
        assertThat(report.phases().get(2).detail())
                .startsWith("verified, but uninstalling obs-old, which this config replaces, failed:");
        assertThat(report.phases().get(3).status()).isEqualTo(PhaseStatus.SKIPPED);
        assertThat(ledger.state.entry("logs").orElseThrow().replaced()).containsOnlyKeys("obs-old");
    }

    @Test
    void aReleaseTheLedgerDoesNotKnowIsNeverHandedOverForRemoval() {
        // obs-old exists, but no up of this stack installed it
        actions.revisions.put("obs-old", 4);
        actions.chosenRelease.put("logs", "obs-new");
        actions.replacedRelease.put("logs", "obs-old");

        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).contains("removeReplaced:logs:[]");
        assertThat(actions.revisions).containsEntry("obs-old", 4);
    }

    @Test
    void failingToLookForAnotherChoicesReleaseWhenNoneIsOursOnlyWarns() {
        actions.chosenRelease.put("logs", "obs-new");
        actions.replacedRelease.put("logs", "obs-old");
        actions.failRemoval.add("logs");

        RunReport report = runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.phases().get(2).status()).isEqualTo(PhaseStatus.VERIFIED);
        assertThat(console.lines()).anyMatch(line -> line.startsWith("WARN [logs] could not look for releases"));
    }

    @Test
    void downAfterAnUnfinishedSwitchHandsOverBothReleases() {
        switchLogsFromOldToNew();
        actions.failProbe.add("logs");
        runner(config(Map.of())).up(me("run-2"), RunOptions.defaults());

        runner(config(Map.of())).down(me("run-3"), false);

        assertThat(actions.recordedAtDown.get("logs")).containsExactlyInAnyOrder("obs-new", "obs-old");
        assertThat(ledger.state.phases()).isEmpty();
    }

    @Test
    void downUninstallsInReverseOrderAndForgetsEachPhase() {
        runner(config(Map.of())).up(me("run-1"), RunOptions.defaults());
        actions.calls.clear();

        RunReport report = runner(config(Map.of())).down(me("run-2"), false);

        assertThat(actions.calls)
                .containsExactly(
                        "uninstall:alerting",
                        "uninstall:traces",
                        "uninstall:logs",
                        "uninstall:metrics",
                        "uninstall:crds");
        assertThat(report.phases()).extracting(PhaseOutcome::phase).containsExactlyElementsOf(ORDER);
        assertThat(statuses(report)).containsOnly(PhaseStatus.REMOVED);
        assertThat(ledger.state.phases()).isEmpty();
        assertThat(ledger.state.lastRun().state()).isEqualTo(RunState.REMOVED);
    }

    private Runner runner(BootstrapConfig config) {
        actions.ledger = ledger;
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < ORDER.size(); i++) {
            phases.add(new TestPhase(ORDER.get(i), i == 0 ? List.of() : List.of(ORDER.get(i - 1))));
        }
        return new Runner(PhasePlan.of(phases), config, actions, ledger, lock, console, Clock.systemUTC());
    }

    private static List<PhaseStatus> statuses(RunReport report) {
        return report.phases().stream().map(PhaseOutcome::status).toList();
    }

    static BootstrapConfig config(Map<String, Boolean> phases) {
        Profile profile = new Profile("ci", "test", Map.of(), Duration.ofSeconds(5), false, Map.of(), Map.of());
        return new BootstrapConfig(
                "<test>",
                profile,
                new BootstrapConfig.ClusterSettings("", "observability", List.of(), List.of()),
                phases,
                Map.of(),
                Map.of(),
                Map.of());
    }

    record TestPhase(String id, List<String> dependsOn) implements Phase {
        @Override
        public String description() {
            return id;
        }

        @Override
        public boolean enabled(BootstrapConfig config) {
            return config.phaseEnabled(id);
        }

        @Override
        public List<String> components(BootstrapConfig config) {
            return List.of(id);
        }

        @Override
        public List<Probe> probes(BootstrapConfig config) {
            return List.of();
        }

        @Override
        public List<dev.obsbootstrap.core.secret.StackSecret> secrets(
                BootstrapConfig config, dev.obsbootstrap.core.config.StackTopology topology) {
            return List.of();
        }
    }

    /** Records every call; its cluster is a map of release -> revision. */
    static final class FakeActions implements PhaseActions {
        final List<String> calls = new ArrayList<>();
        /** phase:inputsHash of the ledger entry each prepare was given ("none" without one). */
        final List<String> recordedInputs = java.util.Collections.synchronizedList(new ArrayList<>());

        final Map<String, Integer> revisions = new HashMap<>();
        final Map<String, String> hashSuffix = new HashMap<>();
        final Set<String> failInstall = new HashSet<>();
        final Set<String> failProbe = new HashSet<>();
        final Set<String> interruptInstall = new HashSet<>();

        /** Phase -> the release the config chooses for it, in place of the default below. */
        final Map<String, String> chosenRelease = new HashMap<>();
        /** Phase -> the release of the choice the config switched away from. */
        final Map<String, String> replacedRelease = new HashMap<>();

        final Set<String> interruptRemoval = new HashSet<>();
        final Set<String> failRemoval = new HashSet<>();
        /** Phase -> the releases the ledger handed to down as installed. */
        final Map<String, Set<String>> recordedAtDown = new HashMap<>();

        private String release(String phaseId) {
            return chosenRelease.containsKey(phaseId) ? chosenRelease.get(phaseId) : defaultRelease(phaseId);
        }

        private static String defaultRelease(String phaseId) {
            return Map.of(
                            "crds",
                            "obs-crds",
                            "metrics",
                            "obs-metrics",
                            "logs",
                            "obs-loki",
                            "traces",
                            "obs-tempo",
                            "alerting",
                            "obs-alertmanager")
                    .get(phaseId);
        }

        @Override
        public PreparedPhase prepare(Phase phase) {
            calls.add("prepare:" + phase.id());
            if (failPrepare.contains(phase.id())) {
                throw new ConfigException("chart of " + phase.id() + " is not available");
            }
            return new PreparedPhase(
                    phase.id(),
                    Map.of(release(phase.id()), phase.id() + "@1.0.0"),
                    "hash-" + phase.id() + "-" + hashSuffix.getOrDefault(phase.id(), "1"),
                    Map.of(),
                    Map.of(),
                    replacedRelease.containsKey(phase.id())
                            ? Map.of(replacedRelease.get(phase.id()), phase.id() + "-old")
                            : Map.of(),
                    "inputs-" + phase.id() + "-" + hashSuffix.getOrDefault(phase.id(), "1"));
        }

        @Override
        public PreparedPhase prepare(Phase phase, Recorded recorded) throws InterruptedException {
            recordedInputs.add(phase.id() + ":"
                    + recorded.entry().map(LedgerEntry::inputsHash).orElse("none"));
            return prepare(phase);
        }

        @Override
        public Map<String, Integer> deployedRevisions(PreparedPhase phase, Optional<LedgerEntry> recorded) {
            calls.add("revisions:" + phase.phaseId());
            String release = release(phase.phaseId());
            return revisions.containsKey(release) ? Map.of(release, revisions.get(release)) : Map.of();
        }

        final List<Problem> problems = new ArrayList<>();
        final Map<String, List<String>> missing = new HashMap<>();
        final Set<String> failPrepare = new HashSet<>();
        final List<Map<String, Integer>> recovered = new ArrayList<>();
        final List<LedgerState.LastRun> lastRunAtInstall = new ArrayList<>();
        InMemoryLedger ledger;
        RuntimeException bug;

        @Override
        public List<Problem> check(
                List<PreparedPhase> phases, List<PreparedPhase> changing, Map<String, Integer> deadRunWrites) {
            calls.add("check:"
                    + String.join(
                            ",", phases.stream().map(PreparedPhase::phaseId).toList()));
            return problems;
        }

        @Override
        public List<String> recover(List<PreparedPhase> phases, Map<String, Integer> deadRunWrites) {
            calls.add("recover");
            recovered.add(deadRunWrites);
            return deadRunWrites.keySet().stream()
                    .map(release -> release + " recovered")
                    .toList();
        }

        /** How often the Runner said that what was read of the cluster must be read again. */
        int forgotReads;

        @Override
        public void forgetReads() {
            forgotReads++;
        }

        @Override
        public List<String> missingObjects(PreparedPhase phase, LedgerEntry entry) {
            return missing.getOrDefault(phase.phaseId(), List.of());
        }

        @Override
        public List<ReleaseOutcome> awaitUnchanged(
                PreparedPhase phase, Map<String, Integer> revisions, LedgerEntry recorded, Console console) {
            calls.add("await:" + phase.phaseId());
            String release = release(phase.phaseId());
            return List.of(new ReleaseOutcome(
                    phase.phaseId(),
                    release,
                    phase.phaseId() + "@1.0.0",
                    revisions.getOrDefault(release, 0),
                    ReleaseAction.UNCHANGED,
                    1,
                    1));
        }

        @Override
        public Map<String, List<String>> inventory(PreparedPhase phase) {
            return Map.of(
                    release(phase.phaseId()), List.of("apps/v1 Deployment observability " + release(phase.phaseId())));
        }

        @Override
        public List<ReleaseOutcome> install(
                PreparedPhase phase, Set<String> unchanged, Console console, WriteLog writes)
                throws InterruptedException {
            calls.add("install:" + phase.phaseId());
            String written = release(phase.phaseId());
            writes.writing(written, revisions.getOrDefault(written, 0) + 1);
            if (ledger != null) {
                lastRunAtInstall.add(ledger.state.lastRun());
            }
            if (bug != null) {
                throw bug;
            }
            if (interruptInstall.contains(phase.phaseId())) {
                throw new InterruptedException();
            }
            if (failInstall.contains(phase.phaseId())) {
                throw new ClusterException(
                        "Deployment observability/" + release(phase.phaseId()) + " not ready: CrashLoopBackOff");
            }
            String release = release(phase.phaseId());
            int revision = revisions.merge(release, 1, Integer::sum);
            return List.of(new ReleaseOutcome(
                    phase.phaseId(),
                    release,
                    phase.phaseId() + "@1.0.0",
                    revision,
                    revision == 1 ? ReleaseAction.INSTALLED : ReleaseAction.UPGRADED,
                    1,
                    1));
        }

        @Override
        public List<ProbeResult> verify(Phase phase, Console console) {
            calls.add("verify:" + phase.id());
            boolean passed = !failProbe.contains(phase.id());
            return List.of(new ProbeResult(
                    phase.id(),
                    "span-round-trip",
                    "a span flows",
                    passed,
                    3,
                    Duration.ofSeconds(1),
                    passed ? "found" : "404 trace not found",
                    "",
                    passed ? "" : "check the collector's exporter"));
        }

        @Override
        public String diagnose(PreparedPhase phase) {
            calls.add("diagnose:" + phase.phaseId());
            return "pods: none ready";
        }

        @Override
        public List<String> rollback(PreparedPhase phase) {
            calls.add("rollback:" + phase.phaseId());
            return List.of(release(phase.phaseId()) + " rolled back");
        }

        @Override
        public List<ReleaseOutcome> removeReplaced(PreparedPhase phase, Map<String, String> installed, Console console)
                throws InterruptedException {
            calls.add("removeReplaced:" + phase.phaseId() + ":" + new java.util.TreeSet<>(installed.keySet()));
            if (interruptRemoval.contains(phase.phaseId())) {
                throw new InterruptedException();
            }
            if (failRemoval.contains(phase.phaseId())) {
                throw new ClusterException("uninstall: the API server refused");
            }
            List<ReleaseOutcome> removed = new ArrayList<>();
            for (Map.Entry<String, String> release : installed.entrySet()) {
                Integer revision = revisions.remove(release.getKey());
                if (revision != null) {
                    removed.add(new ReleaseOutcome(
                            phase.replaces().getOrDefault(release.getKey(), release.getKey()),
                            release.getKey(),
                            release.getValue(),
                            revision,
                            ReleaseAction.REPLACED,
                            0,
                            0));
                }
            }
            return removed;
        }

        @Override
        public List<ReleaseOutcome> uninstall(Phase phase, boolean purge, Set<String> recorded) {
            calls.add("uninstall:" + phase.id());
            recordedAtDown.put(phase.id(), recorded);
            return List.of();
        }
    }

    static final class InMemoryLedger implements LedgerStore {
        LedgerState state = LedgerState.empty();
        final List<LedgerState> history = new ArrayList<>();
        int writes;

        @Override
        public LedgerState read() {
            return state;
        }

        @Override
        public void write(LedgerState next) {
            writes++;
            history.add(next);
            state = next;
        }
    }
}
