package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.Durations;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeSettings;
import dev.obsbootstrap.core.secret.SecretRef;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

    /** The {@code alerting:} section of the config. */
    @Override
    public Optional<ConfigSection<?>> configSection() {
        return Optional.of(new AlertingSection());
    }

    @Override
    public List<ConfigChecker> configCheckers() {
        return List.of(new AmtoolConfigChecker());
    }

    /**
     * A profile whose alerts must reach someone ({@code settings.alertmanager.requireReceiver}: staging, prod) refuses
     * a config whose route tree ends every alert at 'null', unless {@code alerting.allowNoReceivers: true} says so.
     */
    @Override
    public List<String> configProblems(BootstrapConfig config) {
        AlertingSettings alerting = AlertingSettings.of(config);
        if (!requiresReceiver(config) || alerting.allowNoReceivers() || !alerting.dropsEveryAlert()) {
            return List.of();
        }
        return List.of(
                config.source() + ": alerting: profile " + config.profile().name()
                        + " needs at least one real receiver, but every alert (critical ones included) would go to the"
                        + " 'null' receiver and notify nobody; add one under alerting.receivers and send alerts to it with"
                        + " alerting.route.receiver, or set alerting.allowNoReceivers: true to accept that deliberately");
    }

    private static boolean requiresReceiver(BootstrapConfig config) {
        return config.profile().settings().get("alertmanager") instanceof java.util.Map<?, ?> am
                && Boolean.TRUE.equals(am.get("requireReceiver"));
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
        for (AlertingSettings.Receiver receiver : AlertingSettings.of(config).receivers()) {
            for (Map.Entry<String, SecretRef> credential : new TreeMap<>(receiver.credentials()).entrySet()) {
                String key = ReceiverCredentialsSecret.key(receiver.name(), credential.getKey());
                if (credential.getValue() instanceof SecretRef.FromEnv env) {
                    keys.add(new StackSecret.Key.FromEnv(key, env.variable()));
                } else if (credential.getValue() instanceof SecretRef.FromSecret secret) {
                    keys.add(new StackSecret.Key.FromSecret(key, secret.secretName(), secret.key()));
                }
            }
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        return List.of(new StackSecret(
                topology.namespace(), ReceiverCredentialsSecret.NAME, "Alertmanager receiver credentials", true, keys));
    }

    /**
     * Every Alertmanager replica ready with the configured receivers, a fresh Watchdog from Prometheus on each,
     * synthetic routing under a confirmed silence, the stack's rules healthy, Grafana's Alertmanager datasource,
     * Alertmanager scraped by Prometheus, and (opt-in) a real notification to a webhook the probe serves.
     */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        List<Probe> probes = new ArrayList<>(List.of(
                new HttpReadyProbe(
                                "alertmanager-ready",
                                "Every Alertmanager replica has loaded its configuration and answers /-/ready.",
                                deadline,
                                "alertmanager",
                                "/-/ready",
                                "Alertmanager",
                                "Alertmanager is starting or its config does not load: check the alertmanager pod's logs for config errors")
                        .everyReplica(),
                new ReceiversConfiguredProbe(deadline),
                new WatchdogProbe(deadline, watchdogMaxAge(config)),
                new AlertRoutingProbe(deadline, AlertingSettings.of(config)),
                new RulesHealthyProbe(deadline)));
        if (config.phaseEnabled("metrics")) {
            probes.add(new GrafanaAlertmanagerDatasourceProbe(deadline));
            probes.add(new ScrapePoolsProbe(
                    "prometheus-scrapes-alertmanager",
                    "Prometheus scrapes every Alertmanager replica (its ServiceMonitor), so failed notifications show in metrics.",
                    deadline,
                    AlertingPhase::ownPools,
                    "the alertmanager values must enable serviceMonitor"));
        }
        Map<String, String> delivery = ProbeSettings.stringMap(config, "deliveryWebhook");
        if (!delivery.isEmpty()) {
            if (!delivery.containsKey("listen") || !delivery.containsKey("url")) {
                throw new ConfigException("profile '" + config.profile().name()
                        + "': settings.probes.deliveryWebhook needs listen (HOST:PORT the probe"
                        + " serves) and url (where Alertmanager reaches it), got " + delivery.keySet());
            }
            probes.add(new AlertDeliveryProbe(deadline, delivery.get("listen"), delivery.get("url")));
        }
        return List.copyOf(probes);
    }

    /**
     * How old the last Watchdog receipt may be: Prometheus resends a firing alert every resend delay (1m by default)
     * and evaluates every evaluation interval (the profile's), plus 30s margin for the send itself.
     */
    static Duration watchdogMaxAge(BootstrapConfig config) {
        Duration evaluation = Duration.ofSeconds(30);
        if (config.profile().settings().get("prometheus") instanceof Map<?, ?> prometheus
                && prometheus.get("evaluationInterval") instanceof String interval) {
            evaluation = Durations.parse(interval);
        }
        return Duration.ofMinutes(1).plus(evaluation).plus(Duration.ofSeconds(30));
    }

    /** The alertmanager chart names its ServiceMonitor {@code <fullname>-alertmanager} (prometheus-community/helm-charts charts/alertmanager/templates/servicemonitor.yaml). */
    static List<ScrapePoolsProbe.Pool> ownPools(StackTopology topology) {
        return List.of(ScrapePoolsProbe.Pool.serviceMonitor(
                "alertmanager",
                topology.namespace(),
                topology.component("alertmanager").fullname() + "-alertmanager"));
    }
}
