package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;

import java.util.List;

/** Alertmanager with the configured routes and receivers, and the stack's alerting rules */
public final class AlertingPhase implements Phase {
    @Override
    public String id() {
        return "alerting";
    }

    @Override
    public String description() {
        return "Alertmanager with the configured routes and receivers, and the stack's alerting rules";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("traces");
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("alertmanager");
    }

    @Override
    public List<Probe> probes(BootstrapConfig config) {
        return List.of();
    }
}
