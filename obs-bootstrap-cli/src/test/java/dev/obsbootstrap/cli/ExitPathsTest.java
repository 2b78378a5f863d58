package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every way a run can end early still gives CI its report, with an exit code and an error that say what happened. */
class ExitPathsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    @Test
    void aUsageErrorStillWritesTheJsonAndJUnitReports() throws Exception {
        Path junit = tmp.resolve("usage.xml");

        CliRun.Result result =
                CliRun.run(new ControlledProbes(), "up", "--timeout", "10x", "-o", "json", "--junit", junit.toString());

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("'10x' is not a duration");
        JsonNode json = JSON.readTree(result.out());
        assertThat(json.get("exitCode").asInt()).isEqualTo(2);
        assertThat(json.get("error").get("message").asString()).contains("--timeout", "10x");
        assertThat(Files.readString(junit)).contains("errors=\"1\"", "type=\"BadInput\"");
    }

    @Test
    void aTypoInOnlyIsRefusedBeforeAnythingIsContacted() {
        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "up",
                "--only",
                "trace",
                "--kubeconfig",
                tmp.resolve("absent.yaml").toString());

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err())
                .contains("--only trace: unknown phase 'trace'; did you mean 'traces'?")
                .doesNotContain("kubeconfig");
    }

    /** traces.tempo picks a chart: a typo, or a layout the profile cannot run, stops before the cluster is read. */
    @Test
    void aBadTempoLayoutIsRefusedBeforeAnythingIsContacted() throws Exception {
        Path config = tmp.resolve("traces.yaml");
        Files.writeString(config, "apiVersion: obs-bootstrap/v1\nprofile: ci\ntraces:\n  tempo: distributed\n");
        CliRun.Result typo = CliRun.run(
                new ControlledProbes(),
                "up",
                "--set",
                "traces.tempo=distribued",
                "--kubeconfig",
                tmp.resolve("absent.yaml").toString());
        CliRun.Result local = CliRun.run(
                new ControlledProbes(),
                "up",
                "-f",
                config.toString(),
                "--kubeconfig",
                tmp.resolve("absent.yaml").toString());

        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err())
                .contains("traces.tempo: unknown Tempo layout 'distribued'; did you mean 'distributed'?")
                .doesNotContain("kubeconfig");
        assertThat(local.code()).isEqualTo(2);
        assertThat(local.err())
                .contains(config + ":4:10: traces.tempo: distributed Tempo needs object storage, and profile ci")
                .doesNotContain("kubeconfig");
    }

    @Test
    void anUnreachableApiServerIsExitThreeWithAReportNamingTheServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path kubeconfig = kubeconfig("http://127.0.0.1:" + port);
        Path junit = tmp.resolve("unreachable.xml");
        // up resolves every chart before it connects (missing charts are bad input, exit 2): give it the stand-ins so
        // the unreachable server is what it meets
        Path charts = StackCharts.copyTo(tmp.resolve("charts"));

        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "up",
                "--profile",
                "ci",
                "--charts-dir",
                charts.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--yes",
                "-o",
                "json",
                "--junit",
                junit.toString());

        assertThat(result.code()).as(result.err()).isEqualTo(3);
        JsonNode json = JSON.readTree(result.out());
        assertThat(json.get("error").get("kind").asString()).isEqualTo("CLUSTER_FAILURE");
        assertThat(json.get("error").get("message").asString()).contains("127.0.0.1:" + port, "Connection refused");
        assertThat(json.get("phases")).hasSize(5);
        assertThat(Files.readString(junit)).contains("type=\"ClusterFailure\"", "127.0.0.1:" + port);
        assertThat(result.err()).doesNotContain("Exception", "\tat ", "check that your user");
    }

    @Test
    void aServerThatIsNotKubernetesIsSaidSo() throws Exception {
        try (MockWebServer notKubernetes = new MockWebServer()) {
            notKubernetes.start();
            for (int i = 0; i < 5; i++) {
                notKubernetes.enqueue(new MockResponse.Builder()
                        .code(404)
                        .body("<html>not found</html>")
                        .build());
            }
            Path kubeconfig = kubeconfig("http://127.0.0.1:" + notKubernetes.getPort());

            CliRun.Result result = CliRun.run(
                    new ControlledProbes(), "status", "--profile", "ci", "--kubeconfig", kubeconfig.toString());

            assertThat(result.code()).as(result.err()).isEqualTo(3);
            assertThat(result.err())
                    .contains("answers, but is not a Kubernetes API server", "127.0.0.1:" + notKubernetes.getPort())
                    .doesNotContain("NullPointerException");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "plan", "verify", "status", "down", "version"})
    void everyCommandAnswersHelp(String command) {
        CliRun.Result help = CliRun.run(null, command, "--help");
        CliRun.Result shortHelp = CliRun.run(null, command, "-h");

        assertThat(help.code()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: obs-bootstrap " + command);
        assertThat(shortHelp.code()).isZero();
    }

    private Path kubeconfig(String server) throws Exception {
        return Files.writeString(tmp.resolve("kubeconfig-" + server.hashCode() + ".yaml"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: %s}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(server));
    }
}
