package dev.obsbootstrap.core.console;

/**
 * The engine's only voice. Everything here is progress and diagnostics (stderr in the CLI);
 * results are written by the report writers from a {@code RunReport}. Messages are printf-style.
 */
public interface Console {
    void info(String format, Object... args);

    void warn(String format, Object... args);

    void error(String format, Object... args);

    /** Shown only with -v / --debug. */
    void debug(String format, Object... args);

    /** A transient status line (for example "metrics: 3/5 ready, 42s"): redrawn in place on a terminal, printed when it changes otherwise. */
    void progress(String format, Object... args);

    /** The same console with every line tagged by the phase id. */
    Console forPhase(String phaseId);
}
