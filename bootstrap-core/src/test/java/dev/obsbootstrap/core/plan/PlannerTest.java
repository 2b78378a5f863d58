package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.FixtureCharts;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class PlannerTest {
    @TempDir
    Path cache;

    @Test
    void rendersEveryEnabledPhaseInDependencyOrderAndRecordsDisabledOnes() {
        PlanBundle bundle = PlanFixtures.bundle(cache);

        assertThat(bundle.phases())
                .extracting(PlannedPhase::directory)
                .containsExactly("00-crds", "01-metrics", "02-logs", "03-traces");
        assertThat(bundle.phases()).extracting(PlannedPhase::enabled).containsExactly(true, true, true, false);
        assertThat(bundle.phases().get(2).releases())
                .extracting(r -> r.spec().releaseName())
                .containsExactly("obs-loki", "obs-alloy");
        assertThat(bundle.phases().get(3).releases()).isEmpty();
        assertThat(bundle.profile()).isEqualTo("ci");
        assertThat(bundle.kubeVersion()).isEqualTo("1.31.0");
    }

    @Test
    void eachReleaseSpecComesFromTopologyProfileAndChartsDir() {
        ReleaseSpec loki =
                PlanFixtures.bundle(cache).phases().get(2).releases().get(0).spec();

        assertThat(loki.componentId()).isEqualTo("log-store");
        assertThat(loki.namespace()).isEqualTo("observability");
        assertThat(loki.chart()).isEqualTo(new ChartRef(PlanFixtures.OTHER_REPO, "log-store", "5.1.0"));
        assertThat(loki.chartPath()).isEqualTo(FixtureCharts.path("log-store"));
        assertThat(loki.timeout()).isEqualTo(Duration.ofMinutes(8));
        assertThat(loki.mode()).isEqualTo(InstallMode.HELM_RELEASE);
        assertThat(loki.valuesYaml()).isEqualTo("fullnameOverride: obs-loki\n");
    }

    @Test
    void theManifestsAreWhatHelmRendersFromTheValues() {
        RenderedRelease loki =
                PlanFixtures.bundle(cache).phases().get(2).releases().get(0);

        assertThat(loki.manifests())
                .contains("kind: StatefulSet")
                .contains("name: obs-loki-headless")
                .contains("app.kubernetes.io/instance: obs-loki");
    }

    @Test
    void theUsersChartPinWinsOverTheCatalogs() {
        Map<String, ChartRef> pins = Map.of("log-store", new ChartRef(PlanFixtures.OTHER_REPO, "log-store", "5.2.0"));

        assertThatThrownBy(() -> PlanFixtures.planner(cache)
                        .plan(
                                PlanFixtures.phases(),
                                PlanFixtures.config(true, pins),
                                PlanFixtures.topology(),
                                new KubeVersionChoice("1.31.0", "default"),
                                "test",
                                List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pinned version is 5.2.0");
    }

    @Test
    void aValuesErrorStopsThePlanWithItsMessage() {
        Planner planner = new Planner(
                HelmJavaDriver.templateOnly(),
                new ReleaseRenderer(PlanFixtures.charts(cache), (component, kube) -> {
                    throw new ConfigException("log-store.yaml.j2:3: unknown variable 'topology.nope'");
                }),
                SilentConsole.INSTANCE);

        assertThatThrownBy(() -> planner.plan(
                        PlanFixtures.phases(),
                        PlanFixtures.config(true, Map.of()),
                        PlanFixtures.topology(),
                        new KubeVersionChoice("1.31.0", "default"),
                        "test",
                        List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("log-store.yaml.j2:3: unknown variable 'topology.nope'");
    }

    @Test
    void aKubeVersionTheChartsRefuseIsBadInput() {
        assertThatThrownBy(() -> PlanFixtures.planner(cache)
                        .plan(
                                PlanFixtures.phases(),
                                PlanFixtures.config(true, Map.of()),
                                PlanFixtures.topology(),
                                new KubeVersionChoice("1.20.0", "--kube-version"),
                                "test",
                                List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("release obs-metrics (web-operator@2.3.0)")
                .hasMessageContaining("incompatible with Kubernetes v1.20.0");
    }

    @Test
    void releasesRenderedInParallelGiveTheSameBundleByteForByteAsOneByOne(@TempDir Path out) {
        PlanBundle oneByOne = plan(1);
        Map<String, String> expected = written(oneByOne, out.resolve("sequential"));

        for (int round = 1; round <= 3; round++) {
            // more threads than releases per phase and than cores: every render overlaps another
            PlanBundle parallel = plan(4);

            assertThat(parallel).isEqualTo(oneByOne);
            assertThat(written(parallel, out.resolve("parallel-" + round))).isEqualTo(expected);
        }
        assertThat(expected)
                .containsKey("01-metrics/obs-metrics.manifests.yaml")
                .hasSizeGreaterThan(8);
    }

    @Test
    void inParallelTheFailureIsStillTheFirstInPlanOrder() {
        Planner parallel = new Planner(
                HelmJavaDriver.templateOnly(),
                new ReleaseRenderer(PlanFixtures.charts(cache), (component, kube) -> PlanFixtures.values(component)),
                SilentConsole.INSTANCE,
                4);

        assertThatThrownBy(() -> parallel.plan(
                        PlanFixtures.phases(),
                        PlanFixtures.config(true, Map.of()),
                        PlanFixtures.topology(),
                        new KubeVersionChoice("1.20.0", "--kube-version"),
                        "test",
                        List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("release obs-metrics (web-operator@2.3.0)");
    }

    private PlanBundle plan(int parallelism) {
        return new Planner(
                        HelmJavaDriver.templateOnly(),
                        new ReleaseRenderer(
                                PlanFixtures.charts(cache), (component, kube) -> PlanFixtures.values(component)),
                        SilentConsole.INSTANCE,
                        parallelism)
                .plan(
                        PlanFixtures.phases(),
                        PlanFixtures.config(true, Map.of()),
                        PlanFixtures.topology(),
                        new KubeVersionChoice("1.31.0", "default"),
                        "obs-bootstrap test (helm 3.21.0)",
                        List.of(PlanFixtures.grafanaAdmin()));
    }

    /** Every file the writer puts in {@code out}, by bundle-relative path. */
    private static Map<String, String> written(PlanBundle bundle, Path out) {
        List<Finding> findings = new StaticChecks("ci", true, List.of()).check(bundle);
        new PlanBundleWriter().write(bundle, findings, out);
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(out.relativize(file).toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
