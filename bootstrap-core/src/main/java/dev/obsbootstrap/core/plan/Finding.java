package dev.obsbootstrap.core.plan;

import java.util.Objects;

/**
 * One problem a static check found in the bundle.
 *
 * @param file    bundle-relative file ("02-logs/obs-store.manifests.yaml")
 * @param subject what in the file ("StatefulSet observability/obs-store container 'store'"), "" for the file as a whole
 * @param message what is wrong and what to do; never a secret value
 */
public record Finding(Severity severity, String file, String subject, String message) {
    public enum Severity {
        /** Fails the plan (exit 2); the bundle is still written. */
        ERROR,
        /** Reported only. */
        WARNING
    }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
    }

    public static Finding error(String file, String subject, String message) {
        return new Finding(Severity.ERROR, file, subject, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code 02-logs/obs-store.manifests.yaml: StatefulSet observability/obs-store container 'store': no memory limit}. */
    @Override
    public String toString() {
        return file + ": " + (subject.isEmpty() ? "" : subject + ": ") + message;
    }
}
