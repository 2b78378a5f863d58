package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.Durations;
import dev.obsbootstrap.core.console.Console;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.awaitility.pollinterval.PollInterval;

/**
 * Runs a phase's probes in order. Each probe is polled with Awaitility until a try passes or its deadline passes;
 * every try is counted and the last one's observation, error and hint end up in the {@link ProbeResult}.
 *
 * <p>Once a probe of the phase has failed, the later probes get one try each instead of their full deadline: the
 * stack has already had a whole deadline to settle, and one try still says what each one sees.
 *
 * <p>Interrupts: a try that is interrupted, or an interrupt between tries, ends the run with an
 * {@link InterruptedException} (the interrupt flag is set again). Awaitility sleeps between tries without
 * reacting to interrupts, so the stop comes at the latest one poll interval ({@link Polling#max()}) later.
 *
 * <p>Not thread-safe; a runner may be reused for several phases.
 */
public final class ProbeRunner {
    private final Console console;
    private final Polling polling;

    /** Runs with the default polling: every 500 ms at first, backing off to every 2 s. */
    public ProbeRunner(Console console) {
        this(console, Polling.DEFAULT);
    }

    public ProbeRunner(Console console, Polling polling) {
        this.console = Objects.requireNonNull(console, "console");
        this.polling = Objects.requireNonNull(polling, "polling");
    }

    /**
     * How often a probe is tried: {@code first} for the first {@code triesAtFirst} tries, then growing by half each
     * time up to {@code max}.
     */
    public record Polling(Duration first, Duration max, int triesAtFirst) {
        public static final Polling DEFAULT = new Polling(Duration.ofMillis(500), Duration.ofSeconds(2), 4);

        public Polling {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException(
                        "polling needs 0 < first <= max, got first=" + first + " max=" + max);
            }
        }

