package dev.obsbootstrap.core.testing;

import dev.obsbootstrap.core.console.Console;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A console that keeps every line, for assertions. Consoles made with {@link #forPhase} record into the same list,
 * each line tagged with its phase. Shared with the stack modules through bootstrap-core's test-jar.
 *
 * <pre>{@code
 * RecordingConsole console = new RecordingConsole();
 * runner.run(..., console);
 * assertThat(console.lines()).anyMatch(l -> l.startsWith("WARN [logs] probe"));   // "LEVEL [phase] message"
 * assertThat(console.messages(Level.WARN)).anyMatch(m -> m.contains("retrying"));
 * assertThat(console.text()).doesNotContain("s3cr3t");
 * }</pre>
 *
 * <p>Like the CLI's console, a message is formatted only when arguments are given, so "50%" alone is kept as is.
 */
public final class RecordingConsole implements Console {
    public enum Level {
        INFO,
        WARN,
        ERROR,
        DEBUG,
        PROGRESS
    }

    /** One recorded line: its level, the phase tag ("" when untagged) and the formatted message. */
    public record Line(Level level, String phase, String message) {
        public Line {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return level + (phase.isEmpty() ? "" : " [" + phase + "]") + " " + message;
        }
    }

    private final List<Line> lines;
    private final String phase;

    public RecordingConsole() {
        this(Collections.synchronizedList(new ArrayList<>()), "");
    }

    private RecordingConsole(List<Line> lines, String phase) {
        this.lines = lines;
        this.phase = phase;
    }

    private void record(Level level, String format, Object... args) {
        lines.add(new Line(level, phase, args.length == 0 ? format : String.format(format, args)));
    }

    @Override
    public void info(String format, Object... args) {
        record(Level.INFO, format, args);
    }

    @Override
    public void warn(String format, Object... args) {
        record(Level.WARN, format, args);
    }

    @Override
    public void error(String format, Object... args) {
        record(Level.ERROR, format, args);
    }

    @Override
    public void debug(String format, Object... args) {
        record(Level.DEBUG, format, args);
    }

    @Override
    public void progress(String format, Object... args) {
        record(Level.PROGRESS, format, args);
    }

    /** A nested forPhase keeps the innermost tag, as a phase's own console would. */
    @Override
    public RecordingConsole forPhase(String phaseId) {
        return new RecordingConsole(lines, Objects.requireNonNull(phaseId, "phaseId"));
    }

    /** Every line so far, from this console and all consoles derived from it, in order. */
    public List<Line> entries() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Every line as "LEVEL [phase] message" ("LEVEL message" when untagged), in order. */
    public List<String> lines() {
        return entries().stream().map(Line::toString).toList();
    }

    /** {@link #lines()} joined with newlines, for contains/doesNotContain checks and assertion messages. */
    public String text() {
        return String.join("\n", lines());
    }

    /** The messages of one level, in order. */
    public List<String> messages(Level level) {
        return entries().stream()
                .filter(line -> line.level() == level)
                .map(Line::message)
                .toList();
    }

    /** Lines tagged with one phase. */
    public List<Line> forPhaseLines(String phaseId) {
        return entries().stream().filter(line -> line.phase().equals(phaseId)).toList();
    }

    public boolean anyMatch(Predicate<Line> predicate) {
        return entries().stream().anyMatch(predicate);
    }

    public void clear() {
        lines.clear();
    }
}
