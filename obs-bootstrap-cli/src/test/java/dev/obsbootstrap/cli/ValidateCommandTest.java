package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * validate end to end through picocli: the static path on a bundle and on a config planned on the way, what the
 * cluster path cannot judge on a namespace that does not exist yet, the choice auto makes, and the evidence each run
 * leaves in the bundle. The cluster path on an installed stack is part of the round trip in BundleRoundTripOnFakeClusterTest.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ValidateCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;
    /** Planned once (namespace v-static); the cases that write evidence or change the bundle take copies. */
    static Path planned;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .contextName("fake-validate")
                .kubernetesVersion("1.31.0")
                .start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
        planned = PlannedBundles.plan(tmp, charts, "v-static");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path plan(String namespace) {
        return PlannedBundles.plan(tmp, charts, namespace);
    }

    private static Map<String, JsonNode> phases(String json) {
        Map<String, JsonNode> phases = new java.util.LinkedHashMap<>();
        JSON.readTree(json)
                .get("phases")
                .forEach(phase -> phases.put(phase.get("id").asString(), phase));
        return phases;
    }

    private static List<Path> evidenceRuns(Path bundle) throws IOException {
        try (Stream<Path> list = Files.list(bundle.resolve("evidence"))) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void theStaticPathOnABundleReportsWhatItProvedWhatItCouldNotAndLeavesEvidence() throws IOException {
        Path bundle = PlannedBundles.copy(planned, tmp.resolve("static"));
        Path junit = tmp.resolve("v-static.xml");

        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "validate",
                "--path",
                "static",
                "--bundle",
                bundle.toString(),
                "-o",
                "json",
                "--junit",
                junit.toString(),
                "--sarif",
                tmp.resolve("v-static.sarif").toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).contains("validate: path static (--path static)");
        Map<String, JsonNode> phases = phases(result.out());
        assertThat(phases.keySet()).containsExactly("static", "local", "cluster");
        assertThat(phases.get("static").get("status").asString()).isEqualTo("VERIFIED");
        assertThat(phases.get("static").get("detail").asString())
                .contains(
                        "checked against the Kubernetes 1.31 API",
                        "cannot prove",
                        "that logs, traces, metrics and alerts flow");
        List<String> checks = new ArrayList<>();
        phases.get("static")
                .get("probes")
                .forEach(probe -> checks.add(probe.get("name").asString()));
        assertThat(checks)
                .contains("kubernetes-schema", "crd-schema", "removed-api", "pod-security", "component-config");
        assertThat(phases.get("local").get("status").asString()).isEqualTo("SKIPPED");
        assertThat(phases.get("local").get("detail").asString())
                .startsWith("not run (--path static)")
                .contains("would prove");
        assertThat(phases.get("cluster").get("detail").asString()).contains("--dry-run=server");
        assertThat(Files.readString(junit)).contains("testsuite", "kubernetes-schema");
        assertThat(Files.readString(tmp.resolve("v-static.sarif"))).contains("\"version\" : \"2.1.0\"");

        List<Path> runs = evidenceRuns(bundle);
        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.getFileName().toString()).endsWith("-static");
            assertThat(run.resolve("validate.json")).exists();
            assertThat(run.resolve("junit.xml")).exists();
            assertThat(run.resolve("digests.sha256")).hasSameTextualContentAs(bundle.resolve("digests.sha256"));
            assertThat(Files.readString(run.resolve("run.txt")))
                    .contains("path: static", "ran against: no cluster", "verdict: passed");
        });
        assertThat(Files.readString(bundle.resolve("evidence/README.md")))
                .contains("| static | no cluster | passed (static checks only) | 0 |");
        // evidence is not part of the reviewed bytes: the bundle still installs
        CliRun.Result verified =
                CliRun.run(new ControlledProbes(), "validate", "--path", "static", "--bundle", bundle.toString());
        assertThat(verified.code()).as(verified.err()).isZero();
    }

    @Test
    void withoutABundleTheConfigIsPlannedFirstAndAPlantedMistakeFailsTheStaticPath() {
        Path out = tmp.resolve("v-planned");

        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "validate",
                "--path",
                "static",
                "--profile",
                "ci",
                "--charts-dir",
                charts.toString(),
                "--kube-version",
                "1.31.0",
                "--out",
                out.toString(),
                "--set",
                "values.loki.singleBinary.resources.limit.memory=64Mi",
                "-o",
                "json");

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        assertThat(result.err()).contains("planning into " + out, "unknown field 'limit'; did you mean 'limits'?");
        JsonNode staticPhase = phases(result.out()).get("static");
        assertThat(staticPhase.get("status").asString()).isEqualTo("VERIFY_FAILED");
        JsonNode schema = null;
        for (JsonNode probe : staticPhase.get("probes")) {
            if (probe.get("name").asString().equals("kubernetes-schema")) {
                schema = probe;
            }
        }
        assertThat(schema).isNotNull();
        assertThat(schema.get("passed").asBoolean()).isFalse();
        assertThat(schema.get("lastObserved").asString())
                .contains("02-logs/obs-loki.manifests.yaml:", "resources.limit");
        assertThat(out.resolve("digests.sha256")).exists();
    }

    @Test
    void aTamperedBundleIsBadInput() throws IOException {
        Path bundle = PlannedBundles.copy(planned, tmp.resolve("tampered"));
        Files.writeString(bundle.resolve("install.sh"), "echo changed\n");

        CliRun.Result result = CliRun.run(
                new ControlledProbes(), "validate", "--path", "static", "--bundle", bundle.toString(), "-o", "json");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("install.sh changed");
        Map<String, JsonNode> phases = phases(result.out());
        assertThat(phases.keySet())
                .as("validate's own entries, also when it ends early")
                .containsExactly("static", "local", "cluster");
        assertThat(phases.values())
                .allSatisfy(phase -> assertThat(phase.get("status").asString()).isEqualTo("SKIPPED"));
        assertThat(JSON.readTree(result.out()).get("error").get("message").asString())
                .contains("install.sh changed");
    }

    @Test
    void onANamespaceThatDoesNotExistYetTheDryRunSaysWhatItCouldNotJudge() {
        Path bundle = plan("v-fresh");

        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "validate",
                "--path",
                "cluster",
                "--bundle",
                bundle.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "-o",
                "json");

        JsonNode dryRun = phases(result.out()).get("cluster").get("probes").get(0);
        assertThat(dryRun.get("lastObserved").asString())
                .contains(
                        "not judged: ",
                        "namespace v-fresh does not exist on this cluster yet, and a dry run cannot create it");
    }

    @Test
    void autoTakesTheStaticPathWhenNoClusterAnswersAndNoDockerEngineIsThere() {
        assumeNoDocker("autoTakesTheStaticPath");
        Path bundle = PlannedBundles.copy(planned, tmp.resolve("auto"));
        Path unreachable = tmp.resolve("unreachable.yaml");
        writeUnreachableKubeconfig(unreachable);

        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "validate",
                "--bundle",
                bundle.toString(),
                "--kubeconfig",
                unreachable.toString(),
                "-o",
                "json");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err())
                .contains(
                        "validate: path static (auto: the kube context does not answer",
                        "and no Docker engine (looked at DOCKER_HOST");
        assertThat(phases(result.out()).get("cluster").get("detail").asString())
                .startsWith("not run (auto: the kube context does not answer");
    }

    @Test
    void theLocalPathWithoutDockerIsAClusterFailureAtOnce() {
        assumeNoDocker("theLocalPathWithoutDocker");
        Path bundle = PlannedBundles.copy(planned, tmp.resolve("local"));

        CliRun.Result result =
                CliRun.run(new ControlledProbes(), "validate", "--path", "local", "--bundle", bundle.toString());

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err()).contains("validate --path local needs a Docker engine", "validate --path static");
        assertThat(result.took()).isLessThan(java.time.Duration.ofSeconds(20));
    }

    static void assumeNoDocker(String test) {
        DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
        if (docker.available()) {
            System.err.println(test + " skipped: a Docker engine is running here (" + docker.engine()
                    + "), so this no-Docker case cannot be shown");
        }
        assumeThat(docker.available()).as("a Docker engine is running here").isFalse();
    }

    static void writeUnreachableKubeconfig(Path file) {
        try {
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: gone, cluster: {server: "http://127.0.0.1:%d"}}]
                    users: [{name: nobody, user: {token: none}}]
                    contexts: [{name: gone, context: {cluster: gone, user: nobody}}]
                    current-context: gone
                    """.formatted(port));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
