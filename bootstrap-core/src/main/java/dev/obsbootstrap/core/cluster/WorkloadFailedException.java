package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ClusterException;

/**
 * A workload of the phase is broken in a way waiting will not fix (see {@link FailFast}). The message already holds
 * the diagnosis and a hint for the cause, so nothing needs to diagnose it again.
 */
public final class WorkloadFailedException extends ClusterException {
    private final PodHealth.Cause cause;

    public WorkloadFailedException(PodHealth.Cause cause, String message) {
        super(message);
        this.cause = cause;
    }

    public PodHealth.Cause failureCause() {
        return cause;
    }
}
