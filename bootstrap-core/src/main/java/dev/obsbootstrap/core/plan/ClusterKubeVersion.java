package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.report.Console;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Asks a cluster for its version, for {@code plan}: quickly, without retries, and never failing. No cluster,
 * no kubeconfig or a silent API server all mean "empty", and plan renders for another version instead.
 */
public final class ClusterKubeVersion {
    private ClusterKubeVersion() {
    }

    /**
     * @param kubeconfig the kubeconfig file, "" for the usual lookup ($KUBECONFIG, ~/.kube/config, in-cluster)
     * @param context    the context, "" for the kubeconfig's current one
     * @param timeout    the whole budget for connecting and answering
     */
    public static Optional<String> read(String kubeconfig, String context, Duration timeout, Console console) {
        if (kubeconfig.isEmpty() && !anyKubeconfig(System.getenv())) {
            console.debug("no kubeconfig and not in a cluster: not asking for a Kubernetes version");
            return Optional.empty();
        }
        try {
            Config base = kubeconfig.isEmpty()
                    ? Config.autoConfigure(context.isEmpty() ? null : context)
                    : Config.fromKubeconfig(context.isEmpty() ? null : context, new File(kubeconfig));
            int millis = (int) Math.max(1, timeout.toMillis());
            Config config = new ConfigBuilder(base)
                    .withConnectionTimeout(millis)
                    .withRequestTimeout(millis)
                    .withRequestRetryBackoffLimit(0)
                    .build();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                VersionInfo version = client.getKubernetesVersion();
                String text = version.getGitVersion() != null && !version.getGitVersion().isBlank()
                        ? version.getGitVersion()
                        : version.getMajor() + "." + version.getMinor().replaceAll("\\D", "");
                console.debug("the cluster at %s runs Kubernetes %s", config.getMasterUrl(), text);
                return Optional.of(text);
            }
        } catch (RuntimeException e) {
            console.debug("no Kubernetes version from the cluster (%s)", e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean anyKubeconfig(Map<String, String> environment) {
        String fromEnv = environment.getOrDefault("KUBECONFIG", "");
        if (!fromEnv.isBlank()) {
            return true;
        }
        if (!environment.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()) {
            return true;
        }
        return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }
}
