package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * smoke and the embedded default: what a machine without a Docker engine gets (exit 3 at once, where it looked and what
 * to run instead), what is refused before Docker is asked anything, {@code up} with no kube context at all, and, where
 * a Docker engine runs, the real thing on a K3s node (skipped with the reason printed otherwise).
 */
class SmokeCommandTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutADockerEngineSmokeExitsThreeAtOnceSayingWhereItLookedAndWhatToRunInstead() throws IOException {
        ValidateCommandTest.assumeNoDocker("withoutADockerEngineSmokeExitsThree");
        Path junit = tmp.resolve("smoke.xml");

        CliRun.Result result = CliRun.run(
                null,
                "smoke",
                "--junit",
                junit.toString(),
                "--reports",
                tmp.resolve("reports").toString());

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.took()).as("at once").isLessThan(Duration.ofSeconds(10));
        assertThat(result.err())
                .contains(
                        "smoke needs a Docker engine to start its throwaway K3s node, and there is none: looked at DOCKER_HOST",
                        "/var/run/docker.sock (absent)",
                        "Alternatives: start Docker or Podman (or set DOCKER_HOST)",
                        "obs-bootstrap validate --path static",
                        "obs-bootstrap plan --out DIR")
                .doesNotContain("\tat ");
        assertThat(Files.readString(junit)).contains("ClusterFailure", "smoke needs a Docker engine");
        assertThat(tmp.resolve("reports")).doesNotExist();
    }

    @Test
    void whatCanBeCheckedWithoutDockerIsRefusedBeforeDockerIsAsked() throws IOException {
        CliRun.Result notK3s = CliRun.run(null, "smoke", "--k3s-image", "nginx:1.27.0");
        Path notAnArchive = Files.writeString(tmp.resolve("images.zip"), "x");
        CliRun.Result badArchive = CliRun.run(null, "smoke", "--images", notAnArchive.toString());
        CliRun.Result missingArchive =
                CliRun.run(null, "smoke", "--images", tmp.resolve("none.tar").toString());
        CliRun.Result badProfile = CliRun.run(null, "smoke", "--profile", "nope");

        assertThat(notK3s.code()).isEqualTo(2);
        assertThat(notK3s.err()).contains("--k3s-image nginx:1.27.0: not a K3s image");
        assertThat(badArchive.code()).isEqualTo(2);
        assertThat(badArchive.err()).contains("K3s imports only .tar, .tar.gz");
        assertThat(missingArchive.code()).isEqualTo(2);
        assertThat(missingArchive.err()).contains("none.tar: no such file");
        assertThat(badProfile.code()).isEqualTo(2);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void upWithoutAnyKubeContextSaysSoAndPointsAtPlanAndValidate() throws Exception {
        ValidateCommandTest.assumeNoDocker("upWithoutAnyKubeContext");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> noCluster = Map.of(
                "HOME",
                home.toString(),
                "KUBECONFIG",
                "",
                "DOCKER_HOST",
                "",
                "XDG_RUNTIME_DIR",
                "",
                "KUBERNETES_SERVICE_HOST",
                "",
                "OBS_BOOTSTRAP_CACHE",
                tmp.resolve("cache").toString());

        ChildCli up = ChildCli.start(tmp, "up", noCluster, "up", "--profile", "ci");
        int code = up.exitCode(Duration.ofSeconds(50));

        assertThat(code).isEqualTo(2);
        assertThat(up.err())
                .contains(
                        "no kube context: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not inside a pod",
                        "and no Docker engine for a throwaway K3s node either",
                        "obs-bootstrap plan --out DIR",
                        "obs-bootstrap validate --path static");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void upEphemeralWithoutADockerEngineIsAClusterFailureAtOnce() {
        ValidateCommandTest.assumeNoDocker("upEphemeralWithoutADockerEngine");

        CliRun.Result result = CliRun.run(null, "up", "--ephemeral", "--profile", "ci");

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err())
                .contains("up --ephemeral needs a Docker engine", "obs-bootstrap validate --path static");
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.MINUTES)
    void smokeOnARealK3sNodeInstallsVerifiesAndRemovesTheStack() throws IOException {
        DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
        if (!docker.available()) {
            String reason =
                    "smokeOnARealK3sNode skipped: no Docker engine here (looked at " + docker.describeLookedAt() + "); "
                            + "it runs where `docker info` works, and CI runs `obs-bootstrap smoke` itself (.github/workflows/e2e.yml)";
            System.err.println(reason);
            assumeThat(docker.available()).as(reason).isTrue();
        }
        Path reports = tmp.resolve("reports");

        CliRun.Result result = CliRun.run(null, "smoke", "--reports", reports.toString(), "-o", "json");

        assertThat(result.code()).as(result.err()).isZero();
        JsonNode summary = JsonMapper.builder().build().readTree(Files.readString(reports.resolve("smoke.json")));
        assertThat(summary.get("up").get("exitCode").asInt()).isZero();
        assertThat(summary.get("down").get("exitCode").asInt()).isZero();
        assertThat(Files.readString(reports.resolve("up.xml")))
                .contains("<testsuite")
                .doesNotContain("<failure");
    }
}
