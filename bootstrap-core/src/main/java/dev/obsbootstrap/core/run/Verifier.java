package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.probe.ProbeRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code verify}: the probes of the chosen phases, in plan order, against one probe context. Every phase of the plan
 * gets an outcome (left out: SKIPPED, switched off: DISABLED); a failing phase does not stop the others, an interrupt
 * does (the rest SKIPPED).
 */
public final class Verifier {
    private final Console console;
    private final Optional<Duration> deadlineCap;

    /** @param deadlineCap no probe keeps trying longer than this (verify --timeout); empty: the probes' own deadlines */
    public Verifier(Console console, Optional<Duration> deadlineCap) {
        this.console = Objects.requireNonNull(console, "console");
        this.deadlineCap = Objects.requireNonNull(deadlineCap, "deadlineCap");
    }

    /**
     * Which phases to verify: those named (each checked against the plan; a switched-off one runs anyway), or every
     * enabled phase when none is named.
     */
    public record Selection(Set<String> phaseIds, List<String> named) {
        public Selection {
            phaseIds = Set.copyOf(phaseIds);
            named = List.copyOf(named);
        }

        /** @param option how users name a phase, for messages ("--phase") */
        public static Selection of(PhasePlan plan, List<String> names, String option) {
            if (names.isEmpty()) {
                return new Selection(new LinkedHashSet<>(plan.ids()), List.of());
            }
            Set<String> chosen = new LinkedHashSet<>();
            for (String name : names) {
                chosen.add(plan.phase(name, option).id());
            }
            return new Selection(chosen, names);
        }
    }

    public List<PhaseOutcome> verify(
            PhasePlan plan, Selection selection, BootstrapConfig config, ProbeContext context) {
        List<PhaseOutcome> outcomes = new ArrayList<>();
        ProbeRunner runner = new ProbeRunner(console);
        boolean interrupted = false;
        for (Phase phase : plan.ordered()) {
            if (interrupted) {
                outcomes.add(PhaseOutcome.skipped(phase.id(), PhaseStatus.SKIPPED, "not run: the run was interrupted"));
            } else if (!selection.phaseIds().contains(phase.id())) {
                outcomes.add(PhaseOutcome.skipped(
                        phase.id(),
                        PhaseStatus.SKIPPED,
                        "not selected (--phase " + String.join(" --phase ", selection.named()) + ")"));
            } else if (selection.named().isEmpty() && !phase.enabled(config)) {
                outcomes.add(PhaseOutcome.skipped(
                        phase.id(),
                        PhaseStatus.DISABLED,
                        "switched off in the config (" + config.source() + ", profile "
                                + config.profile().name() + ")"));
            } else {
                if (!phase.enabled(config)) {
                    console.forPhase(phase.id())
                            .info("switched off in the config, verified anyway because --phase names it");
                }
                PhaseOutcome outcome = verify(phase, config, context, runner);
                interrupted = outcome.status() == PhaseStatus.INTERRUPTED;
                outcomes.add(outcome);
            }
        }
        return outcomes;
    }

    private PhaseOutcome verify(Phase phase, BootstrapConfig config, ProbeContext context, ProbeRunner runner) {
        Console phaseConsole = console.forPhase(phase.id());
        long started = System.nanoTime();
        List<Probe> probes = capDeadlines(phase.probes(config));
        if (probes.isEmpty()) {
            phaseConsole.warn("this phase has no probes: nothing to verify");
            return new PhaseOutcome(
                    phase.id(), PhaseStatus.VERIFIED, Duration.ZERO, List.of(), List.of(), "no probes to run");
        }
        phaseConsole.info("running %d %s", probes.size(), probes.size() == 1 ? "probe" : "probes");
        List<ProbeResult> results;
        try {
            results = runner.run(phase.id(), probes, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PhaseOutcome(
                    phase.id(),
                    PhaseStatus.INTERRUPTED,
                    Duration.ofNanos(System.nanoTime() - started),
                    List.of(),
                    List.of(),
                    "interrupted while probing");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        List<String> failed = results.stream()
                .filter(r -> !r.passed())
                .map(ProbeResult::probe)
                .toList();
        if (failed.isEmpty()) {
            return new PhaseOutcome(phase.id(), PhaseStatus.VERIFIED, took, List.of(), results, "");
        }
        return new PhaseOutcome(
                phase.id(),
                PhaseStatus.VERIFY_FAILED,
                took,
                List.of(),
                results,
                failed.size() + " of " + results.size() + " probes failed: " + String.join(", ", failed));
    }

    private List<Probe> capDeadlines(List<Probe> probes) {
        if (deadlineCap.isEmpty()) {
            return probes;
        }
        Duration cap = deadlineCap.get();
        return probes.stream()
                .map(probe -> probe.deadline().compareTo(cap) > 0 ? (Probe) new CappedProbe(probe, cap) : probe)
                .toList();
    }

    /** A probe with a shorter deadline; everything else is the original's. */
    private record CappedProbe(Probe probe, Duration deadline) implements Probe {
        @Override
        public String name() {
            return probe.name();
        }

        @Override
        public String proves() {
            return probe.proves();
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) throws Exception {
            return probe.attempt(context);
        }
    }
}
