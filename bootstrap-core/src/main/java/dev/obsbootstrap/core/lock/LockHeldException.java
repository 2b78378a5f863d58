package dev.obsbootstrap.core.lock;

import dev.obsbootstrap.core.error.ClusterException;

/** Another obs-bootstrap run holds the stack's lock. Exit 3: nothing was changed. */
public final class LockHeldException extends ClusterException {
    public LockHeldException(String message) {
        super(message);
    }
}
