package dev.obsbootstrap.core.helm;

import java.util.Locale;

/**
 * A Helm release's status, as Helm names it ({@code helm.sh/helm/v3/pkg/release/status.go}). A pending status holds
 * Helm's per-release lock: every other install, upgrade or rollback of the release is refused with "another operation
 * (install/upgrade/rollback) is in progress" until it changes.
 */
public enum HelmStatus {
    UNKNOWN("unknown"),
    DEPLOYED("deployed"),
    UNINSTALLED("uninstalled"),
    SUPERSEDED("superseded"),
    FAILED("failed"),
    UNINSTALLING("uninstalling"),
    PENDING_INSTALL("pending-install"),
    PENDING_UPGRADE("pending-upgrade"),
    PENDING_ROLLBACK("pending-rollback");

    private final String word;

    HelmStatus(String word) {
        this.word = word;
    }

    /** Helm's word for it ("pending-upgrade"); anything Helm may add later is {@link #UNKNOWN}. */
    public static HelmStatus of(String word) {
        String wanted = word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
        for (HelmStatus status : values()) {
            if (status.word.equals(wanted)) {
                return status;
            }
        }
        return UNKNOWN;
    }

    /** Helm's own {@code Status.IsPending()}: an operation on the release started and has not finished. */
    public boolean isPending() {
        return this == PENDING_INSTALL || this == PENDING_UPGRADE || this == PENDING_ROLLBACK;
    }

    /** A revision that was running at some point: what a rollback can go back to. */
    public boolean wasDeployed() {
        return this == DEPLOYED || this == SUPERSEDED;
    }

    @Override
    public String toString() {
        return word;
    }
}
