package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.testing.FakeCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ClusterKubeVersionTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheVersionTheApiServerReports() {
        try (FakeCluster cluster =
                        FakeCluster.builder().kubernetesVersion("1.32.3").start();
                ClusterHub hub =
                        ClusterHub.forKubeconfig(cluster.writeKubeconfig(tmp.resolve("kubeconfig")), "", Map.of())) {

            assertThat(ClusterKubeVersion.read(hub, SilentConsole.INSTANCE))
                    .hasValueSatisfying(v -> assertThat(v).contains("1.32.3"));
        }
    }

    @Test
    void anUnreachableClusterMeansNoVersionRatherThanAnError() throws IOException {
        try (ClusterHub hub = ClusterHub.forKubeconfig(kubeconfigForClosedPort(), "", Map.of())) {
            assertThat(ClusterKubeVersion.read(hub, SilentConsole.INSTANCE)).isEmpty();
        }
    }

    @Test
    void anUnknownContextOrNoKubeconfigMeansNoVersion() throws IOException {
        try (ClusterHub hub = ClusterHub.forKubeconfig(kubeconfigForClosedPort(), "no-such-context", Map.of())) {
            assertThat(ClusterKubeVersion.read(hub, SilentConsole.INSTANCE)).isEmpty();
        }
        try (ClusterHub hub = ClusterHub.discover("", Map.of("HOME", tmp.toString()))) {
            assertThat(ClusterKubeVersion.read(hub, SilentConsole.INSTANCE)).isEmpty();
        }
    }

    private Path kubeconfigForClosedPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path file = tmp.resolve("closed-kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:%d"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {token: t}}]
                """.formatted(port));
        return file;
    }
}
