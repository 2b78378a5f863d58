package dev.obsbootstrap.core.helm;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How Helm reaches the cluster: a kubeconfig file the user has, or kubeconfig contents held in memory (the chosen
 * context made current; see {@code ClusterHub.kubeconfigContents}). Contents are never written to disk.
 */
public sealed interface KubeAccess {

    /** A kubeconfig file used as it is (its current-context). */
    record KubeconfigFile(Path path) implements KubeAccess {
        public KubeconfigFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** Kubeconfig YAML held in memory (it may carry tokens: never printed). */
    record KubeconfigContents(String yaml) implements KubeAccess {
        public KubeconfigContents {
            Objects.requireNonNull(yaml, "yaml");
        }

        @Override
        public String toString() {
            return "KubeconfigContents[" + yaml.length() + " chars]";
        }
    }

    /** No cluster: only {@link HelmDriver#template} works. */
    record None() implements KubeAccess {}

    static KubeAccess none() {
        return new None();
    }
}
