package dev.obsbootstrap.core.testing;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.BootstrapConfig.ClusterSettings;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.ConfigProblems;
import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * BootstrapConfig and StackTopology built directly from their records, for tests that must not depend on the
 * ConfigLoader. The topology mirrors charts-values' catalog.yaml (names, ports, datasource UIDs).
 */
public final class TestConfigs {
    public static final String NAMESPACE = "monitoring";

    private TestConfigs() {}

    /**
     * Defaults: namespace monitoring, probe deadline 5s, and every section of the phases on the test classpath at its
     * defaults (what a config without that key reads as).
     */
    public static BootstrapConfig config() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static StackTopology topology() {
        return topology(config());
    }

    /**
     * The catalog's components, endpoints and datasource UIDs in the config's namespace, the endpoints served by the
     * components the config's sections chose.
     */
    public static StackTopology topology(BootstrapConfig config) {
        String ns = config.namespace();
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        component(
                components,
                "prometheus-operator-crds",
                "https://prometheus-community.github.io/helm-charts",
                "31.0.1",
                "obs-crds",
                "obs-crds",
                InstallMode.APPLY_CRDS);
        component(
                components,
                "kube-prometheus-stack",
                "https://prometheus-community.github.io/helm-charts",
                "88.5.3",
                "obs-metrics",
                "obs",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "loki",
                "https://grafana-community.github.io/helm-charts",
                "18.11.0",
                "obs-loki",
                "obs-loki",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "alloy",
                "https://grafana.github.io/helm-charts",
                "1.11.1",
                "obs-alloy",
                "obs-alloy",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "promtail",
                "https://grafana.github.io/helm-charts",
                "6.17.1",
                "obs-promtail",
                "obs-promtail",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "tempo",
                "https://grafana-community.github.io/helm-charts",
                "2.2.4",
                "obs-tempo",
                "obs-tempo",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "tempo-distributed",
                "https://grafana-community.github.io/helm-charts",
                "2.26.2",
                "obs-tempo-distributed",
                "obs-tempo",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "opentelemetry-collector",
                "https://open-telemetry.github.io/opentelemetry-helm-charts",
                "0.170.0",
                "obs-otel",
                "obs-otel-collector",
                InstallMode.HELM_RELEASE);
        component(
                components,
                "alertmanager",
                "https://prometheus-community.github.io/helm-charts",
                "1.42.0",
                "obs-alertmanager",
                "obs-alertmanager",
                InstallMode.HELM_RELEASE);
        Map<String, ServiceEndpoint> endpoints = new LinkedHashMap<>();
        endpoint(endpoints, "prometheus", "kube-prometheus-stack", ns, "obs-prometheus", 9090);
        endpoint(endpoints, "grafana", "kube-prometheus-stack", ns, "obs-grafana", 80);
        endpoint(endpoints, "loki", "loki", ns, "obs-loki-gateway", 3100);
        endpoint(endpoints, "tempo", "tempo", ns, "obs-tempo", 3200);
        endpoint(endpoints, "tempo-otlp-grpc", "tempo", ns, "obs-tempo", 4317);
        endpoint(endpoints, "otel-collector", "opentelemetry-collector", ns, "obs-otel-collector", 4318);
        endpoint(endpoints, "otel-collector-health", "opentelemetry-collector", ns, "obs-otel-collector", 13133);
        endpoint(endpoints, "alertmanager", "alertmanager", ns, "obs-alertmanager", 9093);
        // the catalog's endpointVariants, where the config's sections chose their component
        if (config.chosenComponents().contains("tempo-distributed")) {
            endpoint(endpoints, "tempo", "tempo-distributed", ns, "obs-tempo-query-frontend", 3200);
            endpoint(endpoints, "tempo-otlp-grpc", "tempo-distributed", ns, "obs-tempo-distributor", 4317);
        }
        Map<String, String> datasources = Map.of(
                "prometheus",
                "obs-prometheus",
                "loki",
                "obs-loki",
                "tempo",
                "obs-tempo",
                "alertmanager",
                "obs-alertmanager");
        return new StackTopology(ns, components, endpoints, datasources);
    }

    private static void component(
            Map<String, ComponentSpec> components,
            String id,
            String repository,
            String version,
            String release,
            String fullname,
            InstallMode mode) {
        components.put(
                id,
                new ComponentSpec(
                        id,
                        new ChartRef(repository, id, version),
                        release,
                        fullname,
                        "obs-bootstrap/values/" + id + ".yaml.j2",
                        mode,
                        List.of()));
    }

    private static void endpoint(
            Map<String, ServiceEndpoint> endpoints,
            String name,
            String component,
            String ns,
            String service,
            int port) {
        endpoints.put(name, new ServiceEndpoint(name, component, ns, service, port, ""));
    }

    public static final class Builder {
        private String namespace = NAMESPACE;
        private Duration probeDeadline = Duration.ofSeconds(5);
        private Map<String, Object> settings = Map.of();
        private final Map<String, BootstrapConfig.Section> sections = new LinkedHashMap<>();

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder probeDeadline(Duration probeDeadline) {
            this.probeDeadline = probeDeadline;
            return this;
        }

        /** The profile's free-form settings, e.g. {@code Map.of("probes", Map.of("expectedScrapePools", List.of(...)))}. */
        public Builder settings(Map<String, Object> settings) {
            this.settings = settings;
            return this;
        }

        /** A phase's section with these settings, instead of its defaults. */
        public <T> Builder section(ConfigSection<T> section, T settings) {
            sections.put(section.key(), BootstrapConfig.Section.of(section, settings, "<test>"));
            return this;
        }

        /**
         * A header every probe request to an endpoint carries, the way a phase's section implies it (Loki's tenant with
         * logs.auth on), for modules whose tests do not have that phase on the classpath.
         */
        public Builder endpointHeader(String endpoint, String header, String value) {
            sections.put(
                    "test-headers-" + endpoint,
                    new BootstrapConfig.Section(
                            Map.of(), Map.of(), List.of(), Map.of(endpoint, Map.of(header, value))));
            return this;
        }

        public BootstrapConfig build() {
            Profile profile = new Profile("test", "probe tests", Map.of(), probeDeadline, false, Map.of(), settings);
            Map<String, BootstrapConfig.Section> all = defaultSections();
            all.putAll(sections);
            return new BootstrapConfig(
                    "<test>",
                    profile,
                    new ClusterSettings("", namespace, List.of(), List.of()),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    all);
        }
    }

    /** Every section of the phases on the classpath, read from an absent key: the settings a config without it gets. */
    public static Map<String, BootstrapConfig.Section> defaultSections() {
        Map<String, BootstrapConfig.Section> sections = new LinkedHashMap<>();
        for (Phase phase : ServiceLoader.load(Phase.class)) {
            phase.configSection().ifPresent(section -> sections.put(section.key(), defaults(section)));
        }
        return sections;
    }

    private static <T> BootstrapConfig.Section defaults(ConfigSection<T> section) {
        ConfigProblems problems = new ConfigProblems();
        T settings = section.read(new NodeReader(problems), Optional.empty(), section.key());
        problems.throwIfAny();
        return BootstrapConfig.Section.of(section, settings, "<test>");
    }
}
