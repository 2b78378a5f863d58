package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.BootstrapConfig.AlertingSettings;
import dev.obsbootstrap.core.config.BootstrapConfig.ClusterSettings;
import dev.obsbootstrap.core.config.BootstrapConfig.LogCollector;
import dev.obsbootstrap.core.config.BootstrapConfig.LogsSettings;
import dev.obsbootstrap.core.config.BootstrapConfig.Receiver;
import dev.obsbootstrap.core.config.BootstrapConfig.ReceiverType;
import dev.obsbootstrap.core.config.BootstrapConfig.Route;
import dev.obsbootstrap.core.config.BootstrapConfig.SecretRef;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.Profile;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Builds the config records values tests need, without the ConfigLoader: a profile with given settings, the logs and
 * alerting choices of the example config (two receivers, one route), and user value overrides. Shared with
 * charts-values through the test-jar.
 */
public final class ValuesTestConfigs {
    public static final String NAMESPACE = "observability";
    private static final List<String> PHASES = List.of("crds", "metrics", "logs", "traces", "alerting");

    private ValuesTestConfigs() {
    }

    public static Profile profile(String name, boolean requireMemoryLimits, Map<String, Object> settings) {
        Map<String, Boolean> phases = new java.util.LinkedHashMap<>();
        PHASES.forEach(phase -> phases.put(phase, true));
        return new Profile(name, name + " profile for tests", Map.of(), Duration.ofMinutes(2), requireMemoryLimits, phases, settings);
    }

    /** The example config: Alloy, Loki auth on with tenant "obs", a Slack and a PagerDuty receiver, critical to PagerDuty. */
    public static BootstrapConfig exampleConfig(Profile profile, Map<String, Map<String, Object>> values) {
        Receiver slack = new Receiver("team-slack", ReceiverType.SLACK, Map.of("channel", "#alerts"),
                Map.of("apiUrl", new SecretRef.FromEnv("SLACK_WEBHOOK_URL")));
        Receiver pagerduty = new Receiver("oncall-pagerduty", ReceiverType.PAGERDUTY, Map.of(),
                Map.of("routingKey", new SecretRef.FromSecret("pagerduty", "routing-key")));
        AlertingSettings alerting = new AlertingSettings(List.of(slack, pagerduty), "team-slack",
                List.of(new Route(List.of("severity=\"critical\""), "oncall-pagerduty", true)), List.of("alertname", "namespace"));
        return config(profile, new LogsSettings(LogCollector.ALLOY, true, "obs"), alerting, values);
    }

    /** No receivers, Loki auth off. */
    public static BootstrapConfig minimalConfig(Profile profile) {
        return config(profile, new LogsSettings(LogCollector.ALLOY, false, "fake"),
                new AlertingSettings(List.of(), AlertingSettings.NULL_RECEIVER, List.of(), List.of()), Map.of());
    }

    public static BootstrapConfig config(Profile profile, LogsSettings logs, AlertingSettings alerting,
                                         Map<String, Map<String, Object>> values) {
        Map<String, Boolean> phases = new java.util.LinkedHashMap<>(profile.phases());
        return new BootstrapConfig("test-config.yaml", profile,
                new ClusterSettings("", NAMESPACE, List.of(), List.of()), phases, Map.of(), values, logs, alerting);
    }

    /** A component whose values template is a test fixture resource. */
    public static ComponentSpec fixtureComponent(String id, String templateResource) {
        return new ComponentSpec(id, new ChartRef("https://charts.example.test", id, "1.0.0"), "obs-" + id, "obs-" + id,
                templateResource, InstallMode.HELM_RELEASE, List.of());
    }
}
