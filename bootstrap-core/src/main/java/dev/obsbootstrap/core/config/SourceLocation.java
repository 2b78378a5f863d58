package dev.obsbootstrap.core.config;

import java.util.Objects;

/**
 * Where a piece of config came from, for messages: a file position ({@code obs-bootstrap.yaml:12:5}, 1-based) or a
 * command-line argument ({@code --set phases.traces=false}, {@code --profile ci}) that has no line.
 *
 * @param source the file name as the user gave it, or the argument
 * @param line   1-based line, 0 when the source has no lines
 * @param column 1-based column, 0 when the source has no lines
 */
public record SourceLocation(String source, int line, int column) {
    private static final String SET_PREFIX = "--set ";

    public SourceLocation {
        Objects.requireNonNull(source, "source");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative");
        }
    }

    /** A location without a line: a command-line argument or a whole file. */
    public static SourceLocation of(String source) {
        return new SourceLocation(source, 0, 0);
    }

    /** The location of one {@code --set path=value} argument. */
    public static SourceLocation ofSet(String argument) {
        return of(SET_PREFIX + argument);
    }

    public boolean hasLine() {
        return line > 0;
    }

    /**
     * The same location with a {@code --set} value hidden, for problems in credential fields: the value of such
     * an argument may be the very secret the user must not write in plain text.
     */
    public SourceLocation redacted() {
        int equals = source.indexOf('=');
        if (!source.startsWith(SET_PREFIX) || equals < 0) {
            return this;
        }
        return new SourceLocation(source.substring(0, equals + 1) + "<redacted>", line, column);
    }

    /** {@code file:line:column}, or just the source when it has no lines. */
    @Override
    public String toString() {
        return hasLine() ? source + ":" + line + ":" + column : source;
    }
}
