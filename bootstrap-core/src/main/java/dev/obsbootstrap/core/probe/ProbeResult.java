package dev.obsbootstrap.core.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything recorded about one probe run: the verdict, how many tries and how long, the last thing seen,
 * the last error (exception text of a try that threw), the hint for a failure, and the evidence of the last try
 * (ids and timestamps it sent, where it found them, the write-to-read latency, the route to each endpoint).
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
        String hint,
        Evidence evidence) {
    public ProbeResult {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(proves, "proves");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(lastObserved, "lastObserved");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(evidence, "evidence");
    }

    /** A result without evidence (probes that write nothing, hand-built results in tests and other runners). */
    public ProbeResult(
            String phase,
            String probe,
            String proves,
            boolean passed,
            int attempts,
            Duration duration,
            String lastObserved,
            String lastError,
            String hint) {
        this(phase, probe, proves, passed, attempts, duration, lastObserved, lastError, hint, Evidence.none());
    }
}
