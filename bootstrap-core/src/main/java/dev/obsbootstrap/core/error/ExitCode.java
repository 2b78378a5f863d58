package dev.obsbootstrap.core.error;

/** The process exit codes, named once. The CLI maps every outcome to exactly one of these. */
public enum ExitCode {
    OK(0),
    VERIFY_FAILED(1),
    /** {@code diff} / {@code up --dry-run}: something would change (like {@code diff} and {@code helm diff --detailed-exitcode}). */
    CHANGES_PENDING(1),
    BAD_INPUT(2),
    CLUSTER_FAILURE(3),
    /** A bug of ours (an unexpected exception), not the user's input or the cluster: BSD's EX_SOFTWARE. */
    INTERNAL_ERROR(70),
    /** Stopped by SIGINT (Ctrl-C): 128 + 2. */
    INTERRUPTED(130),
    /** Stopped by SIGTERM (CI cancelling a job, a pod being stopped): 128 + 15. */
    TERMINATED(143);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * The more severe of two codes: a stop by signal beats an internal error beats a cluster failure beats bad input
     * beats a failed verification beats ok.
     */
    public ExitCode worst(ExitCode other) {
        return severity() >= other.severity() ? this : other;
    }

    /** Whether the run was stopped by a signal. */
    public boolean isStop() {
        return this == INTERRUPTED || this == TERMINATED;
    }

    private int severity() {
        return switch (this) {
            case OK -> 0;
            case VERIFY_FAILED, CHANGES_PENDING -> 1;
            case BAD_INPUT -> 2;
            case CLUSTER_FAILURE -> 3;
            case INTERNAL_ERROR -> 4;
            case INTERRUPTED -> 5;
            case TERMINATED -> 6;
        };
    }
}
