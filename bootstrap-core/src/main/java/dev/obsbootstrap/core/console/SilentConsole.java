package dev.obsbootstrap.core.console;

/** A console that drops everything: for callers that only want the returned records. */
public final class SilentConsole implements Console {
    public static final SilentConsole INSTANCE = new SilentConsole();

    private SilentConsole() {}

    @Override
    public void info(String format, Object... args) {}

    @Override
    public void warn(String format, Object... args) {}

    @Override
    public void error(String format, Object... args) {}

    @Override
    public void debug(String format, Object... args) {}

    @Override
    public void progress(String format, Object... args) {}

    @Override
    public Console forPhase(String phaseId) {
        return this;
    }
}
