package dev.obsbootstrap.core.error;

/** The cluster or an install failed: unreachable API server, RBAC, Helm error, readiness timeout. Exit 3. */
public class ClusterException extends BootstrapException {
    public ClusterException(String message) {
        super(ExitCode.CLUSTER_FAILURE, message);
    }

    public ClusterException(String message, Throwable cause) {
        super(ExitCode.CLUSTER_FAILURE, message, cause);
    }
}
