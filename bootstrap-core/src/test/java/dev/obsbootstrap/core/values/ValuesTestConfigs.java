package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.BootstrapConfig.ClusterSettings;
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

    private ValuesTestConfigs() {}

    public static Profile profile(String name, boolean requireMemoryLimits, Map<String, Object> settings) {
        Map<String, Boolean> phases = new java.util.LinkedHashMap<>();
        PHASES.forEach(phase -> phases.put(phase, true));
        return new Profile(
                name,
                name + " profile for tests",
                Map.of(),
                Duration.ofMinutes(2),
                requireMemoryLimits,
                phases,
                settings);
    }

    /**
     * The example config as core's fixture templates see it: a {@code logs} and an {@code alerting} section whose
     * template views have the shape the stack modules' sections give (their own tests pin the real views).
     */
    public static BootstrapConfig exampleConfig(Profile profile, Map<String, Map<String, Object>> values) {
        Map<String, Object> logs = Map.of("collector", "alloy", "authEnabled", true, "tenant", "obs");
        Map<String, Object> alerting = Map.of(
                "receivers",
                        List.of(Map.of(
                                "name",
                                "team-slack",
                                "type",
                                "slack",
                                "settings",
                                Map.of("channel", "#alerts"),
                                "credentials",
                                List.of(Map.of(
                                        "field",
                                        "apiUrl",
                                        "secretKey",
                                        "team-slack-apiUrl",
                                        "reference",
                                        "env:SLACK_WEBHOOK_URL")))),
                "routes",
                        List.of(Map.of(
                                "matchers",
                                List.of("severity=\"critical\""),
                                "receiver",
                                "team-slack",
                                "continue",
                                true)),
                "credentialsSecret", "obs-alertmanager-receivers");
        return config(profile, Map.of("logs", view(logs), "alerting", view(alerting)), values);
    }

    /** No phase sections at all. */
    public static BootstrapConfig minimalConfig(Profile profile) {
        return config(profile, Map.of(), Map.of());
    }

    public static BootstrapConfig config(
            Profile profile, Map<String, BootstrapConfig.Section> sections, Map<String, Map<String, Object>> values) {
        Map<String, Boolean> phases = new java.util.LinkedHashMap<>(profile.phases());
        return new BootstrapConfig(
                "test-config.yaml",
                profile,
                new ClusterSettings("", NAMESPACE, List.of(), List.of()),
                phases,
                Map.of(),
                values,
                sections);
    }

    /** A section known only by what templates see of it. */
    public static BootstrapConfig.Section view(Map<String, Object> templateView) {
        return new BootstrapConfig.Section(templateView, templateView, List.of(), Map.of());
    }

    /** A component whose values template is a test fixture resource. */
    public static ComponentSpec fixtureComponent(String id, String templateResource) {
        return new ComponentSpec(
                id,
                new ChartRef("https://charts.example.test", id, "1.0.0"),
                "obs-" + id,
                "obs-" + id,
                templateResource,
                InstallMode.HELM_RELEASE,
                List.of());
    }
}
