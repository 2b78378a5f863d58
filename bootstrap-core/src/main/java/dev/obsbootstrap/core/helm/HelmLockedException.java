package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.error.ClusterException;

/**
 * Helm refused to change a release because its latest revision is pending ({@link HelmStatus#isPending()}): an install,
 * upgrade or rollback of it started and never finished (its process was killed, or it is still running elsewhere).
 */
public final class HelmLockedException extends ClusterException {
    public HelmLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
