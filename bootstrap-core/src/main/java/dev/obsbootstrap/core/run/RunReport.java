package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.error.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole run, as every report writer (text, JSON, JUnit) reads it. The exit code is computed here, once: the worst
 * of the phases' and the run's own failure, if it had one.
 */
public record RunReport(
        String command,
        String runId,
        String profile,
        Instant startedAt,
        Duration duration,
        List<PhaseOutcome> phases,
        Optional<RunFailure> failure) {
    public RunReport {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        phases = List.copyOf(phases);
        Objects.requireNonNull(failure, "failure");
    }

    public RunReport(
            String command,
            String runId,
            String profile,
            Instant startedAt,
            Duration duration,
            List<PhaseOutcome> phases) {
        this(command, runId, profile, startedAt, duration, phases, Optional.empty());
    }

    public ExitCode exitCode() {
        ExitCode worst = failure.map(RunFailure::code).orElse(ExitCode.OK);
        for (PhaseOutcome phase : phases) {
            worst = worst.worst(phase.status().exitCode());
        }
        return worst;
    }

    /** The same report with the run's own failure set (a later one replaces an earlier one only when it is worse). */
    public RunReport withFailure(RunFailure next) {
        RunFailure kept = failure.filter(f -> f.code().worst(next.code()) == f.code() && f.code() != next.code())
                .orElse(next);
        return new RunReport(command, runId, profile, startedAt, duration, phases, Optional.of(kept));
    }
}
