package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterHubTest {
    @TempDir
    Path tmp;

    @Test
    void talksToTheClusterOfTheKubeconfigAndReportsItsVersion() {
        try (FakeCluster cluster = FakeCluster.builder()
                        .contextName("fake-ci")
                        .kubernetesVersion("1.29.4")
                        .start();
                ClusterHub hub =
                        ClusterHub.forKubeconfig(cluster.writeKubeconfig(tmp.resolve("kubeconfig")), "", Map.of())) {
            ClusterTarget target = hub.target();

            assertThat(target).isEqualTo(new ClusterTarget("fake-ci", cluster.serverUrl(), "v1.29.4"));
            assertThat(target.describe())
                    .isEqualTo("context fake-ci (" + cluster.serverUrl() + ", Kubernetes v1.29.4)");
            assertThat(hub.client().namespaces().withName("kube-system").get()).isNotNull();
            assertThat(hub.client()).isSameAs(hub.client());
            assertThat(hub.probeClient().namespaces().withName("default").get()).isNotNull();
        }
    }

    @Test
    void anUnreachableServerFailsFastNamingTheServer() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String server = "http://127.0.0.1:" + closedPort;
        Path kubeconfig = write("kubeconfig", kubeconfig(server, "offline", "offline"));

        try (ClusterHub hub = ClusterHub.forKubeconfig(kubeconfig, "", Map.of())) {
            assertThat(hub.serverUrl()).isEqualTo(server);
            assertThatThrownBy(hub::target)
                    .isInstanceOf(ClusterException.class)
                    .satisfies(
                            e -> assertThat(((ClusterException) e).exitCode()).isEqualTo(ExitCode.CLUSTER_FAILURE))
                    .hasMessageContaining("cannot reach the Kubernetes API server at " + server)
                    .hasMessageContaining("context 'offline'")
                    .hasMessageContaining("Check that the cluster is running");
            assertThatThrownBy(hub::client).isInstanceOf(ClusterException.class).hasMessageContaining(server);
        }
    }

    @Test
    void aMissingKubeconfigFileIsBadInput() {
        Path missing = tmp.resolve("nope.yaml");
        assertThatThrownBy(() -> ClusterHub.forKubeconfig(missing, "", Map.of()).contextName())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void anUnknownContextNamesTheContextAndTheKnownOnes() throws IOException {
        Path kubeconfig = write("kubeconfig", kubeconfig("https://127.0.0.1:6443", "kind-dev", "kind-dev"));
        assertThatThrownBy(() ->
                        ClusterHub.forKubeconfig(kubeconfig, "prod", Map.of()).target())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("context 'prod' is not defined in kubeconfig " + kubeconfig)
                .hasMessageContaining("contexts: kind-dev");
    }

    @Test
    void aBrokenKubeconfigNamesTheFile() throws IOException {
        Path kubeconfig = write("broken", "clusters: [ {name: x\n");
        assertThatThrownBy(
                        () -> ClusterHub.forKubeconfig(kubeconfig, "", Map.of()).contextName())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kubeconfig " + kubeconfig + " is not a valid kubeconfig");
    }

    @Test
    void noCurrentContextAsksForOne() throws IOException {
        Path kubeconfig = write(
                "kubeconfig", kubeconfig("https://127.0.0.1:6443", "a", "").replace("current-context: \n", ""));
        assertThatThrownBy(
                        () -> ClusterHub.forKubeconfig(kubeconfig, "", Map.of()).contextName())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no current-context: pass --context NAME (contexts: a)");
    }

    @Test
    void theEffectiveKubeconfigHoldsOnlyTheChosenContextWithAbsolutePaths() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("kube"));
        Path kubeconfig = write("kube/config", """
                apiVersion: v1
                kind: Config
                current-context: dev
                clusters:
                - name: dev
                  cluster: {server: "https://dev.example:6443"}
                - name: staging
                  cluster: {server: "https://staging.example:6443", certificate-authority: certs/ca.crt}
                users:
                - name: dev
                  user: {token: dev-token}
                - name: staging
                  user: {client-certificate: certs/client.crt, client-key: /abs/client.key}
                contexts:
                - name: dev
                  context: {cluster: dev, user: dev}
                - name: staging
                  context: {cluster: staging, user: staging, namespace: obs}
                """);

        try (ClusterHub hub = ClusterHub.forKubeconfig(kubeconfig, "staging", Map.of())) {
            assertThat(hub.contextName()).isEqualTo("staging");
            assertThat(hub.serverUrl()).isEqualTo("https://staging.example:6443");
            var effective =
                    Serialization.unmarshal(hub.kubeconfigContents(), io.fabric8.kubernetes.api.model.Config.class);
            assertThat(effective.getCurrentContext()).isEqualTo("staging");
            assertThat(effective.getContexts())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getName()).isEqualTo("staging"));
            assertThat(effective.getClusters())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getCluster().getCertificateAuthority())
                            .isEqualTo(dir.resolve("certs/ca.crt").toString()));
            assertThat(effective.getUsers()).singleElement().satisfies(u -> {
                assertThat(u.getUser().getClientCertificate())
                        .isEqualTo(dir.resolve("certs/client.crt").toString());
                assertThat(u.getUser().getClientKey()).isEqualTo("/abs/client.key");
            });
            assertThat(hub.kubeconfigContents()).doesNotContain("dev-token");
        }
    }

    @Test
    void findsTheKubeconfigThroughKubeconfigVariableThenHome() throws IOException {
        Path fromVariable = write("from-variable", kubeconfig("https://variable.example:6443", "var", "var"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        write("home/.kube/config", kubeconfig("https://home.example:6443", "home", "home"));

        assertThat(ClusterHub.discover(
                                "",
                                Map.of(
                                        "KUBECONFIG",
                                        tmp.resolve("absent") + java.io.File.pathSeparator + fromVariable,
                                        "HOME",
                                        home.toString()))
                        .contextName())
                .isEqualTo("var");
        assertThat(ClusterHub.discover("", Map.of("HOME", home.toString())).contextName())
                .isEqualTo("home");
        assertThatThrownBy(() -> ClusterHub.discover(
                                "", Map.of("KUBECONFIG", tmp.resolve("absent").toString()))
                        .contextName())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KUBECONFIG is set to " + tmp.resolve("absent"));
    }

    @Test
    void withoutAnyKubeconfigOrServiceAccountItSaysWhatToProvide() {
        ClusterHub hub = new ClusterHub(null, "", Map.of("HOME", tmp.toString()), tmp.resolve("no-service-account"));
        assertThatThrownBy(hub::contextName)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG or create ~/.kube/config");
    }

    @Test
    void insideAPodItBuildsAKubeconfigFromTheServiceAccount() throws IOException {
        Path serviceAccount = Files.createDirectories(tmp.resolve("sa"));
        Files.writeString(serviceAccount.resolve("token"), "secret-sa-token");
        Files.writeString(serviceAccount.resolve("ca.crt"), "not really a certificate");
        Files.writeString(serviceAccount.resolve("namespace"), "observability\n");
        Map<String, String> env = Map.of(
                "HOME", tmp.toString(), "KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443");

        try (ClusterHub hub = new ClusterHub(null, "", env, serviceAccount)) {
            assertThat(hub.contextName()).isEqualTo(ClusterHub.IN_CLUSTER_CONTEXT);
            assertThat(hub.serverUrl()).isEqualTo("https://10.96.0.1:443");
            var effective =
                    Serialization.unmarshal(hub.kubeconfigContents(), io.fabric8.kubernetes.api.model.Config.class);
            assertThat(effective.getUsers().get(0).getUser().getTokenFile())
                    .isEqualTo(serviceAccount.resolve("token").toString());
            assertThat(effective.getContexts().get(0).getContext().getNamespace())
                    .isEqualTo("observability");
            assertThat(hub.kubeconfigContents()).doesNotContain("secret-sa-token");
        }
        assertThatThrownBy(() -> new ClusterHub(null, "prod", env, serviceAccount).contextName())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("context 'prod'");
    }

    @Test
    void closesOnceAndOnlyWhatItBuilt() throws IOException {
        Path kubeconfig = write("kubeconfig", kubeconfig("https://127.0.0.1:6443", "a", "a"));
        ClusterHub unused = ClusterHub.forKubeconfig(kubeconfig, "", Map.of());
        unused.close();
        unused.close();
        assertThatThrownBy(unused::client).isInstanceOf(IllegalStateException.class);
    }

    private Path write(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static String kubeconfig(String server, String name, String currentContext) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %2$s
                  cluster:
                    server: %1$s
                users:
                - name: %2$s
                  user:
                    token: t
                contexts:
                - name: %2$s
                  context:
                    cluster: %2$s
                    user: %2$s
                current-context: %3$s
                """.formatted(server, name, currentContext);
    }
}
