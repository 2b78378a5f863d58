package dev.obsbootstrap.core.error;

/** The process exit codes, named once. The CLI maps every outcome to exactly one of these. */
public enum ExitCode {
    OK(0),
    VERIFY_FAILED(1),
    BAD_INPUT(2),
    CLUSTER_FAILURE(3),
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The more severe of two codes: interrupted beats cluster failure beats bad input beats verify failed beats ok. */
    public ExitCode worst(ExitCode other) {
        return severity() >= other.severity() ? this : other;
    }

    private int severity() {
        return switch (this) {
            case OK -> 0;
            case VERIFY_FAILED -> 1;
            case BAD_INPUT -> 2;
            case CLUSTER_FAILURE -> 3;
            case INTERRUPTED -> 4;
        };
    }
}
