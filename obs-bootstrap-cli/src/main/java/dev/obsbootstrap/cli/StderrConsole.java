package dev.obsbootstrap.cli;

import dev.obsbootstrap.cli.launch.Terminal;
import dev.obsbootstrap.core.console.Console;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The CLI's console: progress and diagnostics on stderr, never results.
 *
 * <p>On a terminal ({@link Mode#TERMINAL}) the progress line is redrawn in place with {@code \r} and an ANSI
 * erase-line, cut to the terminal width, and levels are coloured unless {@code NO_COLOR} is set. Anywhere else
 * ({@link Mode#PLAIN}: a pipe, a file, {@code CI=true}, {@code TERM=dumb}) every line ends with a newline, there is
 * no ANSI at all, and a progress line is printed only when its text differs from the previous progress line, so CI
 * logs show each step once: elapsed times and try counters do not count as a change, and an unchanged line is
 * repeated every 30 seconds so the log shows the run is alive. Progress lines start with the time since the console was made ({@code 12s}).
 * Debug lines appear only with {@code -v} or {@code --debug}.
 */
final class StderrConsole implements Console {
    enum Mode {
        TERMINAL,
        PLAIN
    }

    /** In plain mode an unchanged progress line is repeated this often, so a CI log shows the run is alive. */
    static final long HEARTBEAT_NANOS = 30_000_000_000L;
    /** Elapsed times (42s, 1m3s, 548ms) and try counters: they change on every poll without saying anything new. */
    private static final java.util.regex.Pattern COUNTERS = java.util.regex.Pattern.compile(
            "\\b\\d+(?:\\.\\d+)?(?:ms|s|m|h)(?:\\d+(?:ms|s|m))*\\b|(?i)\\b(?:try|tries|attempt|attempts)\\s+\\d+"
                    // a port-forward listens on a new local port for each try: not a change either
                    + "|(?<=(?:127\\.0\\.0\\.1|localhost|\\[::1]):)\\d+");

    private static final String ERASE_LINE = "\r\u001b[2K";
    private static final String RESET = "\u001b[0m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";
    private static final String DIM = "\u001b[2m";

    private final Screen screen;
    private final String tag;

    private StderrConsole(Screen screen, String tag) {
        this.screen = screen;
        this.tag = tag;
    }

    /**
     * @param width terminal columns, used to keep the redrawn progress line on one row
     * @param nanoClock {@link System#nanoTime} in production, a fake in tests
     */
    StderrConsole(PrintWriter err, Mode mode, boolean color, boolean verbose, int width, LongSupplier nanoClock) {
        this(
                new Screen(
                        Objects.requireNonNull(err, "err"),
                        Objects.requireNonNull(mode, "mode"),
                        color && mode == Mode.TERMINAL,
                        verbose,
                        Math.max(20, width),
                        Objects.requireNonNull(nanoClock, "nanoClock")),
                "");
    }

    /**
     * The console for a command: the mode from the environment, verbosity from -v/--debug. In plain mode a daemon
     * thread repeats the last line every 30 seconds nothing else was printed (a Helm call, a wait on a silent API
     * server), so a CI log never goes quiet long enough for a no-output watchdog to kill the job.
     */
    static StderrConsole create(PrintWriter err, VerbosityMixin verbosity) {
        Map<String, String> env = System.getenv();
        Mode mode = detect(System.console() != null, env);
        StderrConsole console = new StderrConsole(
                err,
                mode,
                colorAllowed(env),
                verbosity.verbose(),
                mode == Mode.TERMINAL ? columns(env, StderrConsole::ttyColumns) : 80,
                System::nanoTime);
        if (mode == Mode.PLAIN) {
            Thread heartbeat = new Thread(
                    () -> {
                        while (true) {
                            try {
                                Thread.sleep(1_000);
                            } catch (InterruptedException e) {
                                return;
                            }
                            console.heartbeat();
                        }
                    },
                    "obs-bootstrap-heartbeat");
            heartbeat.setDaemon(true);
            heartbeat.start();
        }
        return console;
    }

    /** Plain mode: when nothing was printed for 30 seconds, say again what is going on. */
    void heartbeat() {
        screen.heartbeat();
    }

    /** {@link Terminal#interactive}: the rule the usage help follows too. */
    static Mode detect(boolean hasConsole, Map<String, String> env) {
        return Terminal.interactive(hasConsole, env) ? Mode.TERMINAL : Mode.PLAIN;
    }

    /** {@link Terminal#colorAllowed}. */
    static boolean colorAllowed(Map<String, String> env) {
        return Terminal.colorAllowed(env);
    }

    /**
     * The terminal's width: {@code COLUMNS} when exported, else what the terminal itself says (bash sets COLUMNS
     * without exporting it, so a child process rarely sees it), else 80.
     */
    static int columns(Map<String, String> env, java.util.function.IntSupplier tty) {
        try {
            return Integer.parseInt(env.getOrDefault("COLUMNS", "").trim());
        } catch (NumberFormatException e) {
            int asked = tty.getAsInt();
            return asked > 0 ? asked : 80;
        }
    }

    /** {@code stty size} on the controlling terminal ("ROWS COLS"); 0 when there is none or it does not answer. */
    static int ttyColumns() {
        java.io.File tty = new java.io.File("/dev/tty");
        if (!tty.exists()) {
            return 0;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!stty.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                stty.destroyForcibly();
                return 0;
            }
            String[] size = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .trim()
                    .split("\\s+");
            return stty.exitValue() == 0 && size.length == 2 ? Integer.parseInt(size[1]) : 0;
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    Mode mode() {
        return screen.mode;
    }

    @Override
    public void info(String format, Object... args) {
        screen.line("", "", "", tag, format(format, args));
    }

    @Override
    public void warn(String format, Object... args) {
        screen.line("warning: ", YELLOW, "", tag, format(format, args));
    }

    @Override
    public void error(String format, Object... args) {
        screen.line("error: ", BOLD_RED, "", tag, format(format, args));
    }

    @Override
    public void debug(String format, Object... args) {
        if (screen.verbose) {
            screen.line("debug: ", DIM, DIM, tag, format(format, args));
        }
    }

    @Override
    public void progress(String format, Object... args) {
        screen.progress(tag, format(format, args));
    }

    /** Each line tagged {@code [phase]}; a nested call adds the inner tag after the outer one. */
    @Override
    public Console forPhase(String phaseId) {
        return new StderrConsole(screen, tag + "[" + phaseId + "] ");
    }

    /** Erase a progress line still on screen: call before results go to stdout on the same terminal. */
    void clearProgress() {
        screen.clearProgress();
    }

    /** printf-style, but a message never breaks the run: without arguments it is taken literally. */
    private static String format(String format, Object... args) {
        if (args == null || args.length == 0) {
            return String.valueOf(format);
        }
        try {
            return String.format(format, args);
        } catch (IllegalFormatException e) {
            return format + " " + Arrays.toString(args);
        }
    }

    /** What all consoles derived from one command share: the stream and the state of the progress line. */
    private static final class Screen {
        private final PrintWriter err;
        private final Mode mode;
        private final boolean color;
        private final boolean verbose;
        private final int width;
        private final LongSupplier clock;
        private final long start;
        private boolean progressOnScreen;
        private String lastProgress = "";
        private long lastPrinted;
        /** The last line printed (any kind) and when: what the heartbeat repeats. */
        private String lastLine = "";

        private long lastLineAt;

        Screen(PrintWriter err, Mode mode, boolean color, boolean verbose, int width, LongSupplier clock) {
            this.err = err;
            this.mode = mode;
            this.color = color;
            this.verbose = verbose;
            this.width = width;
            this.clock = clock;
            this.start = clock.getAsLong();
        }

        synchronized void line(String level, String levelStyle, String textStyle, String tag, String message) {
            clearProgress();
            err.print(style(level, levelStyle) + style(tag, CYAN) + style(safe(message, true), textStyle));
            err.print('\n');
            err.flush();
            lastLine = tag + oneLine(safe(message, false));
            lastLineAt = clock.getAsLong();
        }

        synchronized void heartbeat() {
            long now = clock.getAsLong();
            if (mode != Mode.PLAIN || lastLine.isEmpty() || now - lastLineAt < HEARTBEAT_NANOS) {
                return;
            }
            err.print(elapsed() + " still: " + lastLine + "\n");
            err.flush();
            lastLineAt = now;
            lastPrinted = now;
        }

        synchronized void progress(String tag, String message) {
            String text = tag + oneLine(safe(message, false));
            String elapsed = elapsed() + " ";
            if (mode == Mode.PLAIN) {
                String key = withoutCounters(text);
                long now = clock.getAsLong();
                lastLine = text;
                if (key.equals(lastProgress) && now - lastPrinted < HEARTBEAT_NANOS) {
                    return;
                }
                lastProgress = key;
                lastPrinted = now;
                lastLineAt = now;
                err.print(elapsed + text + "\n");
                err.flush();
                return;
            }
            String visible = cut(elapsed + text, width - 1);
            String shown = visible.length() > elapsed.length()
                    ? style(elapsed, DIM) + colourTag(visible.substring(elapsed.length()), tag)
                    : style(visible, DIM);
            err.print(ERASE_LINE + shown);
            err.flush();
            progressOnScreen = true;
        }

        synchronized void clearProgress() {
            if (progressOnScreen) {
                err.print(ERASE_LINE);
                err.flush();
                progressOnScreen = false;
            }
        }

        private String colourTag(String text, String tag) {
            if (!tag.isEmpty() && text.startsWith(tag)) {
                return style(tag, CYAN) + text.substring(tag.length());
            }
            return text;
        }

        private String elapsed() {
            long seconds = Math.max(0, (clock.getAsLong() - start) / 1_000_000_000L);
            return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
        }

        private String style(String text, String ansi) {
            if (!color || ansi.isEmpty() || text.isEmpty()) {
                return text;
            }
            return ansi + text + RESET;
        }

        /** No carriage returns or escape sequences from a message: they would corrupt the line being redrawn. */
        private static String safe(String text, boolean keepNewlines) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c == '\n' && keepNewlines) || c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f))) {
                    out.append(c);
                } else if (c == '\n' || c == '\r') {
                    out.append(' ');
                } else {
                    out.append('?');
                }
            }
            return out.toString();
        }

        private static String withoutCounters(String text) {
            return COUNTERS.matcher(text).replaceAll("#");
        }

        private static String oneLine(String text) {
            return text.strip().replaceAll("\\s+", " ");
        }

        private static String cut(String text, int max) {
            return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
        }
    }
}
