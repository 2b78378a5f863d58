package dev.obsbootstrap.core.probe;

import java.util.Objects;

/**
 * The outcome of one try: whether it passed, what was observed (a status line, a count, a body excerpt), for a
 * failure the likely cause in the stack's terms, and the evidence gathered so far (what was sent, where it was
 * found, how long it took to become visible).
 */
public record ProbeAttempt(boolean passed, String observed, String hint, Evidence evidence) {
    public ProbeAttempt {
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(evidence, "evidence");
    }

    public static ProbeAttempt pass(String observed) {
        return new ProbeAttempt(true, observed, "", Evidence.none());
    }

    public static ProbeAttempt pass(String observed, Evidence evidence) {
        return new ProbeAttempt(true, observed, "", evidence);
    }

    public static ProbeAttempt fail(String observed, String hint) {
        return new ProbeAttempt(false, observed, hint, Evidence.none());
    }

    public static ProbeAttempt fail(String observed, String hint, Evidence evidence) {
        return new ProbeAttempt(false, observed, hint, evidence);
    }
}
