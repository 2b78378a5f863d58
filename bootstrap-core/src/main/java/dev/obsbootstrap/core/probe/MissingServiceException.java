package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.error.ClusterException;

/**
 * The Service an endpoint names does not exist. Trying again does not make it appear (no other run installs while this
 * one holds the lock; Helm creates a release's Services before it returns), so a probe fails at once instead of
 * retrying until its deadline; outside probes ({@code open}) it is a cluster failure like any other.
 */
public final class MissingServiceException extends ClusterException {
    public MissingServiceException(String message) {
        super(message);
    }
}
