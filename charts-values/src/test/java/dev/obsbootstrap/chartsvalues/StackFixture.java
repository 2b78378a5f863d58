package dev.obsbootstrap.chartsvalues;

import dev.obsbootstrap.alerting.AlertingSection;
import dev.obsbootstrap.alerting.AlertingSettings;
import dev.obsbootstrap.alerting.AlertingSettings.Receiver;
import dev.obsbootstrap.alerting.AlertingSettings.ReceiverType;
import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.ConfigProblems;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.ProfileCatalog;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.secret.SecretRef;
import dev.obsbootstrap.core.values.ValuesTestConfigs;
import dev.obsbootstrap.logs.LogsSection;
import dev.obsbootstrap.logs.LogsSettings;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import dev.obsbootstrap.traces.TracesSection;
import dev.obsbootstrap.traces.TracesSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The shipped catalog and profiles read straight from this module's resources with SnakeYAML (not through the
 * ConfigLoader, which is tested on its own), turned into the records the renderer takes.
 */
final class StackFixture {
    static final List<String> PROFILES = List.of("dev", "ci", "staging", "prod");
    static final String KUBE_VERSION = "1.31.0";

    private StackFixture() {}

    /** Every component of the catalog, in catalog order. */
    static Map<String, ComponentSpec> components() {
        Map<String, Object> catalog = load("obs-bootstrap/catalog.yaml");
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        map(catalog.get("components")).forEach((id, entry) -> {
            Map<String, Object> component = map(entry);
            Map<String, Object> chart = map(component.get("chart"));
            components.put(
                    id,
                    new ComponentSpec(
                            id,
                            new ChartRef(
                                    (String) chart.get("repository"),
                                    (String) chart.get("name"),
                                    String.valueOf(chart.get("version"))),
                            inDefaultStack(component.get("release")),
                            inDefaultStack(component.get("fullname")),
                            (String) component.get("values"),
                            "apply-crds".equals(component.get("install"))
                                    ? InstallMode.APPLY_CRDS
                                    : InstallMode.HELM_RELEASE,
                            list(component.getOrDefault("operatorWorkloads", List.of())),
                            stringMap(component.getOrDefault("imageRegistryValues", Map.of()))));
        });
        return components;
    }

    private static Map<String, String> stringMap(Object value) {
        Map<String, String> strings = new LinkedHashMap<>();
        map(value).forEach((key, item) -> strings.put(key, String.valueOf(item)));
        return strings;
    }

    static StackTopology topology(String namespace) {
        Map<String, Object> catalog = load("obs-bootstrap/catalog.yaml");
        Map<String, ServiceEndpoint> endpoints = new LinkedHashMap<>();
        map(catalog.get("endpoints")).forEach((name, entry) -> {
            Map<String, Object> endpoint = map(entry);
            endpoints.put(
                    name,
                    new ServiceEndpoint(
                            name,
                            (String) endpoint.get("component"),
                            namespace,
                            inDefaultStack(endpoint.get("service")),
                            (Integer) endpoint.get("port"),
                            (String) endpoint.getOrDefault("path", "")));
        });
        Map<String, String> datasources = new LinkedHashMap<>();
        map(catalog.get("datasources")).forEach((name, uid) -> datasources.put(name, (String) uid));
        return new StackTopology(namespace, components(), endpoints, datasources);
    }

    /**
     * The topology as {@code config} installs it: the endpoints of the components its sections chose (traces.tempo:
     * distributed) moved to those components' Services, from the catalog's endpointVariants.
     */
    static StackTopology topology(String namespace, BootstrapConfig config) {
        StackTopology plain = topology(namespace);
        Map<String, ServiceEndpoint> endpoints = new LinkedHashMap<>(plain.endpoints());
        for (String component : config.chosenComponents()) {
            endpointVariants(namespace, component).forEach(endpoints::put);
        }
        return new StackTopology(namespace, plain.components(), endpoints, plain.datasourceUids());
    }

    /** The endpoints {@code component} serves in place of their own component when a config chooses it. */
    static Map<String, ServiceEndpoint> endpointVariants(String namespace, String component) {
        Map<String, ServiceEndpoint> endpoints = new LinkedHashMap<>();
        map(map(load("obs-bootstrap/catalog.yaml").get("endpointVariants")).get(component))
                .forEach((name, entry) -> {
                    Map<String, Object> endpoint = map(entry);
                    endpoints.put(
                            name,
                            new ServiceEndpoint(
                                    name,
                                    component,
                                    namespace,
                                    inDefaultStack(endpoint.get("service")),
                                    (Integer) endpoint.get("port"),
                                    (String) endpoint.getOrDefault("path", "")));
                });
        return endpoints;
    }

