package dev.obsbootstrap.core.plan;

import java.util.Objects;

/**
 * One problem a static check found in the bundle, or a note about it (nothing to fix: what the bundle implies).
 *
 * @param file    bundle-relative file ("02-logs/obs-store.manifests.yaml")
 * @param subject what in the file ("StatefulSet observability/obs-store container 'store'"), "" for the file as a whole
 * @param message what is wrong and what to do; never a secret value
 * @param rule    which check found it ("kubernetes-schema", "image-pinned"): the SARIF rule id
 * @param line    1-based line in {@code file} where the problem is, 0 when no line can be named
 */
public record Finding(Severity severity, String file, String subject, String message, String rule, int line) {
    public enum Severity {
        /** Fails the plan (exit 2); the bundle is still written. */
        ERROR,
        /** Reported only. */
        WARNING,
        /** Information: nothing is wrong, but the reader should know it (SARIF level "note"). */
        NOTE
    }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(rule, "rule");
        if (line < 0) {
            throw new IllegalArgumentException("line " + line + " < 0");
        }
    }

    public static Finding error(String rule, String file, String subject, String message) {
        return new Finding(Severity.ERROR, file, subject, message, rule, 0);
    }

    public static Finding warning(String rule, String file, String subject, String message) {
        return new Finding(Severity.WARNING, file, subject, message, rule, 0);
    }

    public static Finding note(String rule, String file, String subject, String message) {
        return new Finding(Severity.NOTE, file, subject, message, rule, 0);
    }

    public Finding atLine(int number) {
        return new Finding(severity, file, subject, message, rule, number);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public boolean isWarning() {
        return severity == Severity.WARNING;
    }

    /** "error", "warning" or "note". */
    public String label() {
        return severity.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** "1 error(s), 2 warning(s)", with ", 3 note(s)" when there are notes. */
    public static String counts(java.util.Collection<Finding> findings) {
        long errors = findings.stream().filter(Finding::isError).count();
        long warnings = findings.stream().filter(Finding::isWarning).count();
        long notes = findings.size() - errors - warnings;
        return errors + " error(s), " + warnings + " warning(s)" + (notes > 0 ? ", " + notes + " note(s)" : "");
    }

    /** {@code 02-logs/obs-store.manifests.yaml:14: StatefulSet observability/obs-store container 'store': no memory limit}. */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (subject.isEmpty() ? "" : subject + ": ") + message;
    }
}
