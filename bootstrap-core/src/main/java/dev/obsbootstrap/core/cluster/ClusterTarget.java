package dev.obsbootstrap.core.cluster;

import java.util.Objects;

/**
 * The cluster a run is about to change, printed before anything changes.
 *
 * @param context           kube context name ("in-cluster" inside a pod)
 * @param serverUrl         API server URL
 * @param kubernetesVersion what the API server reports, like v1.31.0 or v1.31.4+k3s1
 */
public record ClusterTarget(String context, String serverUrl, String kubernetesVersion) {
    public ClusterTarget {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(kubernetesVersion, "kubernetesVersion");
    }

    /** "context fake-ci (http://127.0.0.1:40123, Kubernetes v1.31.0)". */
    public String describe() {
        return "context " + context + " (" + serverUrl + ", Kubernetes " + kubernetesVersion + ")";
    }
}