    /** A shipped profile as the CLI loads it: the profile file with every component's settings fragment merged in. */
    static Profile profile(String name) {
        return PROFILES_WITH_SETTINGS.profile(name);
    }

    private static final ProfileCatalog PROFILES_WITH_SETTINGS =
            ProfileCatalog.fromClasspath().withSettingsFrom(ComponentCatalog.fromClasspath());

    /** The example config (two receivers, Loki auth on) for a shipped profile, no value overrides. */
    static BootstrapConfig exampleConfig(String profileName) {
        return exampleConfig(profile(profileName), Map.of());
    }

    /** Alloy, Loki auth on with tenant "obs", a Slack and a PagerDuty receiver, critical alerts to PagerDuty. */
    static BootstrapConfig exampleConfig(Profile profile, Map<String, Map<String, Object>> values) {
        Receiver slack = new Receiver(
                "team-slack",
                ReceiverType.SLACK,
                Map.of("channel", "#alerts"),
                Map.of("apiUrl", new SecretRef.FromEnv("SLACK_WEBHOOK_URL")));
        Receiver pagerduty = new Receiver(
                "oncall-pagerduty",
                ReceiverType.PAGERDUTY,
                Map.of(),
                Map.of("routingKey", new SecretRef.FromSecret("pagerduty", "routing-key")));
        AlertingSettings alerting = new AlertingSettings(
                List.of(slack, pagerduty),
                "team-slack",
                List.of(new Route(List.of("severity=\"critical\""), "oncall-pagerduty", true)),
                List.of("alertname", "namespace"));
        return config(profile, new LogsSettings(LogCollector.ALLOY, true, "obs"), alerting, values);
    }

    /** The example config with the log collector and the Tempo layout given instead of the profile's defaults. */
    static BootstrapConfig exampleConfig(String profileName, LogCollector collector, TracesSettings traces) {
        BootstrapConfig example = exampleConfig(profileName);
        AlertingSettings alerting = example.section(AlertingSection.KEY, AlertingSettings.class);
        return ValuesTestConfigs.config(
                example.profile(),
                Map.of(
                        LogsSection.KEY,
                                BootstrapConfig.Section.of(
                                        new LogsSection(),
                                        new LogsSettings(collector, true, "obs"),
                                        "test-config.yaml"),
                        AlertingSection.KEY,
                                BootstrapConfig.Section.of(new AlertingSection(), alerting, "test-config.yaml"),
                        TracesSection.KEY, BootstrapConfig.Section.of(new TracesSection(), traces, "test-config.yaml")),
                Map.of());
    }

    /** No receivers, Loki auth off. */
    static BootstrapConfig minimalConfig(Profile profile) {
        return config(
                profile,
                new LogsSettings(LogCollector.ALLOY, false, "fake"),
                new AlertingSettings(List.of(), AlertingSettings.NULL_RECEIVER, List.of(), List.of()),
                Map.of());
    }

    /**
     * A config with the logs and alerting phases' real sections, so templates see exactly what those sections give,
     * and the traces section at the profile's default (its Tempo layout).
     */
    static BootstrapConfig config(
            Profile profile, LogsSettings logs, AlertingSettings alerting, Map<String, Map<String, Object>> values) {
        ConfigProblems problems = new ConfigProblems();
        TracesSettings traces =
                new TracesSection().read(new NodeReader(problems), Optional.empty(), TracesSection.KEY, profile);
        problems.throwIfAny();
        return ValuesTestConfigs.config(
                profile,
                Map.of(
                        LogsSection.KEY, BootstrapConfig.Section.of(new LogsSection(), logs, "test-config.yaml"),
                        AlertingSection.KEY,
                                BootstrapConfig.Section.of(new AlertingSection(), alerting, "test-config.yaml"),
                        TracesSection.KEY, BootstrapConfig.Section.of(new TracesSection(), traces, "test-config.yaml")),
                values);
    }

    /** A catalog name for the default stack ("{stack}-loki" is "obs-loki"). */
    private static String inDefaultStack(Object name) {
        return ((String) name).replace(ComponentSpec.STACK, BootstrapConfig.ClusterSettings.DEFAULT_STACK);
    }

    static Map<String, Object> load(String resource) {
        try (InputStream in = StackFixture.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            return new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> loadFile(java.nio.file.Path file) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(java.nio.file.Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Object value) {
        return (List<String>) value;
    }
}
