package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.error.ExecutionFailures;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work plan started on another thread: its result, or what it threw, passed on as it was thrown. */
public final class Tasks {
    private Tasks() {}

    /**
     * The task's result. A RuntimeException or Error it threw is rethrown as it is (a ConfigException keeps its exit
     * code); an interrupt while waiting becomes a CancellationException saying what was going on.
     *
     * @param during what the task was doing, for the interrupt's message ("while Helm rendered the releases")
     */
    public static <T> T join(Future<T> task, String during) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw ExecutionFailures.unchecked(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted " + during);
        }
    }
}