        Duration after(int tries) {
            if (tries <= triesAtFirst) {
                return first;
            }
            double grown = first.toMillis() * Math.pow(1.5, tries - triesAtFirst);
            return grown >= max.toMillis() ? max : Duration.ofMillis((long) grown);
        }
    }

    /**
     * Runs the probes in order and returns one result per probe, in the same order.
     *
     * @throws InterruptedException when the thread is interrupted; results so far are dropped with it
     */
    public List<ProbeResult> run(String phaseId, List<? extends Probe> probes, ProbeContext context)
            throws InterruptedException {
        Objects.requireNonNull(phaseId, "phaseId");
        Objects.requireNonNull(context, "context");
        Console phaseConsole = console.forPhase(phaseId);
        List<ProbeResult> results = new ArrayList<>();
        String firstFailure = "";
        for (Probe probe : probes) {
            ProbeResult result = firstFailure.isEmpty()
                    ? poll(phaseId, probe, context, phaseConsole)
                    : tryOnce(phaseId, probe, context, phaseConsole, firstFailure);
            if (result.passed()) {
                phaseConsole.info(
                        "probe %s passed after %d %s (%s): %s",
                        probe.name(),
                        result.attempts(),
                        result.attempts() == 1 ? "try" : "tries",
                        Durations.format(result.duration()),
                        result.lastObserved());
            } else {
                phaseConsole.warn(
                        "probe %s FAILED after %d %s (%s): %s",
                        probe.name(),
                        result.attempts(),
                        result.attempts() == 1 ? "try" : "tries",
                        Durations.format(result.duration()),
                        result.lastObserved());
                if (firstFailure.isEmpty()) {
                    firstFailure = probe.name();
                }
            }
            results.add(result);
            closeIfHolding(probe, phaseConsole);
        }
        return List.copyOf(results);
    }

    /** A probe that holds something for its tries (a listener for webhook deliveries) gives it back once it is done. */
    private static void closeIfHolding(Probe probe, Console console) {
        if (probe instanceof AutoCloseable holding) {
            try {
                holding.close();
            } catch (Exception e) {
                console.warn("probe %s could not release what it held: %s", probe.name(), e.getMessage());
            }
        }
    }

    /** Polls one probe until it passes or its deadline passes. */
    public ProbeResult poll(String phaseId, Probe probe, ProbeContext context, Console phaseConsole)
            throws InterruptedException {
        if (probe.deadline().isNegative() || probe.deadline().isZero()) {
            return tryOnce(phaseId, probe, context, phaseConsole, "");
        }
        Tries tries = new Tries(probe, context, phaseConsole);
        try {
            Awaitility.with()
                    .pollInSameThread()
                    .dontCatchUncaughtExceptions()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(pollInterval())
                    .failFast("interrupted", () -> Thread.currentThread().isInterrupted())
                    .atMost(probe.deadline())
                    .until(tries::once);
        } catch (ConditionTimeoutException e) {
            tries.deadlinePassed();
        } catch (TerminalFailureException e) {
            throw interrupted(probe);
        } catch (Interrupted e) {
            throw interrupted(probe);
        } catch (TerminalProbeFailure e) {
            tries.terminal(e);
        }
        return tries.result(phaseId);
    }

    private ProbeResult tryOnce(
            String phaseId, Probe probe, ProbeContext context, Console phaseConsole, String blockedBy)
            throws InterruptedException {
        Tries tries = new Tries(probe, context, phaseConsole);
        try {
            tries.once();
        } catch (Interrupted e) {
            throw interrupted(probe);
        } catch (TerminalProbeFailure e) {
            tries.terminal(e);
        }
        if (!tries.passed && !blockedBy.isEmpty()) {
            tries.note(" (one try only: " + blockedBy + " had already failed)");
        }
        return tries.result(phaseId);
    }

    private PollInterval pollInterval() {
        return (pollCount, previous) -> polling.after(pollCount);
    }

    private static InterruptedException interrupted(Probe probe) {
        Thread.currentThread().interrupt();
        return new InterruptedException("interrupted while probing " + probe.name());
    }

    /** Carries an interrupt out of Awaitility's condition unchanged: Awaitility rethrows it as is. */
    private static final class Interrupted extends RuntimeException {
        Interrupted(Throwable cause) {
            super(cause);
        }
    }

    /** The running record of one probe's tries. */
    private static final class Tries {
        private final Probe probe;
        private final RouteRecordingContext context;
        private final Console console;
        private final long started = System.nanoTime();
        private int count;
        private boolean passed;
        private String observed = "";
        private String error = "";
        private String hint = "";
        private Evidence evidence = Evidence.none();

        Tries(Probe probe, ProbeContext context, Console console) {
            this.probe = Objects.requireNonNull(probe, "probe");
            this.context = new RouteRecordingContext(context);
            this.console = console;
        }

        boolean once() {
            if (Thread.currentThread().isInterrupted()) {
                throw new Interrupted(new InterruptedException());
            }
            count++;
            try {
                ProbeAttempt attempt = probe.attempt(context);
                passed = attempt.passed();
                observed = attempt.observed();
                hint = attempt.passed() ? "" : attempt.hint();
                evidence = attempt.evidence();
                error = "";
            } catch (InterruptedException e) {
                throw new Interrupted(e);
            } catch (TerminalProbeFailure e) {
                throw e;
            } catch (MissingServiceException e) {
                throw new TerminalProbeFailure(
                        e.getMessage(), "check that the release is installed: obs-bootstrap status, or up");
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new Interrupted(e);
                }
                passed = false;
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                observed = "the try threw " + error;
                hint = "";
            }
            console.progress(
                    "%s: try %d, %s: %s",
                    probe.name(), count, Durations.format(elapsed()), passed ? "passed" : context.redact(observed));
            return passed;
        }

        void deadlinePassed() {
            note(" (deadline " + Durations.format(probe.deadline()) + " passed)");
        }

        void terminal(TerminalProbeFailure failure) {
            passed = false;
            observed = failure.getMessage();
            error = "";
            hint = failure.hint();
        }

        void note(String suffix) {
            observed = observed + suffix;
        }

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        ProbeResult result(String phaseId) {
            Evidence all = evidence.and(context.routes());
            Evidence redacted = new Evidence(Map.of(), all.writeToRead());
            for (Map.Entry<String, String> fact : all.facts().entrySet()) {
                redacted = redacted.and(fact.getKey(), context.redact(fact.getValue()));
            }
            return new ProbeResult(
                    phaseId,
                    probe.name(),
                    probe.proves(),
                    passed,
                    count,
                    elapsed(),
                    context.redact(observed),
                    context.redact(error),
                    context.redact(hint),
                    redacted);
        }
    }
}
