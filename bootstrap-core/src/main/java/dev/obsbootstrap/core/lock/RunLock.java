package dev.obsbootstrap.core.lock;

import java.util.Optional;

/**
 * One run at a time per stack: {@code up} and {@code down} hold this lock for the whole run. A second run refuses at
 * once naming the holder; a holder that stopped renewing (killed, or its machine gone) is taken over, with a message.
 */
public interface RunLock {
    /** The current holder, if the lock is held and not expired. Reads only. */
    Optional<LockHolder> holder();

    /**
     * Reads only: fails when another live run holds the lock, so a second run refuses before it renders or checks anything.
     *
     * @throws LockHeldException naming the holder and since when
     */
    void checkFree(RunIdentity me);

    /**
     * Takes the lock for {@code me}, or fails.
     *
     * @throws LockHeldException when another live run holds it (exit 3)
     */
    Held acquire(RunIdentity me);

    /** A held lock: renewed in the background until closed. */
    interface Held extends AutoCloseable {
        /** The holder this run took the lock over from, when it did (a run that had died). */
        Optional<LockHolder> tookOverFrom();

        /**
         * Fails when the lock was lost since it was taken: another run took it over because this one could not renew
         * it in time (a long outage of the API server). Called before every change to the cluster.
         *
         * @throws LockLostException when this run no longer holds the lock
         */
        void checkHeld();

        /** Releases the lock (when this run still holds it) and stops renewing. Never throws. */
        @Override
        void close();
    }

    /** No locking at all: for tests of the runner and for commands that only read. */
    static RunLock none() {
        return new RunLock() {
            @Override
            public Optional<LockHolder> holder() {
                return Optional.empty();
            }

            @Override
            public void checkFree(RunIdentity me) {}

            @Override
            public Held acquire(RunIdentity me) {
                return new Held() {
                    @Override
                    public Optional<LockHolder> tookOverFrom() {
                        return Optional.empty();
                    }

                    @Override
                    public void checkHeld() {}

                    @Override
                    public void close() {}
                };
            }
        };
    }
}
