package dev.obsbootstrap.core.report;

import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.ReleaseOutcome;
import dev.obsbootstrap.core.run.RunFailure;
import dev.obsbootstrap.core.run.RunReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The CI report: JUnit XML as Jenkins, GitLab and GitHub test reporters read it. One {@code <testsuite>} per
 * phase (named by the phase id), one {@code <testcase>} per probe (classname {@code obs-bootstrap.<phase>}), a
 * failed probe as {@code <failure>}, an install failure as a testcase {@code install} with {@code <error>}, and a
 * skipped or disabled phase as one testcase {@code phase} with {@code <skipped>} so CI shows it. The full mapping
 * is in docs/reports.md.
 */
public final class JUnitReport implements ReportWriter {
    static final String CLASSNAME_PREFIX = "obs-bootstrap.";
    /** Attribute messages stay short; the whole story is in the element text. */
    static final int MESSAGE_LIMIT = 300;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final Redactor redactor;

    public JUnitReport(Redactor redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    /**
     * Writes the report to {@code file} as UTF-8, creating parent directories. The XML goes to a temporary file
     * that is then moved in place, so a CI step never reads half a report.
     */
    public void writeFile(RunReport report, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                write(report, out);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Writes the XML; the declaration says UTF-8, so {@code out} must encode UTF-8 (a file) or keep chars (a string). */
    @Override
    public void write(RunReport report, Writer out) throws IOException {
        List<Suite> suites = new ArrayList<>();
        report.failure().ifPresent(failure -> suites.add(runSuite(report, failure)));
        for (PhaseOutcome phase : report.phases()) {
            suites.add(suite(report, phase));
        }
        try {
            // the JDK's own StAX writer, whatever else is on the classpath: its escaping is what the tests pin down
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", attribute("obs-bootstrap " + text(report.command())));
            xml.writeAttribute("tests", Integer.toString(sum(suites, Kind.ANY)));
            xml.writeAttribute("failures", Integer.toString(sum(suites, Kind.FAILURE)));
            xml.writeAttribute("errors", Integer.toString(sum(suites, Kind.ERROR)));
            xml.writeAttribute("skipped", Integer.toString(sum(suites, Kind.SKIPPED)));
            xml.writeAttribute("time", ReportText.seconds(report.duration()));
            xml.writeAttribute("timestamp", timestamp(report));
            for (Suite suite : suites) {
                writeSuite(suite, timestamp(report), xml);
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.flush();
            xml.close(); // closes the StAX writer only, never the underlying stream
        } catch (XMLStreamException e) {
            throw new IOException("could not write the JUnit report: " + e.getMessage(), e);
        }
        out.flush();
    }

    /** The run's own failure (bad input, no cluster, a lock, a signal) as an error testcase, so CI shows a result for it. */
    private Suite runSuite(RunReport report, RunFailure failure) {
        String classname = CLASSNAME_PREFIX + "run";
        String message = text(failure.message());
        Case testcase = new Case(
                classname,
                text(report.command()),
                report.duration(),
                Kind.ERROR,
                failureType(failure.code()),
                orDefault(firstLine(message), failure.code().name()),
                message + "\nexit code " + failure.code().code());
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("exitCode", Integer.toString(failure.code().code()));
        properties.put("command", text(report.command()));
        properties.put("runId", text(report.runId()));
        properties.put("profile", text(report.profile()));
        return new Suite("run", report.duration(), properties, List.of(testcase));
    }

    private static String failureType(ExitCode code) {
        return switch (code) {
            case BAD_INPUT -> "BadInput";
            case CLUSTER_FAILURE -> "ClusterFailure";
            case INTERNAL_ERROR -> "InternalError";
            case INTERRUPTED -> "Interrupted";
            case TERMINATED -> "Terminated";
            case VERIFY_FAILED -> "VerifyFailed";
            case CHANGES_PENDING -> "ChangesPending";
            case OK -> "Error";
        };
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private Suite suite(RunReport report, PhaseOutcome phase) {
        String classname = CLASSNAME_PREFIX + text(phase.phase());
        List<Case> cases = new ArrayList<>();
        String detail = text(phase.detail());
        boolean hasRelease = !phase.releases().isEmpty();
        Duration probeTime = Duration.ZERO;
        for (ProbeResult probe : phase.probes()) {
            probeTime = probeTime.plus(probe.duration());
        }
        Duration installTime = phase.duration().minus(probeTime).isNegative()
                ? Duration.ZERO
                : phase.duration().minus(probeTime);

        switch (phase.status()) {
            case INSTALL_FAILED ->
                cases.add(new Case(
                        classname,
                        "install",
                        installTime,
                        Kind.ERROR,
                        "InstallFailed",
                        orDefault(detail, "install failed"),
                        releasesText(phase)));
            case SKIPPED ->
                cases.add(new Case(
                        classname, "phase", Duration.ZERO, Kind.SKIPPED, "", orDefault(detail, "skipped"), ""));
            case DISABLED ->
                cases.add(new Case(
                        classname,
                        "phase",
                        Duration.ZERO,
                        Kind.SKIPPED,
                        "",
                        orDefault(detail, "disabled in the config or profile"),
                        ""));
            case REMOVED ->
                cases.add(new Case(classname, "uninstall", phase.duration(), Kind.PASSED, "", "", releasesText(phase)));
            default -> {
                if (hasRelease) {
                    cases.add(new Case(classname, "install", installTime, Kind.PASSED, "", "", releasesText(phase)));
                }
            }
        }
        boolean probeFailed = false;
        for (ProbeResult probe : phase.probes()) {
            if (probe.passed()) {
                cases.add(new Case(
                        classname, text(probe.probe()), probe.duration(), Kind.PASSED, "", "", evidenceText(probe)));
            } else {
                probeFailed = true;
                cases.add(new Case(
                        classname,
                        text(probe.probe()),
                        probe.duration(),
                        Kind.FAILURE,
                        "ProbeFailed",
                        failureMessage(probe),
                        failureBody(probe)));
            }
        }
        // every suite says why it has the status it has, also when no probe shows it
        switch (phase.status()) {
            case VERIFY_FAILED -> {
                if (!probeFailed) {
                    cases.add(new Case(
                            classname,
                            "phase",
                            Duration.ZERO,
                            Kind.FAILURE,
                            "VerifyFailed",
                            orDefault(detail, "verification failed"),
                            detail));
                }
            }
            case INTERRUPTED ->
                cases.add(new Case(
                        classname,
                        "phase",
                        Duration.ZERO,
                        Kind.ERROR,
                        "Interrupted",
                        orDefault(detail, "interrupted"),
                        detail));
            case UNVERIFIED ->
                cases.add(new Case(
                        classname,
                        "phase",
                        Duration.ZERO,
                        Kind.SKIPPED,
                        "",
                        orDefault(detail, "probes skipped on request"),
                        ""));
            case VERIFIED -> {
                if (cases.isEmpty()) {
                    cases.add(new Case(classname, "phase", phase.duration(), Kind.PASSED, "", "", ""));
                }
            }
            default -> {
                // INSTALL_FAILED, SKIPPED, DISABLED and REMOVED were handled above
            }
        }

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("status", phase.status().name());
        properties.put("detail", detail);
        properties.put("command", text(report.command()));
        properties.put("runId", text(report.runId()));
        properties.put("profile", text(report.profile()));
        return new Suite(text(phase.phase()), phase.duration(), properties, cases);
    }

    private String failureMessage(ProbeResult probe) {
        String observed = text(probe.lastObserved());
        String message = !observed.isBlank() ? observed : text(probe.lastError());
        if (message.isBlank()) {
            message = "failed after " + probe.attempts() + " attempts";
        }
        String hint = text(probe.hint());
        return hint.isBlank() ? message : message + " (hint: " + hint + ")";
    }

    private String failureBody(ProbeResult probe) {
        StringBuilder body = new StringBuilder();
        line(body, "proves", text(probe.proves()));
        line(body, "observed", text(probe.lastObserved()));
        line(body, "error", text(probe.lastError()));
        line(body, "hint", text(probe.hint()));
        line(body, "attempts", probe.attempts() + " in " + ReportText.human(probe.duration()));
        body.append(evidenceText(probe));
        return body.toString();
    }

    /** "write-to-read: 1.2s" and one "evidence key: value" line per fact; "" when the probe recorded none. */
    private String evidenceText(ProbeResult probe) {
        StringBuilder body = new StringBuilder();
        if (probe.evidence().measured()) {
            line(body, "write-to-read", ReportText.human(probe.evidence().writeToRead()));
        }
        for (Map.Entry<String, String> fact : probe.evidence().facts().entrySet()) {
            line(body, "evidence " + text(fact.getKey()), text(fact.getValue()));
        }
        return body.toString();
    }

    private String releasesText(PhaseOutcome phase) {
        StringBuilder body = new StringBuilder();
        for (ReleaseOutcome release : phase.releases()) {
            body.append(text(release.component()))
                    .append(": release ")
                    .append(text(release.release()))
                    .append(", chart ")
                    .append(text(release.chart()))
                    .append(", revision ")
                    .append(release.revision())
                    .append(", ")
                    .append(text(release.action().label()))
                    .append(", ")
                    .append(release.ready())
                    .append('/')
                    .append(release.total())
                    .append(" ready\n");
        }
        if (!phase.detail().isBlank()) {
            line(body, "detail", text(phase.detail()));
        }
        return body.toString();
    }

    private static void line(StringBuilder body, String label, String value) {
        if (!value.isBlank()) {
            body.append(label).append(": ").append(value.strip()).append('\n');
        }
    }

    private static void writeSuite(Suite suite, String timestamp, XMLStreamWriter xml) throws XMLStreamException {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", attribute(suite.name()));
        xml.writeAttribute("tests", Integer.toString(suite.count(Kind.ANY)));
        xml.writeAttribute("failures", Integer.toString(suite.count(Kind.FAILURE)));
        xml.writeAttribute("errors", Integer.toString(suite.count(Kind.ERROR)));
        xml.writeAttribute("skipped", Integer.toString(suite.count(Kind.SKIPPED)));
        xml.writeAttribute("time", ReportText.seconds(suite.time()));
        xml.writeAttribute("timestamp", timestamp);
        xml.writeCharacters("\n    ");
        xml.writeStartElement("properties");
        for (Map.Entry<String, String> property : suite.properties().entrySet()) {
            xml.writeCharacters("\n      ");
            xml.writeEmptyElement("property");
            xml.writeAttribute("name", property.getKey());
            xml.writeAttribute("value", attribute(property.getValue()));
        }
        xml.writeCharacters("\n    ");
        xml.writeEndElement();
        for (Case testcase : suite.cases()) {
            xml.writeCharacters("\n    ");
            if (testcase.kind() == Kind.PASSED && testcase.body().isEmpty()) {
                xml.writeEmptyElement("testcase");
                caseAttributes(testcase, xml);
                continue;
            }
            xml.writeStartElement("testcase");
            caseAttributes(testcase, xml);
            switch (testcase.kind()) {
                case FAILURE, ERROR, SKIPPED -> {
                    xml.writeCharacters("\n      ");
                    String element = switch (testcase.kind()) {
                        case FAILURE -> "failure";
                        case ERROR -> "error";
                        default -> "skipped";
                    };
                    if (testcase.body().isEmpty()) {
                        xml.writeEmptyElement(element);
                        outcomeAttributes(testcase, xml);
                    } else {
                        xml.writeStartElement(element);
                        outcomeAttributes(testcase, xml);
                        xml.writeCharacters(ReportText.printable(testcase.body()));
                        xml.writeEndElement();
                    }
                }
                default -> {
                    // a passed testcase with a body: the install details, as its output
                    xml.writeCharacters("\n      ");
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(ReportText.printable(testcase.body()));
                    xml.writeEndElement();
                }
            }
            xml.writeCharacters("\n    ");
            xml.writeEndElement();
        }
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
    }

    private static void caseAttributes(Case testcase, XMLStreamWriter xml) throws XMLStreamException {
        xml.writeAttribute("classname", attribute(testcase.classname()));
        xml.writeAttribute("name", attribute(testcase.name()));
        xml.writeAttribute("time", ReportText.seconds(testcase.time()));
    }

    private static void outcomeAttributes(Case testcase, XMLStreamWriter xml) throws XMLStreamException {
        xml.writeAttribute("message", attribute(testcase.message()));
        if (!testcase.type().isEmpty()) {
            xml.writeAttribute("type", testcase.type());
        }
    }

    /** One printable line, short: parsers turn newlines in attributes into spaces anyway. */
    private static String attribute(String value) {
        return ReportText.shorten(ReportText.printable(ReportText.oneLine(value)), MESSAGE_LIMIT);
    }

    private String text(String value) {
        return redactor.redact(value);
    }

    private static String orDefault(String value, String fallback) {
        return value.isBlank() ? fallback : value;
    }

    private static String timestamp(RunReport report) {
        // the Ant JUnit schema's timestamp has no zone: it is UTC here
        return TIMESTAMP.format(
                LocalDateTime.ofInstant(report.startedAt().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC));
    }

    private static int sum(List<Suite> suites, Kind kind) {
        int total = 0;
        for (Suite suite : suites) {
            total += suite.count(kind);
        }
        return total;
    }

    private enum Kind {
        ANY,
        PASSED,
        FAILURE,
        ERROR,
        SKIPPED
    }

    private record Case(
            String classname, String name, Duration time, Kind kind, String type, String message, String body) {}

    private record Suite(String name, Duration time, Map<String, String> properties, List<Case> cases) {
        int count(Kind kind) {
            int count = 0;
            for (Case testcase : cases) {
                if (kind == Kind.ANY || testcase.kind() == kind) {
                    count++;
                }
            }
            return count;
        }
    }
}
