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
import dev.obsbootstrap.core.manifest.ParsedManifests;
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
    void aLargeStreamParsedInTwoHalvesIsTheSameAsOneParseWhetherAnotherThreadIsFreeOrNot() throws Exception {
        StringBuilder stream = new StringBuilder("---\n# Source: crds/templates/empty.yaml\n");
        for (int i = 0; i < 12; i++) {
            stream.append("---\n# Source: crds/templates/crd-")
                    .append(i)
                    .append(".yaml\n")
                    .append("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n")
                    .append("  name: kind")
                    .append(i)
                    .append(".example.test\nspec:\n  description: |\n");
            stream.append("    a long schema line that makes the stream large\n".repeat(3_000));
            if (i == 7) {
                stream.append("---\nkey: [unclosed\n");
            }
        }
        String manifests = stream.toString();
        ParsedManifests once = ParsedManifests.parse(manifests);

        java.util.concurrent.ExecutorService free = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.ExecutorService busy = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            busy.submit(() -> {
                release.await();
                return null;
            });
            // the free pool several times: its thread is then often still parsing a document when this one is done
            for (java.util.concurrent.ExecutorService pool : List.of(free, free, free, free, free, busy)) {
                ParsedManifests halves = Planner.parse(manifests, pool);
                assertThat(halves.documents()).isEqualTo(once.documents());
                assertThat(halves.objects()).isEqualTo(once.objects());
            }
        } finally {
            release.countDown();
            free.shutdownNow();
            busy.shutdownNow();
        }
        assertThat(manifests.length()).isGreaterThan(1024 * 1024);
        assertThat(once.documents()).hasSize(13);
        assertThat(once.documents().get(8).error())
                .as("the unparseable document, kept with its error")
                .isNotEmpty();
    }

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
