package dev.obsbootstrap.core.testing;

import dev.obsbootstrap.core.report.Console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A console that keeps every line as "LEVEL [phase] message", for asserting on what the engine said. */
public final class RecordingConsole implements Console {
    private final List<String> lines;
    private final String phase;

    public RecordingConsole() {
        this(Collections.synchronizedList(new ArrayList<>()), "");
    }

    private RecordingConsole(List<String> lines, String phase) {
        this.lines = lines;
        this.phase = phase;
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public String text() {
        return String.join("\n", lines());
    }

    private void record(String level, String format, Object... args) {
        lines.add(level + (phase.isEmpty() ? "" : " [" + phase + "]") + " " + String.format(format, args));
    }

    @Override public void info(String format, Object... args) { record("INFO", format, args); }
    @Override public void warn(String format, Object... args) { record("WARN", format, args); }
    @Override public void error(String format, Object... args) { record("ERROR", format, args); }
    @Override public void debug(String format, Object... args) { record("DEBUG", format, args); }
    @Override public void progress(String format, Object... args) { record("PROGRESS", format, args); }

    @Override
    public Console forPhase(String phaseId) {
        return new RecordingConsole(lines, phaseId);
    }
}
