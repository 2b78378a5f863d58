package dev.obsbootstrap.core.run;

import java.util.Locale;

/** Where the last run of the stack stands, as the ledger records it. */
public enum RunState {
    /** No run recorded yet. */
    NONE,
    /** A run is going on, or died without saying so (then it no longer holds the lock). */
    RUNNING,
    /** The last `up` went through every phase. */
    FINISHED,
    /** The last `up` stopped at a phase that failed. */
    FAILED,
    /** Stopped by a signal, or found dead by the next run. */
    INTERRUPTED,
    /** The last `down` removed the stack. */
    REMOVED;

    /** The word in the ledger ConfigMap ("running"); anything unknown reads as {@link #NONE}. */
    public static RunState of(String word) {
        try {
            return valueOf(word.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
