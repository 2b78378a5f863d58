package dev.obsbootstrap.core.probe;

import java.time.Duration;

/**
 * Proves that one signal path works. {@link #attempt} makes a single try and must not sleep or loop:
 * the {@code ProbeRunner} polls it until it passes or {@link #deadline()} passes, and records every try.
 */
public interface Probe {
    /** Stable kebab-case name, unique within its phase (a JUnit testcase name). */
    String name();

    /** One sentence: what a pass proves, in the stack's terms. */
    String proves();

    /** How long the runner keeps trying before the probe fails. */
    Duration deadline();

    /** One try. Throwing counts as a failed try whose error is recorded. */
    ProbeAttempt attempt(ProbeContext context) throws Exception;
}
