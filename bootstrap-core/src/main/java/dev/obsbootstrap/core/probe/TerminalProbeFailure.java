package dev.obsbootstrap.core.probe;

/**
 * Thrown by a try that shows more tries cannot help: the run has no URL for an endpoint, or no cluster for a
 * probe that reads the Kubernetes API. The {@link ProbeRunner} stops polling that probe at once and records the
 * message as the failure, with {@link #hint()} as its hint.
 */
public final class TerminalProbeFailure extends RuntimeException {
    private final String hint;

    public TerminalProbeFailure(String message, String hint) {
        super(message);
        this.hint = hint == null ? "" : hint;
    }

    public String hint() {
        return hint;
    }
}
