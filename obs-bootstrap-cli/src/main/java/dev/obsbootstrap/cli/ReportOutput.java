package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.report.JUnitReport;
import dev.obsbootstrap.core.report.JsonReport;
import dev.obsbootstrap.core.report.ReportWriter;
import dev.obsbootstrap.core.report.TextReport;
import dev.obsbootstrap.core.run.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Puts a finished run where the user asked for it: the text or JSON report on stdout ({@code --output}), and the
 * JUnit XML in the {@code --junit} file. Every command that produces a {@link RunReport} ends here.
 */
final class ReportOutput {
    private final OutputMixin output;
    private final Redactor redactor;
    private final TextReport.Glyphs glyphs;

    ReportOutput(OutputMixin output, Redactor redactor, TextReport.Glyphs glyphs) {
        this.output = Objects.requireNonNull(output, "output");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.glyphs = Objects.requireNonNull(glyphs, "glyphs");
    }

    /** Check marks only when stdout's encoding can carry them (picocli's stdout writer uses the default charset). */
    static ReportOutput forStdout(OutputMixin output, Redactor redactor) {
        return new ReportOutput(output, redactor, TextReport.Glyphs.forCharset(Charset.defaultCharset()));
    }

    /**
     * Fails early, before anything runs, when the --junit path can never be written: it is a directory, or its
     * parent is a file.
     */
    void checkJUnitTarget() {
        output.junit().ifPresent(file -> {
            Path absolute = file.toAbsolutePath();
            if (Files.isDirectory(absolute)) {
                throw new ConfigException("--junit " + file + ": this is a directory; give a file name such as "
                        + file.resolve("obs-bootstrap.xml"));
            }
            for (Path parent = absolute.getParent(); parent != null; parent = parent.getParent()) {
                if (Files.exists(parent) && !Files.isDirectory(parent)) {
                    throw new ConfigException("--junit " + file + ": " + parent + " is a file, not a directory");
                }
            }
        });
    }

    /**
     * For a command line picocli could not parse: when the arguments ask for JSON on stdout or a JUnit file, those
     * are written with the usage error as the run's error (read from the raw arguments, since nothing was parsed).
     */
    static void forUsageError(String[] args, String command, String message, PrintWriter out, PrintWriter err) {
        boolean json = false;
        Path junit = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String next = i + 1 < args.length ? args[i + 1] : "";
            if ((arg.equals("-o") || arg.equals("--output")) && next.equalsIgnoreCase("json")
                    || arg.equalsIgnoreCase("--output=json")
                    || arg.equalsIgnoreCase("-ojson")
                    || arg.equalsIgnoreCase("-o=json")) {
                json = true;
            } else if (arg.equals("--junit") && !next.isEmpty()) {
                junit = Path.of(next);
            } else if (arg.startsWith("--junit=")) {
                junit = Path.of(arg.substring("--junit=".length()));
            }
        }
        if (!json && junit == null) {
            return;
        }
        RunReport report = new RunReport(
                command,
                "",
                "",
                java.time.Instant.now(),
                java.time.Duration.ZERO,
                java.util.List.of(),
                java.util.Optional.of(
                        new dev.obsbootstrap.core.run.RunFailure(ExitCode.BAD_INPUT, "usage: " + message)));
        try {
            if (json) {
                new JsonReport(Redactor.standard()).write(report, out);
                out.flush();
            }
            if (junit != null && !Files.isDirectory(junit)) {
                new JUnitReport(Redactor.standard()).writeFile(report, junit);
            }
        } catch (IOException | RuntimeException e) {
            err.println("warning: could not write the report of the usage error: " + e.getMessage());
            err.flush();
        }
    }

    /**
     * Writes the stdout report, then the JUnit file, and returns the run's exit code.
     *
     * @throws ConfigException when the JUnit file cannot be written (the stdout report is out by then)
     */
    ExitCode emit(RunReport report, PrintWriter out, Console console) {
        if (console instanceof StderrConsole stderr) {
            stderr.clearProgress(); // results must not land on the tail of a redrawn progress line
        }
        ReportWriter writer = switch (output.format()) {
            case TEXT -> new TextReport(redactor, glyphs);
            case JSON -> new JsonReport(redactor);
        };
        try {
            writer.write(report, out);
        } catch (IOException e) {
            // stdout went away (a closed pipe): nothing left to tell, the exit code still says how it went
            console.debug("could not write the report to stdout: %s", e.getMessage());
        }
        out.flush();
        if (output.junit().isPresent()) {
            Path file = output.junit().get();
            try {
                new JUnitReport(redactor).writeFile(report, file);
            } catch (IOException e) {
                throw new ConfigException(
                        "--junit " + file + ": could not write the JUnit report (" + e + "); choose a writable path",
                        e);
            }
            console.info("JUnit report written to %s", file);
        }
        return report.exitCode();
    }
}
