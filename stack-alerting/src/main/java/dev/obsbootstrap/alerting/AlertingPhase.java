package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.values.ReceiverCredentialsSecret;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
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

    /**
     * The receivers' credentials, mounted into Alertmanager and read through its {@code *_file} fields: each value
     * comes from the environment variable or Secret key the config names, and is rewritten on every run so the
     * Secret follows the config. None when no receiver has credentials.
     */
    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        List<StackSecret.Key> keys = new ArrayList<>();
        for (BootstrapConfig.Receiver receiver : config.alerting().receivers()) {
            for (Map.Entry<String, BootstrapConfig.SecretRef> credential : new TreeMap<>(receiver.credentials()).entrySet()) {
                String key = ReceiverCredentialsSecret.key(receiver.name(), credential.getKey());
                if (credential.getValue() instanceof BootstrapConfig.SecretRef.FromEnv env) {
                    keys.add(new StackSecret.Key.FromEnv(key, env.variable()));
                } else if (credential.getValue() instanceof BootstrapConfig.SecretRef.FromSecret secret) {
                    keys.add(new StackSecret.Key.FromSecret(key, secret.secretName(), secret.key()));
                }
            }
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        return List.of(new StackSecret(topology.namespace(), ReceiverCredentialsSecret.NAME, "Alertmanager receiver credentials", true, keys));
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
