package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.helm.ChartRepositoryClient;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.FixtureCharts;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import dev.obsbootstrap.core.secret.StackSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A four-phase stack made of the fixture charts: crds (crd-bundle), metrics (web-operator), logs (log-store + node-agent), traces (disabled). */
public final class PlanFixtures {
    static final String REPO = "https://charts.example.test/stable";
    static final String OTHER_REPO = "https://other-charts.github.io/helm-charts";

    private PlanFixtures() {}

    record TestPhase(String id, List<String> dependsOn, List<String> components) implements Phase {
        @Override
        public String description() {
            return "the " + id + " of the fixture stack";
        }

        @Override
        public boolean enabled(BootstrapConfig config) {
            return config.phaseEnabled(id);
        }

        @Override
        public List<String> components(BootstrapConfig config) {
            return components;
        }

        @Override
        public List<dev.obsbootstrap.core.secret.StackSecret> secrets(
                BootstrapConfig config, dev.obsbootstrap.core.config.StackTopology topology) {
            return List.of();
        }

        @Override
        public List<Probe> probes(BootstrapConfig config) {
            return List.of();
        }
    }

    public static PhasePlan phases() {
        return PhasePlan.of(List.of(
                new TestPhase("traces", List.of("logs"), List.of("node-agent")),
                new TestPhase("logs", List.of("metrics"), List.of("log-store", "node-agent")),
                new TestPhase("metrics", List.of("crds"), List.of("web-operator")),
                new TestPhase("crds", List.of(), List.of("crd-bundle"))));
    }

    static Map<String, ComponentSpec> components() {
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        components.put(
                "crd-bundle",
                new ComponentSpec(
                        "crd-bundle",
                        new ChartRef(REPO, "crd-bundle", "1.0.0"),
                        "obs-crds",
                        "obs-crds",
                        "crd-bundle.yaml.j2",
                        InstallMode.APPLY_CRDS,
                        List.of()));
        components.put(
                "web-operator",
                new ComponentSpec(
                        "web-operator",
                        new ChartRef(REPO, "web-operator", "2.3.0"),
                        "obs-metrics",
                        "obs",
                        "web-operator.yaml.j2",
                        InstallMode.HELM_RELEASE,
                        List.of()));
        components.put(
                "log-store",
                new ComponentSpec(
                        "log-store",
                        new ChartRef(OTHER_REPO, "log-store", "5.1.0"),
                        "obs-loki",
                        "obs-loki",
                        "log-store.yaml.j2",
                        InstallMode.HELM_RELEASE,
                        List.of()));
        components.put(
                "node-agent",
                new ComponentSpec(
                        "node-agent",
                        new ChartRef(OTHER_REPO, "node-agent", "0.5.0"),
                        "obs-alloy",
                        "obs-alloy",
                        "node-agent.yaml.j2",
                        InstallMode.HELM_RELEASE,
                        List.of()));
        return components;
    }

    public static BootstrapConfig config(boolean requireMemoryLimits, Map<String, ChartRef> chartOverrides) {
        Map<String, Boolean> phases = Map.of("crds", true, "metrics", true, "logs", true, "traces", false);
        Profile profile = new Profile(
                requireMemoryLimits ? "ci" : "dev",
                "fixture profile",
                Map.of("crds", Duration.ofMinutes(2), "metrics", Duration.ofMinutes(10), "logs", Duration.ofMinutes(8)),
                Duration.ofMinutes(2),
                requireMemoryLimits,
                phases,
                Map.of());
        return new BootstrapConfig(
                "<test>",
                profile,
                new BootstrapConfig.ClusterSettings("", "observability", List.of(), List.of()),
                phases,
                chartOverrides,
                Map.of(),
                Map.of());
    }

    public static StackTopology topology() {
        return new StackTopology("observability", components(), Map.of(), Map.of());
    }

    /** Values as the values engine would give them: the fullname, and a memory-less node agent to give the checks work. */
    public static ReleaseSpec.Values values(ComponentSpec component) {
        String yaml = "fullnameOverride: " + component.fullname() + "\n";
        if (component.id().equals("node-agent")) {
            yaml += "workload:\n  resources: null\n";
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("fullnameOverride", component.fullname());
        return new ReleaseSpec.Values(map, yaml);
    }

    public static ChartResolver charts(Path cache) {
        return new ChartResolver(
                List.of(FixtureCharts.path("crd-bundle").getParent()),
                cache,
                ChartRepositoryClient.create(),
                SilentConsole.INSTANCE);
    }

    static Planner planner(Path cache) {
        return new Planner(
                HelmJavaDriver.templateOnly(),
                new ReleaseRenderer(charts(cache), (component, kube) -> values(component)),
                SilentConsole.INSTANCE);
    }

    static StackSecret grafanaAdmin() {
        return new StackSecret(
                "observability",
                "obs-grafana-admin",
                "Grafana admin login",
                false,
                List.of(
                        new StackSecret.Key.Literal("admin-user", "admin"),
                        new StackSecret.Key.Generated("admin-password", "GRAFANA_ADMIN_PASSWORD")));
    }

    static PlanBundle bundle(Path cache) {
        return planner(cache)
                .plan(
                        phases(),
                        config(true, Map.of()),
                        topology(),
                        new KubeVersionChoice("1.31.0", "default"),
                        "obs-bootstrap test (helm 3.21.0)",
                        List.of(grafanaAdmin()));
    }
}
