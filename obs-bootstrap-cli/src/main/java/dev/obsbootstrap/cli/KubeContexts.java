package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether this machine has any way to a cluster at all, the way {@code ClusterHub} looks for one (--kubeconfig,
 * KUBECONFIG, ~/.kube/config, a pod's service account), without reading or contacting anything: what decides between
 * "your cluster" and "a throwaway node or no cluster" before a command starts.
 */
final class KubeContexts {
    private KubeContexts() {}

    /**
     * Refuses a command that needs a cluster when there is no way to one, saying what the machine can do instead:
     * a throwaway K3s node where a Docker engine runs, else the paths that need no cluster.
     */
    static void requireOne(ClusterMixin options, String command) {
        if (anyConfigured(options, System.getenv())) {
            return;
        }
        DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
        String none = "no kube context: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not inside a pod";
        if (docker.available()) {
            throw new ConfigException(
                    none + ". A Docker engine is running (" + docker.engine() + "): `obs-bootstrap " + command
                            + " --ephemeral` starts a K3s node there, installs and verifies the stack on it and keeps it running "
                            + "(`obs-bootstrap smoke` does the same and removes it); or pass --kubeconfig FILE for a cluster you have");
        }
        throw new ConfigException(
                none + ", and no Docker engine for a throwaway K3s node either (looked at "
                        + docker.describeLookedAt()
                        + "). Without any cluster: `obs-bootstrap plan --out DIR` renders the reviewable bundle "
                        + "and `obs-bootstrap validate --path static` checks it; with a cluster: pass --kubeconfig FILE or set KUBECONFIG");
    }

    static boolean anyConfigured(ClusterMixin options, Map<String, String> environment) {
        if (options.kubeconfig().isPresent() || options.context().isPresent()) {
            return true;
        }
        if (!environment.getOrDefault("KUBECONFIG", "").isBlank()) {
            return true;
        }
        if (!environment.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()) {
            return true;
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Files.isRegularFile(Path.of(home, ".kube", "config"));
    }
}
