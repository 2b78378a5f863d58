package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.BootstrapException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * The cluster's Kubernetes version for {@code plan}, which never needs a cluster: no kubeconfig, an unknown context
 * or a silent API server all mean "empty" (said with -v), and plan renders for another version instead.
 * The hub asks with a short connect timeout and no retries.
 */
public final class ClusterKubeVersion {
    private ClusterKubeVersion() {}

    public static Optional<String> read(ClusterHub hub, Console console) {
        try {
            String version = hub.target().kubernetesVersion();
            console.debug("the cluster of context %s runs Kubernetes %s", hub.contextName(), version);
            return Optional.of(version);
        } catch (BootstrapException | KubernetesClientException e) {
            console.debug("not rendering for a cluster's version: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
