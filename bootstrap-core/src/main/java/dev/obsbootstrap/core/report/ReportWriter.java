package dev.obsbootstrap.core.report;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.run.RunReport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Turns a finished {@link RunReport} into one output format. Writers read only the report, pass every text field
 * through a {@link Redactor}, and never close the {@link Writer} they are given (it may be stdout).
 */
public interface ReportWriter {
    void write(RunReport report, Writer out) throws IOException;

    /** The whole report as a string, for tests and small outputs. */
    default String render(RunReport report) {
        StringWriter text = new StringWriter();
        try {
            write(report, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not throw
        }
        return text.toString();
    }
}
