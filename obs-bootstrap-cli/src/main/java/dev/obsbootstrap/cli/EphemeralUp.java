package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ExitCode;
import java.util.List;

/**
 * {@code up --ephemeral}: the main job on a fresh machine. A K3s node is started (or found again) through
 * Testcontainers, kept running, and the ordinary {@code up} installs and verifies the stack on it; then how to reach
 * it is printed. Everything that can be refused is refused before Docker is asked to start anything.
 */
final class EphemeralUp {
    private final UpCommand up;

    EphemeralUp(UpCommand up) {
        this.up = up;
    }

    ExitCode run() {
        EphemeralK3s node;
        BootstrapConfig config;
        try {
            if (up.clusterOptions.kubeconfig().isPresent()
                    || up.clusterOptions.context().isPresent()) {
                throw new dev.obsbootstrap.core.error.ConfigException(
                        "up --ephemeral makes its own cluster: leave out --kubeconfig and --context");
            }
            config = up.bundle != null
                    ? up.loadConfig(BundleOptions.config(dev.obsbootstrap.core.plan.BundleInstall.open(up.bundle)))
                    : up.loadConfig(up.configOptions);
            EphemeralK3s.checkOptions(EphemeralK3s.DEFAULT_IMAGE, List.of());
            DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
            if (!docker.available()) {
                throw new ClusterException(DockerEngine.missing("up --ephemeral", docker));
            }
            EphemeralK3s.checkKeepable();
            up.console()
                    .info(
                            "Docker engine: %s; starting (or finding again) the K3s node %s",
                            docker.engine(), EphemeralK3s.DEFAULT_IMAGE);
            node = EphemeralK3s.start(EphemeralK3s.DEFAULT_IMAGE, List.of(), true, System.getenv());
        } catch (BootstrapException refused) {
            return up.reported("up", up.output, up.configOptions, (runId, started) -> {
                throw refused;
            });
        }
        up.clusterOptions.kubeconfig = node.kubeconfig();
        up.yes = true; // a node this command made itself is nobody's protected context
        ExitCode installed = up.bundle != null ? new BundleUp(up, up.bundle).run() : up.install();
        ServiceEndpoint grafana = up.catalog().topology(config).endpoint("grafana");
        up.out().println(node.keptInstructions(config.namespace(), grafana.service(), grafana.port()));
        up.out().flush();
        return installed;
    }
}
