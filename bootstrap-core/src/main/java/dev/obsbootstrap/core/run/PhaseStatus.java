package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.error.ExitCode;

/** The verdict of one phase in one run. */
public enum PhaseStatus {
    /** Installed (or unchanged) and every probe passed. */
    VERIFIED(ExitCode.OK),
    /** Installed and ready, probes skipped on request (--skip-verify). */
    UNVERIFIED(ExitCode.OK),
    /** Installed and ready, but a probe failed. */
    VERIFY_FAILED(ExitCode.VERIFY_FAILED),
    /** Install, upgrade or readiness failed. */
    INSTALL_FAILED(ExitCode.CLUSTER_FAILURE),
    /** Not started because an earlier phase did not verify (or --only/--from left it out). */
    SKIPPED(ExitCode.OK),
    /** Switched off in the config or profile. */
    DISABLED(ExitCode.OK),
    /** Uninstalled by `down`. */
    REMOVED(ExitCode.OK),
    /** The run was interrupted while this phase ran. */
    INTERRUPTED(ExitCode.INTERRUPTED);

    private final ExitCode exitCode;

    PhaseStatus(ExitCode exitCode) {
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
