package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;

import java.time.Duration;
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

    /** Alertmanager ready, its receivers, Watchdog from Prometheus, synthetic routing, and the rules' health. */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        return List.of(
                new HttpReadyProbe("alertmanager-ready", "Alertmanager has loaded its configuration and answers /-/ready.",
                        deadline, "alertmanager", "/-/ready", "Alertmanager",
                        "Alertmanager is starting or its config does not load: check the alertmanager pod's logs for config errors"),
                new ReceiversConfiguredProbe(deadline),
                new WatchdogProbe(deadline),
                new AlertRoutingProbe(deadline, config.alerting()),
                new RulesHealthyProbe(deadline));
    }
}
