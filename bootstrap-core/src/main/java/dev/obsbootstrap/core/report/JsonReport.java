package dev.obsbootstrap.core.report;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.ReleaseOutcome;
import dev.obsbootstrap.core.run.RunReport;
import java.io.IOException;
import java.io.Writer;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

/**
 * The machine report: one JSON document, schema version {@value #SCHEMA_VERSION}, documented in docs/reports.md.
 * Keys are written in a fixed order and every key is always present (empty string, empty array or zero, never
 * null), so consumers and diffs can rely on the shape. Adding a key keeps the version; renaming, removing or
 * retyping one raises it.
 */
public final class JsonReport implements ReportWriter {
    public static final int SCHEMA_VERSION = 1;

    // the stream belongs to the caller (it may be stdout): never close it
    private static final JsonFactory FACTORY =
            JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private final Redactor redactor;

    public JsonReport(Redactor redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    @Override
    public void write(RunReport report, Writer out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(new Pretty(), out)) {
            json.writeStartObject();
            json.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
            json.writeStringProperty("command", clean(report.command()));
            json.writeStringProperty("runId", clean(report.runId()));
            json.writeStringProperty("profile", clean(report.profile()));
            json.writeStringProperty(
                    "startedAt",
                    DateTimeFormatter.ISO_INSTANT.format(report.startedAt().truncatedTo(ChronoUnit.MILLIS)));
            json.writeNumberProperty("durationMs", report.duration().toMillis());
            json.writeNumberProperty("exitCode", report.exitCode().code());
            // always present, like every key: an empty kind and message when the run ended in its phases
            json.writeObjectPropertyStart("error");
            json.writeStringProperty(
                    "kind", report.failure().map(f -> f.code().name()).orElse(""));
            json.writeNumberProperty(
                    "exitCode", report.failure().map(f -> f.code().code()).orElse(0));
            json.writeStringProperty(
                    "message", clean(report.failure().map(f -> f.message()).orElse("")));
            json.writeEndObject();
            json.writeArrayPropertyStart("phases");
            for (PhaseOutcome phase : report.phases()) {
                phase(phase, json);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (JacksonException e) {
            throw new IOException("could not write the JSON report: " + e.getOriginalMessage(), e);
        }
        out.write('\n');
        out.flush();
    }

    private void phase(PhaseOutcome phase, JsonGenerator json) {
        json.writeStartObject();
        json.writeStringProperty("id", clean(phase.phase()));
        json.writeStringProperty("status", phase.status().name());
        json.writeNumberProperty("durationMs", phase.duration().toMillis());
        json.writeStringProperty("detail", clean(phase.detail()));
        json.writeArrayPropertyStart("releases");
        for (ReleaseOutcome release : phase.releases()) {
            json.writeStartObject();
            json.writeStringProperty("component", clean(release.component()));
            json.writeStringProperty("release", clean(release.release()));
            json.writeStringProperty("chart", clean(release.chart()));
            json.writeNumberProperty("revision", release.revision());
            json.writeStringProperty("action", clean(release.action().label()));
            json.writeNumberProperty("ready", release.ready());
            json.writeNumberProperty("total", release.total());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayPropertyStart("probes");
        for (ProbeResult probe : phase.probes()) {
            json.writeStartObject();
            json.writeStringProperty("name", clean(probe.probe()));
            json.writeStringProperty("proves", clean(probe.proves()));
            json.writeBooleanProperty("passed", probe.passed());
            json.writeNumberProperty("attempts", probe.attempts());
            json.writeNumberProperty("durationMs", probe.duration().toMillis());
            json.writeStringProperty("lastObserved", clean(probe.lastObserved()));
            json.writeStringProperty("lastError", clean(probe.lastError()));
            json.writeStringProperty("hint", clean(probe.hint()));
            json.writeNumberProperty(
                    "writeToReadMs",
                    probe.evidence().measured() ? probe.evidence().writeToRead().toMillis() : -1);
            json.writeObjectPropertyStart("evidence");
            for (Map.Entry<String, String> fact : probe.evidence().facts().entrySet()) {
                json.writeStringProperty(clean(fact.getKey()), clean(fact.getValue()));
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private String clean(String value) {
        return redactor.redact(value);
    }

    /** Two-space indentation and {@code "key": value}: readable in a terminal, still one parse for jq. */
    private static final class Pretty extends ObjectWriteContext.Base {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return new DefaultPrettyPrinter(
                            Separators.createDefaultInstance().withObjectNameValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new tools.jackson.core.util.DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new tools.jackson.core.util.DefaultIndenter("  ", "\n"));
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    }
}
