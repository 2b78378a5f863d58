package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;

import java.util.List;

/** kube-prometheus-stack: Prometheus Operator, Prometheus, Grafana, kube-state-metrics, node-exporter */
public final class MetricsPhase implements Phase {
    @Override
    public String id() {
        return "metrics";
    }

    @Override
    public String description() {
        return "kube-prometheus-stack: Prometheus Operator, Prometheus, Grafana, kube-state-metrics, node-exporter";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("crds");
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("kube-prometheus-stack");
    }

    @Override
    public List<Probe> probes(BootstrapConfig config) {
        return List.of();
    }
}
