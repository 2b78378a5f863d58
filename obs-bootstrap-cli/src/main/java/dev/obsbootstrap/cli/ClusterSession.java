package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterTarget;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.report.Console;
import dev.obsbootstrap.metrics.MetricsPhase;
import okhttp3.HttpUrl;

import java.util.Map;

/** How every cluster command reaches the cluster: one hub, the target printed first, protected contexts refused. */
final class ClusterSession {
    private ClusterSession() {
    }

    /** The hub for --kubeconfig, else KUBECONFIG / ~/.kube/config / in-cluster; the context is the config's (--context already applied). */
    static ClusterHub open(ClusterMixin options, BootstrapConfig config) {
        String context = config.cluster().context();
        return options.kubeconfig()
                .map(file -> ClusterHub.forKubeconfig(file, context, System.getenv()))
                .orElseGet(() -> ClusterHub.discover(context, System.getenv()));
    }

    /**
     * Prints the target (context, API server, Kubernetes version) before anything changes, and refuses a protected
     * context unless --yes was given. Fails fast when the API server does not answer (exit 3).
     */
    static ClusterTarget announce(ClusterHub hub, BootstrapConfig config, boolean yes, String command, Console console) {
        ClusterTarget target = hub.target();
        console.info("target: %s, namespace %s", target.describe(), config.namespace());
        if (config.cluster().isProtected(target.context())) {
            if (!yes) {
                throw new ConfigException("kube context '" + target.context() + "' is protected (cluster.protectedContexts / "
                        + "cluster.protectedPatterns in " + config.source() + "): `" + command
                        + "` changes it only with --yes; check that this is the cluster you mean");
            }
            console.warn("kube context '%s' is protected; going ahead because --yes was given", target.context());
        }
        return target;
    }

    /** Probes through port-forwards of the hub's retry-free client, with Grafana's admin login read from its Secret. */
    static ClusterProbeContext probeContext(BootstrapConfig config, StackTopology topology, ClusterHub hub,
                                            Map<String, HttpUrl> explicit, String runId) {
        return ClusterProbeContext.builder(config, topology, hub.probeClient())
                .credentials("grafana", MetricsPhase.grafanaAdminCredentials(topology))
                .endpointOverrides(explicit)
                .runId(runId)
                .build();
    }

    /** Helm renders for the cluster's version; "v1.31.4+k3s1" is accepted as it is. */
    static String helmKubeVersion(ClusterTarget target) {
        String version = target.kubernetesVersion();
        return version.startsWith("v") ? version.substring(1) : version;
    }
}
