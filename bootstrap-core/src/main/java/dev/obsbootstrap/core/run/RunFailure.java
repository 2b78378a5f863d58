package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.error.ExitCode;
import java.util.Objects;

/**
 * Why a run ended before or outside its phases: bad input found before anything changed, an unreachable cluster, a
 * lock another run holds, a signal, or an internal error. Reports show it as an error of the run itself, so CI has a
 * result for every exit code.
 */
public record RunFailure(ExitCode code, String message) {
    public RunFailure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
