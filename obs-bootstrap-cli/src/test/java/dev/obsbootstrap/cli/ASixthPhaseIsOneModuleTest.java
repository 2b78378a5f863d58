package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.testing.FakeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The plugin shape, proven: examples/phase-profiling is a sixth phase (Grafana Pyroscope) as one module — a Phase with
 * its ServiceLoader entry, a catalog fragment, a values template and its settings for every profile — and adding its
 * jar to the classpath is all it takes for {@code plan}, {@code up} and {@code verify} to run it. The module is built
 * before these tests but kept off their classpath (pom: classpathDependencyExcludes); only the child JVMs here get it,
 * so nothing in core or the CLI can know it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ASixthPhaseIsOneModuleTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration RUN = Duration.ofSeconds(180);

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;
    static Path module;

    @BeforeAll
    static void setUp() throws IOException {
        module = Path.of(System.getProperty("obs.example.phase.classes", "examples/phase-profiling/target/classes"));
        assertThat(module.resolve("META-INF/services/" + Phase.class.getName()))
                .as("the example module's classes (build it first: mvn -pl examples/phase-profiling -am compile)")
                .isRegularFile();
        cluster = FakeCluster.builder()
                .contextName("fake-sixth")
                .kubernetesVersion("1.31.0")
                .start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
        copyTree(
                Path.of(System.getProperty("obs.example.phase.charts", "examples/phase-profiling/fixture-chart")),
                charts);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Without the module the CLI has the five built-in phases: whatever the children do with it comes from the jar. */
    @Test
    void theModuleIsNotOnTheClasspathOfTheseTests() {
        List<String> ids = new ArrayList<>();
        ServiceLoader.load(Phase.class).forEach(phase -> ids.add(phase.id()));
        assertThat(ids).containsExactlyInAnyOrder("crds", "metrics", "logs", "traces", "alerting");
        assertThat(getClass().getClassLoader().getResource("obs-bootstrap/settings/pyroscope.yaml"))
                .isNull();
    }

    @Test
    void planRendersTheSixthPhaseFromItsCatalogTemplateAndSettings() throws Exception {
        Path bundle = tmp.resolve("bundle");
        try (ChildCli plan = child(
                "plan",
                "plan",
                "--profile",
                "ci",
                "--out",
                bundle.toString(),
                "--charts-dir",
                charts.toString(),
                "--kube-version",
                "1.31.0")) {
            assertThat(plan.exitCode(RUN)).as(plan.err()).isZero();
            assertThat(plan.out()).contains("phase order: crds -> metrics -> logs -> traces -> alerting -> profiling");
        }
        Path values = bundle.resolve("05-profiling/obs-pyroscope.values.yaml");
        assertThat(values).isRegularFile();
        // the ci column of the module's settings file, through the module's template
        assertThat(Files.readString(values))
                .contains("fullnameOverride: obs-pyroscope", "replicaCount: 1", "memory: 256Mi");
        assertThat(Files.readString(bundle.resolve("05-profiling/obs-pyroscope.manifests.yaml")))
                .contains("kind: StatefulSet", "name: obs-pyroscope", "image: grafana/pyroscope:1.18.0");
        assertThat(Files.readString(bundle.resolve("install.sh"))).contains("obs-pyroscope");
    }

    @Test
    void upInstallsItAfterItsDependencyAndVerifyRunsItsProbe() throws Exception {
        String ns = "sixth";
        try (ChildCli up = child(
                "up",
                "up",
                "--profile",
                "ci",
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                ns,
                "--timeout",
                "150s",
                "--yes",
                "--skip-verify",
                "-o",
                "json")) {
            assertThat(up.exitCode(RUN)).as(up.err()).isZero();
            JsonNode report = JSON.readTree(up.out());
            List<String> phases = new ArrayList<>();
            report.get("phases").forEach(phase -> phases.add(phase.get("id").asString()));
            assertThat(phases).containsExactly("crds", "metrics", "logs", "traces", "alerting", "profiling");
            assertThat(up.err()).contains("[profiling]");
        }
        assertThat(cluster.client()
                        .secrets()
                        .inNamespace(ns)
                        .withName("sh.helm.release.v1.obs-pyroscope.v1")
                        .get())
                .as("Helm's record of the sixth phase's release")
                .isNotNull();
        assertThat(cluster.client()
                        .apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("obs-pyroscope")
                        .get())
                .isNotNull();

        try (MockWebServer pyroscope = new MockWebServer()) {
            pyroscope.enqueue(new MockResponse.Builder().code(200).body("ready").build());
            pyroscope.start();
            try (ChildCli verify = child(
                    "verify",
                    "verify",
                    "--profile",
                    "ci",
                    "--phase",
                    "profiling",
                    "--endpoint",
                    "pyroscope=" + pyroscope.url("/"),
                    "-o",
                    "json")) {
                assertThat(verify.exitCode(RUN)).as(verify.err()).isZero();
                JsonNode probe = profilingProbe(JSON.readTree(verify.out()));
                assertThat(probe.get("name").asString()).isEqualTo("pyroscope-ready");
                assertThat(probe.get("passed").asBoolean()).isTrue();
            }
            assertThat(pyroscope.takeRequest().getTarget()).isEqualTo("/ready");
        }
    }

    /** The probe the module brings can fail: a Pyroscope that is not ready fails verify with exit 1. */
    @Test
    void itsProbeFailsWhenPyroscopeIsNotReady() throws Exception {
        try (MockWebServer pyroscope = new MockWebServer()) {
            for (int i = 0; i < 50; i++) {
                pyroscope.enqueue(new MockResponse.Builder()
                        .code(503)
                        .body("Ingester not ready")
                        .build());
            }
            pyroscope.start();
            try (ChildCli verify = child(
                    "verify-503",
                    "verify",
                    "--profile",
                    "ci",
                    "--phase",
                    "profiling",
                    "--timeout",
                    "3s",
                    "--endpoint",
                    "pyroscope=" + pyroscope.url("/"),
                    "-o",
                    "json")) {
                // --timeout caps the probe's deadline: it polls for 3s, then fails
                assertThat(verify.exitCode(RUN)).as(verify.err()).isEqualTo(1);
                JsonNode probe = profilingProbe(JSON.readTree(verify.out()));
                assertThat(probe.get("passed").asBoolean()).isFalse();
            }
        }
    }

    /** The one probe of the profiling phase in a verify report (the other phases are listed as skipped). */
    private static JsonNode profilingProbe(JsonNode report) {
        for (JsonNode phase : report.get("phases")) {
            if (phase.get("id").asString().equals("profiling")) {
                assertThat(phase.get("probes")).as(phase.toString()).hasSize(1);
                return phase.get("probes").get(0);
            }
        }
        throw new AssertionError("no profiling phase in " + report);
    }

    private static ChildCli child(String name, String... args) {
        return ChildCli.start(List.of(module), tmp.resolve("logs"), name, Map.of(), args);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
