package dev.obsbootstrap.core.manifest;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.Locale;

/** The Pod Security Standards' levels, least to most restrictive, as the {@code pod-security.kubernetes.io/enforce} label names them. */
public enum PodSecurityLevel {
    PRIVILEGED,
    BASELINE,
    RESTRICTED;

    /** The namespace label that sets the level Kubernetes enforces. */
    public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

    /** The namespace label that makes the API server warn about pods above this level. */
    public static final String WARN_LABEL = "pod-security.kubernetes.io/warn";

    public static PodSecurityLevel parse(String text, String where) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    where + ": '" + text + "' is not a Pod Security level; use privileged, baseline or restricted");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a namespace enforcing this level admits a pod that needs {@code needed}. */
    public boolean admits(PodSecurityLevel needed) {
        return needed.ordinal() >= ordinal();
    }
}
