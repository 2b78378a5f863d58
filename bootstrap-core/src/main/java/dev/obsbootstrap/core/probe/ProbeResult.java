package dev.obsbootstrap.core.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything recorded about one probe run: the verdict, how many tries and how long, the last thing seen,
 * the last error (exception text of a try that threw), and the hint for a failure.
 */
public record ProbeResult(
        String phase,
        String probe,
        String proves,
        boolean passed,
        int attempts,
        Duration duration,
        String lastObserved,
        String lastError,
        String hint) {
    public ProbeResult {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(proves, "proves");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(lastObserved, "lastObserved");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(hint, "hint");
    }
}
