package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/**
 * Grafana as kube-prometheus-stack lays it out, for tests that reach it through a {@link PortForwardingApiServer}:
 * Service {@code obs-grafana} port 80 targeting the container port named {@code grafana} (3000), and its pods.
 */
public final class GrafanaBehindAService {
    public static final Map<String, String> LABELS =
            Map.of("app.kubernetes.io/name", "grafana", "app.kubernetes.io/instance", "obs-metrics");

    private GrafanaBehindAService() {}

    public static Service service(String namespace) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName("obs-grafana")
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withSelector(LABELS)
                .addNewPort()
                .withName("http-web")
                .withPort(80)
                .withTargetPort(new IntOrString("grafana"))
                .endPort()
                .endSpec()
                .build();
    }

    public static Pod pod(String namespace, String name, boolean ready) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(LABELS)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("grafana")
                .addNewPort()
                .withName("grafana")
                .withContainerPort(3000)
                .endPort()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build();
    }
}
