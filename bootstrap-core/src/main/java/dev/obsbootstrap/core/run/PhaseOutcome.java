package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.probe.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** One phase's verdict with everything that led to it. {@code detail} is the one-line reason for a non-verified status ("" otherwise). */
public record PhaseOutcome(
        String phase,
        PhaseStatus status,
        Duration duration,
        List<ReleaseOutcome> releases,
        List<ProbeResult> probes,
        String detail) {
    public PhaseOutcome {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        releases = List.copyOf(releases);
        probes = List.copyOf(probes);
        Objects.requireNonNull(detail, "detail");
    }

    public static PhaseOutcome skipped(String phase, PhaseStatus status, String reason) {
        return new PhaseOutcome(phase, status, Duration.ZERO, List.of(), List.of(), reason);
    }
}
