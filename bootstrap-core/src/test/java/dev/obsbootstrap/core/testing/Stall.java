package dev.obsbootstrap.core.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request the simulated API server holds until the test lets it go: the moment a client (Helm, in another process
 * perhaps) is in the middle of a write, made to last as long as the test needs. {@link #release()} lets the request
 * through as it was; {@link #drop()} answers it 503 without applying it, as a server that went away mid-request would
 * leave things (the client, killed meanwhile, never sees the answer).
 */
public final class Stall {
    private final String method;
    private final String pathFragment;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile boolean apply = true;

    Stall(String method, String pathFragment) {
        this.method = Objects.requireNonNull(method, "method");
        this.pathFragment = Objects.requireNonNull(pathFragment, "pathFragment");
    }

    boolean matches(String requestMethod, String path) {
        return arrived.getCount() > 0 && method.equals(requestMethod) && path.contains(pathFragment);
    }

    /** Called on the server's thread for the matching request; returns whether to apply it. */
    boolean hold() {
        arrived.countDown();
        try {
            if (!decided.await(5, TimeUnit.MINUTES)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return apply;
    }

    /** Whether the request has reached the server (and is being held). */
    public boolean awaitArrived(Duration timeout) throws InterruptedException {
        return arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void release() {
        apply = true;
        decided.countDown();
    }

    public void drop() {
        apply = false;
        decided.countDown();
    }
}
