package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.error.ExitCode;
import java.util.Objects;

/**
 * Something found before the first write that would make the run fail: a missing credential, a change Kubernetes
 * refuses, a release another tool left pending. {@code code} is BAD_INPUT for what the user fixes in the config or
 * environment, CLUSTER_FAILURE for what needs a hand on the cluster.
 */
public record Problem(ExitCode code, String message) {
    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static Problem badInput(String message) {
        return new Problem(ExitCode.BAD_INPUT, message);
    }

    public static Problem cluster(String message) {
        return new Problem(ExitCode.CLUSTER_FAILURE, message);
    }
}
