package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.report.SilentConsole;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ClusterKubeVersionTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheVersionTheApiServerReports() throws IOException, InterruptedException {
        try (MockWebServer apiServer = new MockWebServer()) {
            apiServer.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/json")
                    .body("{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.3+k3s1\",\"platform\":\"linux/amd64\"}").build());
            apiServer.start();

            assertThat(ClusterKubeVersion.read(kubeconfig(apiServer.url("/").toString()), "", Duration.ofSeconds(3), SilentConsole.INSTANCE))
                    .contains("v1.32.3+k3s1");
            assertThat(apiServer.takeRequest().getTarget()).isEqualTo("/version");
        }
    }

    @Test
    void anUnreachableClusterMeansNoVersionRatherThanAnError() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        assertThat(ClusterKubeVersion.read(kubeconfig("http://127.0.0.1:" + port), "", Duration.ofSeconds(3), SilentConsole.INSTANCE)).isEmpty();
    }

    @Test
    void aContextTheKubeconfigLacksMeansNoVersion() throws IOException {
        assertThat(ClusterKubeVersion.read(kubeconfig("http://127.0.0.1:1"), "no-such-context", Duration.ofSeconds(3), SilentConsole.INSTANCE)).isEmpty();
    }

    private String kubeconfig(String server) throws IOException {
        Path file = tmp.resolve("kubeconfig-" + Math.abs(server.hashCode()));
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "%s"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {token: t}}]
                """.formatted(server));
        return file.toString();
    }
}
