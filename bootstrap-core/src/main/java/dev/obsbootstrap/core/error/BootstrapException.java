package dev.obsbootstrap.core.error;

import java.util.Objects;

/**
 * An error a user can act on. Its message is the whole story for the user (what, where, what to do);
 * the CLI prints only the message unless --debug is given.
 */
public class BootstrapException extends RuntimeException {
    private final ExitCode exitCode;

    public BootstrapException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    }

    public BootstrapException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
