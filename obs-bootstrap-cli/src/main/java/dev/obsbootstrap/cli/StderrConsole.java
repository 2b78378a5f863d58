package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.report.Console;

import java.io.PrintWriter;

/** The CLI's console: everything on stderr. (Terminal-aware rendering: see issue 3.) */
final class StderrConsole implements Console {
    private final PrintWriter err;
    private final boolean verbose;
    private final String prefix;

    private StderrConsole(PrintWriter err, boolean verbose, String prefix) {
        this.err = err;
        this.verbose = verbose;
        this.prefix = prefix;
    }

    static Console create(PrintWriter err, VerbosityMixin verbosity) {
        return new StderrConsole(err, verbosity.verbose(), "");
    }

    private void line(String level, String format, Object... args) {
        err.println(level + prefix + String.format(format, args));
        err.flush();
    }

    @Override public void info(String format, Object... args) { line("", format, args); }
    @Override public void warn(String format, Object... args) { line("warning: ", format, args); }
    @Override public void error(String format, Object... args) { line("error: ", format, args); }
    @Override public void debug(String format, Object... args) { if (verbose) { line("debug: ", format, args); } }
    @Override public void progress(String format, Object... args) { line("", format, args); }

    @Override
    public Console forPhase(String phaseId) {
        return new StderrConsole(err, verbose, prefix + "[" + phaseId + "] ");
    }
}
