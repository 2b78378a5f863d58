package dev.obsbootstrap.core.error;

import java.util.concurrent.ExecutionException;

/** What a task run on another thread threw, passed on as it was thrown (plan's render threads, up's render thread). */
public final class ExecutionFailures {
    private ExecutionFailures() {}

    /**
     * The task's RuntimeException itself (a ConfigException keeps its exit code), its Error thrown here, anything else
     * (a checked exception the task declared) wrapped. The caller throws the result.
     */
    public static RuntimeException unchecked(ExecutionException failed) {
        if (failed.getCause() instanceof RuntimeException failure) {
            return failure;
        }
        if (failed.getCause() instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(failed.getCause());
    }
}
