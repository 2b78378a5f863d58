package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;

import java.util.List;

/** Loki and the pod log collector (Grafana Alloy; Promtail legacy) */
public final class LogsPhase implements Phase {
    @Override
    public String id() {
        return "logs";
    }

    @Override
    public String description() {
        return "Loki and the pod log collector (Grafana Alloy; Promtail legacy)";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("metrics");
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("loki", config.logs().collector().componentId());
    }

    @Override
    public List<Probe> probes(BootstrapConfig config) {
        return List.of();
    }
}
