package dev.obsbootstrap.core.lock;

import dev.obsbootstrap.core.error.ClusterException;

/** This run lost the stack's lock while it ran (another run took it over): it stops before changing anything else. */
public final class LockLostException extends ClusterException {
    public LockLostException(String message) {
        super(message);
    }
}
