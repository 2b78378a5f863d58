package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.report.Console;
import dev.obsbootstrap.core.report.JUnitReport;
import dev.obsbootstrap.core.report.JsonReport;
import dev.obsbootstrap.core.report.Redactor;
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
                throw new ConfigException("--junit " + file + ": this is a directory; give a file name such as " + file.resolve("obs-bootstrap.xml"));
            }
            for (Path parent = absolute.getParent(); parent != null; parent = parent.getParent()) {
                if (Files.exists(parent) && !Files.isDirectory(parent)) {
                    throw new ConfigException("--junit " + file + ": " + parent + " is a file, not a directory");
                }
            }
        });
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
                throw new ConfigException("--junit " + file + ": could not write the JUnit report (" + e + "); choose a writable path", e);
            }
            console.info("JUnit report written to %s", file);
        }
        return report.exitCode();
    }
}
