package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import dev.obsbootstrap.core.values.ValuesTestConfigs;
import dev.obsbootstrap.logs.LogsPhase;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import dev.obsbootstrap.traces.TracesPhase;
import dev.obsbootstrap.traces.TracesSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every profile x every component, rendered by the real upstream charts with real Helm (helm-java `helm template`,
 * values.schema.json included), then checked the way an install would need: the manifests parse, images are pinned,
 * memory is requested and limited where the profile requires it, no Secret carries a credential, no Helm hooks,
 * each catalog endpoint's Service exists with its port, and the image tags the templates pin still match the chart's
 * appVersion (a chart bump without a tag bump fails here).
 *
 * <p>The charts are never part of this repository: point OBS_CHARTS_DIR at a directory holding one unpacked chart per
 * catalog chart name (dependencies vendored under charts/). Without it the group is skipped, saying so. Rendered
 * values and manifests are kept under target/real-charts/ for reading.
 */
@Tag("real-charts")
class RealChartsCompatibilityTest {
    private static final String CHARTS_DIR_VARIABLE = "OBS_CHARTS_DIR";
    private static final Path OUTPUT = Path.of("target", "real-charts");
    /** profile / component -> {values render, helm template} in microseconds. */
    private static final Map<String, long[]> RENDER_MICROS = new TreeMap<>();

    private final ValuesRenderer renderer = new ValuesRenderer();

    private static final String SKIP_REASON = "real-chart compatibility skipped: set " + CHARTS_DIR_VARIABLE
            + " to a directory of unpacked upstream charts (one directory per chart name) to run it";

    @BeforeAll
    static void sayWhyWhenSkipped() {
        if (!chartsGiven()) {
            System.out.println(SKIP_REASON);
        }
    }

    private static boolean chartsGiven() {
        String dir = System.getenv(CHARTS_DIR_VARIABLE);
        return dir != null && !dir.isBlank();
    }

    @AfterAll
    static void printRenderTimes() {
        if (!RENDER_MICROS.isEmpty()) {
            StringBuilder table = new StringBuilder(
                    String.format("%-42s %10s %14s%n", "render times, ms", "values", "helm template"));
            RENDER_MICROS.forEach((key, micros) -> table.append(
                    String.format("  %-40s %10.1f %14.1f%n", key, micros[0] / 1000.0, micros[1] / 1000.0)));
            System.out.print(table);
        }
    }

