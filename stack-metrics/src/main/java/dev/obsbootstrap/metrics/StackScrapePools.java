package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe.Pool;
import java.util.List;

/**
 * The ServiceMonitors kube-prometheus-stack 88.5.3 creates, by the short names profiles use in
 * {@code settings.probes.expectedScrapePools}, resolved to their exact namespace and name: the chart names its own
 * monitors {@code <fullname>-<part>} (prometheus, operator, kubelet, apiserver, coredns), its subcharts theirs after
 * their own fullname ({@code <release>-kube-state-metrics}, {@code <release>-prometheus-node-exporter}, and the
 * grafana subchart's fullnameOverride), all in the release's namespace. A name with a slash is taken as
 * {@code namespace/monitor}; any other name as a monitor of that name in the stack namespace.
 */
final class StackScrapePools {
    /** Pools every phase-1 install has; kubelet includes the /metrics/cadvisor endpoint most dashboards and rules need. */
    static final List<String> DEFAULT =
            List.of("prometheus", "operator", "kube-state-metrics", "node-exporter", "kubelet", "apiserver", "grafana");

    /** An isolated stack leaves node-exporter and the kubelet to the cluster's main stack (kube-prometheus-stack.yaml.j2). */
    static final List<String> ISOLATED =
            List.of("prometheus", "operator", "kube-state-metrics", "apiserver", "grafana");

    private StackScrapePools() {}

    static List<Pool> resolve(List<String> names, StackTopology topology) {
        ComponentSpec stack = topology.component("kube-prometheus-stack");
        String namespace = topology.namespace();
        return names.stream()
                .map(name -> {
                    if (name.contains("/")) {
                        String[] parts = name.split("/", 2);
                        return Pool.serviceMonitor(name, parts[0], parts[1]);
                    }
                    String monitor = switch (name) {
                        case "prometheus", "operator", "kubelet", "apiserver", "coredns" ->
                            stack.fullname() + "-" + name;
                        case "kube-state-metrics" -> stack.release() + "-kube-state-metrics";
                        case "node-exporter" -> stack.release() + "-prometheus-node-exporter";
                        case "grafana" -> topology.endpoint("grafana").service();
                        default -> name;
                    };
                    return Pool.serviceMonitor(name, namespace, monitor);
                })
                .toList();
    }
}
