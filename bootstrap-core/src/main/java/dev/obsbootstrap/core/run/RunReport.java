package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.error.ExitCode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The whole run, as every report writer (text, JSON, JUnit) reads it. The exit code is computed here, once. */
public record RunReport(
        String command,
        String runId,
        String profile,
        Instant startedAt,
        Duration duration,
        List<PhaseOutcome> phases) {
    public RunReport {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        phases = List.copyOf(phases);
    }

    public ExitCode exitCode() {
        ExitCode worst = ExitCode.OK;
        for (PhaseOutcome phase : phases) {
            worst = worst.worst(phase.status().exitCode());
        }
        return worst;
    }
}
