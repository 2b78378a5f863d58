package dev.obsbootstrap.core.probe;

import java.util.Objects;

/**
 * The outcome of one try: whether it passed, what was observed (a status line, a count, a body excerpt), and,
 * for a failure, the likely cause in the stack's terms.
 */
public record ProbeAttempt(boolean passed, String observed, String hint) {
    public ProbeAttempt {
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(hint, "hint");
    }

    public static ProbeAttempt pass(String observed) {
        return new ProbeAttempt(true, observed, "");
    }

    public static ProbeAttempt fail(String observed, String hint) {
        return new ProbeAttempt(false, observed, hint);
    }
}
