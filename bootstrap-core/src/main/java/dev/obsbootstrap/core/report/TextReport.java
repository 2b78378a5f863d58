package dev.obsbootstrap.core.report;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.ReleaseOutcome;
import dev.obsbootstrap.core.run.RunReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The report for people: a header, one table row per phase, then per phase its releases and probes, each failed
 * probe with what it proves, what was observed, the last error and the hint, and a closing result line (the line a
 * CI log tail shows). No colour: stdout is often a file or a pipe.
 */
public final class TextReport implements ReportWriter {
    /** Pass/fail marks. ASCII when stdout cannot encode the check marks. */
    public enum Glyphs {
        UNICODE("✓", "✗"),
        ASCII("PASS", "FAIL");

        private final String pass;
        private final String fail;

        Glyphs(String pass, String fail) {
            this.pass = pass;
            this.fail = fail;
        }

        /** UNICODE when {@code charset} is a Unicode encoding, ASCII otherwise (LANG=C gives US-ASCII). */
        public static Glyphs forCharset(Charset charset) {
            return charset.equals(StandardCharsets.UTF_8) || charset.name().startsWith("UTF-") ? UNICODE : ASCII;
        }
    }

    private final Redactor redactor;
    private final Glyphs glyphs;

    public TextReport(Redactor redactor, Glyphs glyphs) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.glyphs = Objects.requireNonNull(glyphs, "glyphs");
    }

    @Override
    public void write(RunReport report, Writer out) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("obs-bootstrap ")
                .append(clean(report.command()))
                .append("  run ")
                .append(clean(report.runId()))
                .append("  profile ")
                .append(clean(report.profile()))
                .append("  started ")
                .append(report.startedAt().truncatedTo(ChronoUnit.SECONDS))
                .append("  took ")
                .append(ReportText.human(report.duration()))
                .append('\n');
        if (report.phases().isEmpty()) {
            text.append("\nno phases ran\n");
        } else {
            text.append('\n');
            phaseTable(report.phases(), text);
            for (PhaseOutcome phase : report.phases()) {
                if (!phase.releases().isEmpty()) {
                    releases(phase, text);
                }
                if (!phase.probes().isEmpty()) {
                    probes(phase, text);
                }
            }
        }
        text.append('\n').append(result(report)).append('\n');
        out.write(text.toString());
        out.flush();
    }

    private void phaseTable(List<PhaseOutcome> phases, StringBuilder text) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("PHASE", "STATUS", "TIME", "DETAIL"));
        for (PhaseOutcome phase : phases) {
            rows.add(List.of(
                    clean(phase.phase()),
                    phase.status().name(),
                    ReportText.human(phase.duration()),
                    ReportText.oneLine(clean(phase.detail()))));
        }
        table(rows, "", text);
    }

    private void releases(PhaseOutcome phase, StringBuilder text) {
        text.append('\n').append(clean(phase.phase())).append(" releases\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("COMPONENT", "RELEASE", "CHART", "REV", "ACTION", "READY"));
        for (ReleaseOutcome release : phase.releases()) {
            rows.add(List.of(
                    clean(release.component()),
                    clean(release.release()),
                    clean(release.chart()),
                    release.revision() > 0 ? Integer.toString(release.revision()) : "-",
                    clean(release.action().label()),
                    release.ready() + "/" + release.total()));
        }
        table(rows, "  ", text);
    }

    private void probes(PhaseOutcome phase, StringBuilder text) {
        text.append('\n').append(clean(phase.phase())).append(" probes\n");
        int nameWidth = 0;
        int attemptsWidth = 0;
        for (ProbeResult probe : phase.probes()) {
            nameWidth = Math.max(nameWidth, clean(probe.probe()).length());
            attemptsWidth = Math.max(attemptsWidth, attempts(probe).length());
        }
        int markWidth = Math.max(glyphs.pass.length(), glyphs.fail.length());
        for (ProbeResult probe : phase.probes()) {
            text.append("  ")
                    .append(pad(probe.passed() ? glyphs.pass : glyphs.fail, markWidth))
                    .append(' ')
                    .append(pad(clean(probe.probe()), nameWidth))
                    .append("  ")
                    .append(pad(attempts(probe), attemptsWidth + 2))
                    .append(ReportText.human(probe.duration()))
                    .append('\n');
            String indent = " ".repeat(2 + markWidth + 1 + 2);
            if (!probe.passed()) {
                field(indent, "proves", probe.proves(), text);
                field(indent, "observed", probe.lastObserved(), text);
                field(indent, "error", probe.lastError(), text);
                field(indent, "hint", probe.hint(), text);
            }
            evidence(indent, probe, text);
        }
    }

    /** The write-to-read latency and the ids and timestamps the probe sent and found, one line each. */
    private void evidence(String indent, ProbeResult probe, StringBuilder text) {
        if (probe.evidence().measured()) {
            field(
                    indent,
                    "latency",
                    "write-to-read " + ReportText.human(probe.evidence().writeToRead()),
                    text);
        }
        List<String> facts = new ArrayList<>();
        probe.evidence().facts().forEach((key, value) -> facts.add(key + "=" + value));
        if (!facts.isEmpty()) {
            field(indent, "evidence", String.join("\n", facts), text);
        }
    }

    private static String attempts(ProbeResult probe) {
        return probe.attempts() + (probe.attempts() == 1 ? " attempt" : " attempts");
    }

    private void field(String indent, String label, String value, StringBuilder text) {
        String cleaned = clean(value).strip();
        if (cleaned.isEmpty()) {
            return;
        }
        String continuation = "\n" + indent + " ".repeat(10);
        text.append(indent)
                .append(pad(label, 10))
                .append(cleaned.replaceAll("\\r?\\n", continuation))
                .append('\n');
    }

    /** "Result: verification failed (exit 1), 1 verify failed, 4 skipped; alerting VERIFY_FAILED". */
    private String result(RunReport report) {
        ExitCode exit = report.exitCode();
        Map<PhaseStatus, Integer> counts = new EnumMap<>(PhaseStatus.class);
        List<String> notOk = new ArrayList<>();
        for (PhaseOutcome phase : report.phases()) {
            counts.merge(phase.status(), 1, Integer::sum);
            if (phase.status().exitCode() != ExitCode.OK) {
                notOk.add(clean(phase.phase()) + " " + phase.status().name());
            }
        }
        String verdict = switch (exit) {
            case OK -> "ok";
            case VERIFY_FAILED -> "verification failed";
            case CHANGES_PENDING -> "changes pending";
            case BAD_INPUT -> "bad input";
            case CLUSTER_FAILURE -> "cluster failure";
            case INTERNAL_ERROR -> "internal error";
            case INTERRUPTED -> "interrupted";
            case TERMINATED -> "terminated";
        };
        List<String> tally = new ArrayList<>();
        counts.forEach((status, count) ->
                tally.add(count + " " + status.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        if (report.failure().isPresent()) {
            notOk.add(
                    0,
                    "run: "
                            + clean(report.failure()
                                    .get()
                                    .message()
                                    .lines()
                                    .findFirst()
                                    .orElse("")));
        }
        StringBuilder line = new StringBuilder("Result: ")
                .append(verdict)
                .append(" (exit ")
                .append(exit.code())
                .append("), ")
                .append(tally.isEmpty() ? "no phases" : String.join(", ", tally));
        if (!notOk.isEmpty()) {
            line.append("; ").append(String.join(", ", notOk));
        }
        return line.toString();
    }

    private String clean(String value) {
        return ReportText.printable(redactor.redact(value));
    }

    private static void table(List<List<String>> rows, String indent, StringBuilder text) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row.get(c) : pad(row.get(c), widths[c] + 2));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String pad(String value, int width) {
        return value.length() >= width ? value : value + " ".repeat(width - value.length());
    }
}
