package dev.obsbootstrap.core.run;

import java.util.Objects;
import java.util.Optional;

/**
 * How one `up` runs, as the CLI parsed it.
 *
 * @param skipVerify run no probes; phases end UNVERIFIED
 * @param from       start at this phase; earlier ones are SKIPPED ("before --from") but must be verified in the ledger
 * @param only       run just this phase
 * @param onFailure  what happens to a release whose install or verification failed
 */
public record RunOptions(boolean skipVerify, Optional<String> from, Optional<String> only, FailurePolicy onFailure) {
    public RunOptions {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(only, "only");
        Objects.requireNonNull(onFailure, "onFailure");
    }

    public static RunOptions defaults() {
        return new RunOptions(false, Optional.empty(), Optional.empty(), FailurePolicy.KEEP);
    }

    public enum FailurePolicy {
        /** Leave the failed release as it is, for inspection. */
        KEEP,
        /** Roll back to the revision before this run, or uninstall when this run installed it. */
        ROLLBACK
    }
}
