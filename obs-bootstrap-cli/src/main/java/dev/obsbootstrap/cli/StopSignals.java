package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ExitCode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM stop a run instead of killing it. The first signal interrupts the thread doing
 * the work: it finishes the step it is in (a Helm call cannot be cut in half), records in the ledger where it stopped,
 * writes its reports and exits 130 (SIGINT) or 143 (SIGTERM).
 * If it has not ended within {@code grace}, or a second signal comes, the process exits at once with the same code:
 * the lock then expires by itself and the next {@code up} repairs what was left.
 *
 * <p>The JVM's handlers stay in charge even while Helm's Go runtime runs in-process:
 * {@code dev.obsbootstrap.core.helm.NativeSignals} puts them back after every Helm call.
 */
final class StopSignals {
    /** How long the first signal waits for the run to wind down (CI runners send SIGKILL about 10 s after SIGTERM). */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(8);

    private final Thread worker;
    private final PrintWriter err;
    private final Duration grace;
    private final AtomicReference<String> received = new AtomicReference<>();
    private volatile boolean done;

    private StopSignals(Thread worker, PrintWriter err, Duration grace) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.err = Objects.requireNonNull(err, "err");
        this.grace = Objects.requireNonNull(grace, "grace");
    }

    /**
     * Handles SIGINT and SIGTERM for {@code worker} from now on. A signal the process was started with ignored
     * (a background job of a non-interactive shell ignores SIGINT) stays ignored.
     */
    static StopSignals install(Thread worker, PrintWriter err, Duration grace) {
        StopSignals signals = new StopSignals(worker, err, grace);
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal signal = new Signal(name);
                Signal.handle(signal, s -> signals.received(s.getName()));
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // not on this platform (or -Xrs): the JVM's default handling (shutdown hooks) stays
            }
        }
        return signals;
    }

    /** For tests that run the CLI in-process: no handler is installed, nothing is ever received. */
    static StopSignals none() {
        return new StopSignals(Thread.currentThread(), new PrintWriter(PrintWriter.nullWriter()), DEFAULT_GRACE);
    }

    /** The exit code the signal asks for, once one came. */
    Optional<ExitCode> exitCode() {
        return Optional.ofNullable(received.get()).map(StopSignals::codeOf);
    }

    /** The signal's name ("SIGTERM"), once one came. */
    Optional<String> signal() {
        return Optional.ofNullable(received.get()).map(name -> "SIG" + name);
    }

    /** The run has written everything it wanted to: a late signal only needs a quick exit. */
    void finished() {
        done = true;
    }

    private void received(String name) {
        if (!received.compareAndSet(null, name)) {
            err.println(
                    "warning: SIG" + name + " again: stopping at once; the next `up` repairs what this run was doing");
            err.flush();
            Runtime.getRuntime().halt(codeOf(received.get()).code());
            return;
        }
        if (done) {
            return;
        }
        err.println(
                "warning: SIG" + name + " received: finishing the current step and stopping (the ledger records where; "
                        + "send it again to stop at once)");
        err.flush();
        worker.interrupt();
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(grace.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (!done) {
                        err.println("warning: still not stopped after " + grace.toSeconds()
                                + "s (a Helm call is still running): "
                                + "exiting now; the next `up` repairs what this run was doing");
                        err.flush();
                        Runtime.getRuntime().halt(codeOf(name).code());
                    }
                },
                "obs-bootstrap-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static ExitCode codeOf(String name) {
        return "INT".equals(name) ? ExitCode.INTERRUPTED : ExitCode.TERMINATED;
    }
}
