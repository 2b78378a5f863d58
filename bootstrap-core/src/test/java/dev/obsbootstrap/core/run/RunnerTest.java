package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.report.Console;
import dev.obsbootstrap.core.report.SilentConsole;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunnerTest {
    private static final List<String> ORDER = List.of("crds", "metrics", "logs", "traces", "alerting");

    private final FakeActions actions = new FakeActions();
    private final InMemoryLedger ledger = new InMemoryLedger();

    @Test
    void runsEveryPhaseInOrderEachVerifiedBeforeTheNextStarts() {
        RunReport report = runner(config(Map.of())).up("run-1", RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.phases()).extracting(PhaseOutcome::phase).containsExactlyElementsOf(ORDER);
        assertThat(report.phases()).extracting(PhaseOutcome::status).containsOnly(PhaseStatus.VERIFIED);
        List<String> expected = new ArrayList<>();
        for (String id : ORDER) {
            expected.addAll(List.of("prepare:" + id, "revisions:" + id, "install:" + id, "verify:" + id));
        }
        assertThat(actions.calls).containsExactlyElementsOf(expected);
        assertThat(ledger.state.phases().keySet()).containsExactlyElementsOf(ORDER);
        assertThat(ledger.state.entry("logs").orElseThrow().verdict()).isEqualTo(PhaseStatus.VERIFIED);
        assertThat(ledger.state.entry("logs").orElseThrow().configHash()).isEqualTo("hash-logs-1");
        assertThat(ledger.state.lastRun().state()).isEqualTo("finished");
    }

    @Test
    void anInstallFailureStopsTheRunAndLaterPhasesAreNeverTouched() {
        actions.failInstall.add("logs");

        RunReport report = runner(config(Map.of())).up("run-1", RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.CLUSTER_FAILURE);
        assertThat(statuses(report)).containsExactly(PhaseStatus.VERIFIED, PhaseStatus.VERIFIED, PhaseStatus.INSTALL_FAILED,
                PhaseStatus.SKIPPED, PhaseStatus.SKIPPED);
        assertThat(report.phases().get(3).detail()).isEqualTo("blocked by logs");
        assertThat(actions.calls).noneMatch(c -> c.endsWith(":traces") || c.endsWith(":alerting"));
        assertThat(actions.calls).contains("diagnose:logs");
        assertThat(ledger.state.lastRun().state()).isEqualTo("failed");
        assertThat(ledger.state.lastRun().stoppedAt()).isEqualTo("logs");
    }

    @Test
    void aFailedProbeIsAVerificationFailureAndBlocksTheNextPhase() {
        actions.failProbe.add("traces");

        RunReport report = runner(config(Map.of())).up("run-1", RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
        assertThat(report.phases().get(3).status()).isEqualTo(PhaseStatus.VERIFY_FAILED);
        assertThat(report.phases().get(3).detail()).contains("span-round-trip");
        assertThat(report.phases().get(4).status()).isEqualTo(PhaseStatus.SKIPPED);
        assertThat(actions.calls).doesNotContain("install:alerting");
    }

    @Test
    void aSecondRunWithNoChangeUpgradesNothingButStillProbes() {
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.calls.clear();

        RunReport second = runner(config(Map.of())).up("run-2", RunOptions.defaults());

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).noneMatch(c -> c.startsWith("install:"));
        assertThat(actions.calls).filteredOn(c -> c.startsWith("verify:")).hasSize(5);
        assertThat(second.phases().get(1).releases()).extracting(ReleaseOutcome::action).containsOnly("unchanged");
    }

    @Test
    void aPhaseWhoseProbesFailedIsProbedAgainButNotReinstalledWhenNothingChanged() {
        actions.failProbe.add("logs");
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.failProbe.clear();
        actions.calls.clear();

        RunReport second = runner(config(Map.of())).up("run-2", RunOptions.defaults());

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).filteredOn(c -> c.startsWith("install:")).containsExactly("install:traces", "install:alerting");
        assertThat(actions.calls).contains("verify:logs");
    }

    @Test
    void aChangedHashOrAForeignRevisionUpgradesThatPhaseOnly() {
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.calls.clear();
        actions.hashSuffix.put("logs", "2");          // values changed
        actions.revisions.put("obs-tempo", 7);         // someone ran helm upgrade by hand

        runner(config(Map.of())).up("run-2", RunOptions.defaults());

        assertThat(actions.calls).filteredOn(c -> c.startsWith("install:")).containsExactly("install:logs", "install:traces");
    }

    @Test
    void theNextRunResumesAfterAFailure() {
        actions.failInstall.add("logs");
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.failInstall.clear();
        actions.calls.clear();

        RunReport second = runner(config(Map.of())).up("run-2", RunOptions.defaults());

        assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).filteredOn(c -> c.startsWith("install:"))
                .containsExactly("install:logs", "install:traces", "install:alerting");
        assertThat(ledger.state.lastRun().state()).isEqualTo("finished");
    }

    @Test
    void anInterruptRecordsWhereItStoppedAndTouchesNothingAfter() {
        actions.interruptInstall.add("logs");

        RunReport report = runner(config(Map.of())).up("run-1", RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(report.phases().get(2).status()).isEqualTo(PhaseStatus.INTERRUPTED);
        assertThat(report.phases().subList(3, 5)).extracting(PhaseOutcome::detail).containsOnly("run interrupted in logs");
        assertThat(actions.calls).noneMatch(c -> c.endsWith(":traces") || c.endsWith(":alerting") || c.equals("diagnose:logs"));
        assertThat(ledger.state.lastRun().state()).isEqualTo("interrupted");
        assertThat(ledger.state.lastRun().stoppedAt()).isEqualTo("logs");
        assertThat(ledger.state.entry("logs")).isEmpty();
        assertThat(Thread.interrupted()).as("the interrupt flag is kept for the caller").isTrue();

        actions.interruptInstall.clear();
        actions.calls.clear();
        RunReport resumed = runner(config(Map.of())).up("run-2", RunOptions.defaults());
        assertThat(resumed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(actions.calls).filteredOn(c -> c.startsWith("install:")).containsExactly("install:logs", "install:traces", "install:alerting");
    }

    @Test
    void aDisabledPhaseDoesNotBlockTheOnesAfterIt() {
        RunReport report = runner(config(Map.of("traces", false))).up("run-1", RunOptions.defaults());

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report.phases().get(3).status()).isEqualTo(PhaseStatus.DISABLED);
        assertThat(report.phases().get(4).status()).isEqualTo(PhaseStatus.VERIFIED);
        assertThat(actions.calls).noneMatch(c -> c.endsWith(":traces"));
    }

    @Test
    void onlyRunsOnePhaseWhenItsParentsAreVerifiedInTheLedger() {
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.calls.clear();
        actions.hashSuffix.put("logs", "2");

        RunReport report = runner(config(Map.of())).up("run-2", new RunOptions(false, Optional.empty(), Optional.of("logs"), RunOptions.FailurePolicy.KEEP));

        assertThat(actions.calls).containsExactly("prepare:logs", "revisions:logs", "install:logs", "verify:logs");
        assertThat(report.phases()).filteredOn(p -> !p.phase().equals("logs")).extracting(PhaseOutcome::detail).containsOnly("not selected by --only");
    }

    @Test
    void onlyRefusesAPhaseWhoseParentWasNeverVerified() {
        RunReport report = runner(config(Map.of())).up("run-1", new RunOptions(false, Optional.empty(), Optional.of("logs"), RunOptions.FailurePolicy.KEEP));

        assertThat(report.phases().get(2).status()).isEqualTo(PhaseStatus.SKIPPED);
        assertThat(report.phases().get(2).detail()).contains("needs metrics verified first");
        assertThat(actions.calls).isEmpty();
    }

    @Test
    void fromStartsAtThatPhaseAndRunsEverythingAfter() {
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.calls.clear();
        actions.hashSuffix.put("traces", "2");
        actions.hashSuffix.put("alerting", "2");

        runner(config(Map.of())).up("run-2", new RunOptions(false, Optional.of("traces"), Optional.empty(), RunOptions.FailurePolicy.KEEP));

        assertThat(actions.calls).filteredOn(c -> c.startsWith("prepare:")).containsExactly("prepare:traces", "prepare:alerting");
    }

    @Test
    void unknownOrCombinedSelectionsAreBadInput() {
        assertThatThrownBy(() -> runner(config(Map.of())).up("r", new RunOptions(false, Optional.of("tracse"), Optional.empty(), RunOptions.FailurePolicy.KEEP)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown phase 'tracse'");
        assertThatThrownBy(() -> runner(config(Map.of())).up("r", new RunOptions(false, Optional.of("logs"), Optional.of("logs"), RunOptions.FailurePolicy.KEEP)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be combined");
    }

    @Test
    void rollbackPolicyPutsTheFailedPhaseBack() {
        actions.failProbe.add("metrics");

        runner(config(Map.of())).up("run-1", new RunOptions(false, Optional.empty(), Optional.empty(), RunOptions.FailurePolicy.ROLLBACK));

        assertThat(actions.calls).contains("rollback:metrics");
    }

    @Test
    void skipVerifyLeavesPhasesUnverifiedAndRunsNoProbe() {
        RunReport report = runner(config(Map.of())).up("run-1", new RunOptions(true, Optional.empty(), Optional.empty(), RunOptions.FailurePolicy.KEEP));

        assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(statuses(report)).containsOnly(PhaseStatus.UNVERIFIED);
        assertThat(actions.calls).noneMatch(c -> c.startsWith("verify:"));
    }

    @Test
    void downUninstallsInReverseOrderAndForgetsEachPhase() {
        runner(config(Map.of())).up("run-1", RunOptions.defaults());
        actions.calls.clear();

        RunReport report = runner(config(Map.of())).down("run-2", false);

        assertThat(actions.calls).containsExactly("uninstall:alerting", "uninstall:traces", "uninstall:logs", "uninstall:metrics", "uninstall:crds");
        assertThat(report.phases()).extracting(PhaseOutcome::phase).containsExactlyElementsOf(ORDER);
        assertThat(statuses(report)).containsOnly(PhaseStatus.REMOVED);
        assertThat(ledger.state.phases()).isEmpty();
        assertThat(ledger.state.lastRun().state()).isEqualTo("removed");
    }

    private Runner runner(BootstrapConfig config) {
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < ORDER.size(); i++) {
            phases.add(new TestPhase(ORDER.get(i), i == 0 ? List.of() : List.of(ORDER.get(i - 1))));
        }
        return new Runner(PhasePlan.of(phases), config, actions, ledger, SilentConsole.INSTANCE, Clock.systemUTC());
    }

    private static List<PhaseStatus> statuses(RunReport report) {
        return report.phases().stream().map(PhaseOutcome::status).toList();
    }

    static BootstrapConfig config(Map<String, Boolean> phases) {
        Profile profile = new Profile("ci", "test", Map.of(), Duration.ofSeconds(5), false, Map.of(), Map.of());
        return new BootstrapConfig("<test>", profile,
                new BootstrapConfig.ClusterSettings("", "observability", List.of(), List.of()),
                phases, Map.of(), Map.of(),
                new BootstrapConfig.LogsSettings(BootstrapConfig.LogCollector.ALLOY, false, "obs-bootstrap"),
                new BootstrapConfig.AlertingSettings(List.of(), "null", List.of(), List.of()));
    }

    record TestPhase(String id, List<String> dependsOn) implements Phase {
        @Override public String description() { return id; }
        @Override public boolean enabled(BootstrapConfig config) { return config.phaseEnabled(id); }
        @Override public List<String> components(BootstrapConfig config) { return List.of(id); }
        @Override public List<Probe> probes(BootstrapConfig config) { return List.of(); }
        @Override public List<dev.obsbootstrap.core.phase.StackSecret> secrets(BootstrapConfig config, dev.obsbootstrap.core.config.StackTopology topology) { return List.of(); }
    }

    /** Records every call; its cluster is a map of release -> revision. */
    static final class FakeActions implements PhaseActions {
        final List<String> calls = new ArrayList<>();
        final Map<String, Integer> revisions = new HashMap<>();
        final Map<String, String> hashSuffix = new HashMap<>();
        final Set<String> failInstall = new HashSet<>();
        final Set<String> failProbe = new HashSet<>();
        final Set<String> interruptInstall = new HashSet<>();

        private static String release(String phaseId) {
            return Map.of("crds", "obs-crds", "metrics", "obs-metrics", "logs", "obs-loki", "traces", "obs-tempo", "alerting", "obs-alertmanager").get(phaseId);
        }

        @Override
        public PreparedPhase prepare(Phase phase) {
            calls.add("prepare:" + phase.id());
            return new PreparedPhase(phase.id(), Map.of(release(phase.id()), phase.id() + "@1.0.0"), "hash-" + phase.id() + "-" + hashSuffix.getOrDefault(phase.id(), "1"));
        }

        @Override
        public Map<String, Integer> deployedRevisions(PreparedPhase phase) {
            calls.add("revisions:" + phase.phaseId());
            String release = release(phase.phaseId());
            return revisions.containsKey(release) ? Map.of(release, revisions.get(release)) : Map.of();
        }

        @Override
        public List<ReleaseOutcome> install(PreparedPhase phase, Console console) throws InterruptedException {
            calls.add("install:" + phase.phaseId());
            if (interruptInstall.contains(phase.phaseId())) {
                throw new InterruptedException();
            }
            if (failInstall.contains(phase.phaseId())) {
                throw new ClusterException("Deployment observability/" + release(phase.phaseId()) + " not ready: CrashLoopBackOff");
            }
            String release = release(phase.phaseId());
            int revision = revisions.merge(release, 1, Integer::sum);
            return List.of(new ReleaseOutcome(phase.phaseId(), release, phase.phaseId() + "@1.0.0", revision, revision == 1 ? "installed" : "upgraded", 1, 1));
        }

        @Override
        public List<ProbeResult> verify(Phase phase, Console console) {
            calls.add("verify:" + phase.id());
            boolean passed = !failProbe.contains(phase.id());
            return List.of(new ProbeResult(phase.id(), "span-round-trip", "a span flows", passed, 3, Duration.ofSeconds(1),
                    passed ? "found" : "404 trace not found", "", passed ? "" : "check the collector's exporter"));
        }

        @Override
        public String diagnose(PreparedPhase phase) {
            calls.add("diagnose:" + phase.phaseId());
            return "pods: none ready";
        }

        @Override
        public void rollback(PreparedPhase phase, Map<String, Integer> revisionsBefore) {
            calls.add("rollback:" + phase.phaseId());
        }

        @Override
        public List<ReleaseOutcome> uninstall(Phase phase, boolean purge) {
            calls.add("uninstall:" + phase.id());
            return List.of();
        }
    }

    static final class InMemoryLedger implements LedgerStore {
        LedgerState state = LedgerState.empty();

        @Override
        public LedgerState read() {
            return state;
        }

        @Override
        public void write(LedgerState next) {
            state = next;
        }
    }
}