    static Stream<Arguments> profilesAndComponents() {
        List<Arguments> cases = new ArrayList<>();
        for (String profile : StackFixture.PROFILES) {
            for (String component : StackFixture.components().keySet()) {
                cases.add(Arguments.of(profile, component));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("profilesAndComponents")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void rendersCleanlyWithTheRealChart(String profileName, String componentId) throws IOException {
        Assumptions.assumeTrue(chartsGiven(), SKIP_REASON);
        BootstrapConfig config = StackFixture.exampleConfig(profileName);
        StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE, config);
        ComponentSpec component = topology.component(componentId);
        Path chartDir = Path.of(System.getenv(CHARTS_DIR_VARIABLE))
                .resolve(component.chart().name());
        assertThat(chartDir.resolve("Chart.yaml"))
                .as("chart %s under %s", component.chart().name(), CHARTS_DIR_VARIABLE)
                .exists();
        Map<String, Object> chart = StackFixture.loadFile(chartDir.resolve("Chart.yaml"));
        assertThat(String.valueOf(chart.get("version")))
                .as(
                        "version of the chart in %s (the catalog pins %s)",
                        chartDir, component.chart().coordinate())
                .isEqualTo(component.chart().version());

        Path out = OUTPUT.resolve(profileName);
        String manifests = render(config, topology, component, chartDir, out, profileName + " / " + componentId);

        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> objects = ManifestChecks.parse(manifests, problems);
        assertThat(objects).as("objects rendered").isNotEmpty();
        problems.addAll(ManifestChecks.unpinnedImages(objects));
        problems.addAll(ManifestChecks.credentialsInSecrets(objects));
        problems.addAll(ManifestChecks.secretsWithData(objects));
        problems.addAll(ManifestChecks.helmHooks(objects));
        if (config.profile().requireMemoryLimits()) {
            problems.addAll(ManifestChecks.missingMemory(objects));
        }
        problems.addAll(ManifestChecks.appVersionNotDeployed(objects, String.valueOf(chart.get("appVersion"))));
        List<ServiceEndpoint> served = new ArrayList<>(topology.endpoints().values());
        // a component that serves endpoints only when a config chooses it (tempo-distributed) has them checked too
        served.addAll(StackFixture.endpointVariants(ValuesTestConfigs.NAMESPACE, componentId)
                .values());
        for (ServiceEndpoint endpoint : served) {
            if (endpoint.component().equals(componentId)) {
                problems.addAll(ManifestChecks.missingService(objects, endpoint.service(), endpoint.port()));
            }
        }
        assertThat(problems)
                .as("problems in %s/%s manifests (see %s)", profileName, componentId, out.toAbsolutePath())
                .isEmpty();
    }

    /**
     * What prod's values must produce in the real charts' pods: both node agents' DaemonSets at system-node-critical
     * (review D11), Grafana's container on a read-only root with /tmp writable and its GOMEMLIMIT scaled at start
     * (N3, N18), and Alloy's config reloader at the operator's tag (N5).
     */
    @org.junit.jupiter.api.Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void prodsPodsCarryTheReviewedSettings() throws IOException {
        Assumptions.assumeTrue(chartsGiven(), SKIP_REASON);
        BootstrapConfig config = StackFixture.exampleConfig("prod");
        StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE);
        Map<String, Map<String, Object>> podSpecs = new TreeMap<>();
        for (String componentId : List.of("kube-prometheus-stack", "alloy")) {
            ComponentSpec component = topology.component(componentId);
            Path chartDir = Path.of(System.getenv(CHARTS_DIR_VARIABLE))
                    .resolve(component.chart().name());
            String manifests = render(
                    config, topology, component, chartDir, OUTPUT.resolve("prod-pods"), "prod pods / " + componentId);
            for (Map<String, Object> object : ManifestChecks.parse(manifests, new ArrayList<>())) {
                Object spec = StackFixture.map(
                        StackFixture.map(StackFixture.map(object.get("spec")).get("template"))
                                .get("spec"));
                podSpecs.put(ManifestChecks.id(object), StackFixture.map(spec));
            }
        }
        List<Map<String, Object>> daemonSets = podSpecs.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("DaemonSet/"))
                .map(Map.Entry::getValue)
                .toList();
        assertThat(daemonSets).as("node-exporter and Alloy").hasSize(2);
        assertThat(daemonSets)
                .allSatisfy(pod -> assertThat(pod.get("priorityClassName")).isEqualTo("system-node-critical"));

        Map<String, Object> grafanaPod = podSpecs.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("Deployment/")
                        && entry.getKey().endsWith("grafana"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
        Map<String, Object> grafana = containers(grafanaPod).stream()
                .filter(container -> "grafana".equals(container.get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(StackFixture.map(grafana.get("securityContext"))).containsEntry("readOnlyRootFilesystem", true);
        assertThat(String.valueOf(grafana.get("volumeMounts"))).contains("mountPath=/tmp");
        assertThat(String.valueOf(grafana.get("command"))).contains("GOMEMLIMIT / 10 * 9", "exec /run.sh \"$@\"");
        assertThat(String.valueOf(podSpecs.values())).contains("prometheus-config-reloader:v0.93.1");
    }

    /**
     * A switched choice runs the old component's release beside the new one's until the phase is verified (up removes
     * the old one only then), so the two must never render an object of the same kind and name: Helm refuses to
     * install an object another release owns ("invalid ownership metadata"), and the switch would stop there. Each
     * phase's releases under one choice against those under the other, with the real charts.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"staging", "prod"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aSwitchedChoiceNeverAsksTwoReleasesForOneObject(String profileName) throws IOException {
        Assumptions.assumeTrue(chartsGiven(), SKIP_REASON);
        TracesSettings monolithic = new TracesSettings(TracesSettings.TempoLayout.MONOLITHIC);
        TracesSettings distributed = new TracesSettings(TracesSettings.TempoLayout.DISTRIBUTED);
        BootstrapConfig before = StackFixture.exampleConfig(profileName, LogCollector.PROMTAIL, monolithic);
        BootstrapConfig after = StackFixture.exampleConfig(profileName, LogCollector.ALLOY, distributed);
        List<String> clashes = new ArrayList<>();
        for (Phase phase : List.of(new LogsPhase(), new TracesPhase())) {
            Map<String, String> old = owners(before, phase, profileName + "-before");
            Map<String, String> replacing = owners(after, phase, profileName + "-after");
            assertThat(phase.replacedComponents(after))
                    .as("%s replaces", phase.id())
                    .isNotEmpty();
            replacing.forEach((object, release) -> {
                String owner = old.get(object);
                if (owner != null && !owner.equals(release)) {
                    clashes.add(object + ": " + owner + " before the switch, " + release + " after");
                }
            });
        }
        assertThat(clashes).isEmpty();
    }

    /** kind/name -> the release that renders it, for every release of the phase under this config. */
    private Map<String, String> owners(BootstrapConfig config, Phase phase, String label) throws IOException {
        StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE, config);
        Map<String, String> owners = new TreeMap<>();
        for (String componentId : phase.components(config)) {
            ComponentSpec component = topology.component(componentId);
            Path chartDir = Path.of(System.getenv(CHARTS_DIR_VARIABLE))
                    .resolve(component.chart().name());
            String manifests = render(config, topology, component, chartDir, OUTPUT.resolve("switch-" + label), label);
            for (Map<String, Object> object : ManifestChecks.parse(manifests, new ArrayList<>())) {
                owners.put(ManifestChecks.id(object), component.release());
            }
        }
        return owners;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
        return (List<Map<String, Object>>) podSpec.getOrDefault("containers", List.of());
    }

    private static final String MIRROR = "mirror.example.com:5000/obs";

    /** cluster.imageRegistry moves every image of every chart to the mirror: none is left behind. */
    @ParameterizedTest(name = "mirror: {0} / {1}")
    @MethodSource("profilesAndComponents")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyImageComesFromTheMirrorWhenOneIsSet(String profileName, String componentId) throws IOException {
        Assumptions.assumeTrue(chartsGiven(), SKIP_REASON);
        BootstrapConfig example = StackFixture.exampleConfig(profileName);
        BootstrapConfig.ClusterSettings cluster = example.cluster();
        BootstrapConfig config = new BootstrapConfig(
                example.source(),
                example.profile(),
                new BootstrapConfig.ClusterSettings(
                        cluster.context(),
                        cluster.namespace(),
                        cluster.protectedContexts(),
                        cluster.protectedPatterns(),
                        cluster.stack(),
                        cluster.isolated(),
                        MIRROR),
                example.phases(),
                example.charts(),
                example.values(),
                example.sections());
        StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE, config);
        ComponentSpec component = topology.component(componentId);
        Path chartDir = Path.of(System.getenv(CHARTS_DIR_VARIABLE))
                .resolve(component.chart().name());
        String manifests = render(
                config,
                topology,
                component,
                chartDir,
                OUTPUT.resolve("mirror-" + profileName),
                "mirror " + profileName + " / " + componentId);
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> objects = ManifestChecks.parse(manifests, problems);
        problems.addAll(ManifestChecks.imagesOutside(objects, MIRROR));
        assertThat(problems)
                .as("images of %s/%s not from the mirror", profileName, componentId)
                .isEmpty();
    }

    /**
     * The component's values rendered for the config, then its real chart templated with them, both kept under
     * {@code out} for reading; the time of each step is recorded under {@code timing}.
     */
    private String render(
            BootstrapConfig config,
            StackTopology topology,
            ComponentSpec component,
            Path chartDir,
            Path out,
            String timing)
            throws IOException {
        long start = System.nanoTime();
        RenderedValues values = renderer.render(component, config, topology, StackFixture.KUBE_VERSION);
        long rendered = System.nanoTime();
        Files.createDirectories(out);
        Path valuesFile = Files.writeString(out.resolve(component.id() + ".values.yaml"), values.yaml());
        String manifests = new Helm(chartDir)
                .template()
                .withName(component.release())
                .withNamespace(topology.namespace())
                .withKubeVersion(StackFixture.KUBE_VERSION)
                .withValuesFile(valuesFile)
                .call();
        RENDER_MICROS.put(timing, new long[] {(rendered - start) / 1_000, (System.nanoTime() - rendered) / 1_000});
        Files.writeString(out.resolve(component.id() + ".manifests.yaml"), manifests);
        return manifests;
    }
}
