package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cluster paths up to the API server: what is refused, and how failures are sorted. The fake cluster tests the rest. */
@Timeout(120)
class HelmJavaDriverClusterTest {

    @Test
    void aTemplateOnlyDriverRefusesEveryClusterOperation() {
        HelmDriver helm = HelmJavaDriver.templateOnly();
        ReleaseSpec spec =
                HelmJavaDriverTemplateTest.spec("node-agent", FixtureCharts.path("node-agent"), "obs-alloy", "");

        assertThatThrownBy(() -> helm.upgradeInstall(spec, "1.31.0", "test"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("obs-alloy");
        assertThatThrownBy(() -> helm.list("observability")).isInstanceOf(ClusterException.class);
        assertThatThrownBy(() -> helm.status("obs-alloy", "observability")).isInstanceOf(ClusterException.class);
        assertThatThrownBy(() -> helm.uninstall("obs-alloy", "observability")).isInstanceOf(ClusterException.class);
        assertThatThrownBy(() -> helm.rollback("obs-alloy", "observability", 1, "test"))
                .isInstanceOf(ClusterException.class);
    }

    @Test
    void anUnreachableApiServerIsAClusterFailureNamingTheRelease(@TempDir Path tmp) throws IOException {
        HelmDriver helm =
                new HelmJavaDriver(new KubeAccess.KubeconfigFile(kubeconfigForClosedPort(tmp)), resolver(tmp));
        ReleaseSpec spec =
                HelmJavaDriverTemplateTest.spec("node-agent", FixtureCharts.path("node-agent"), "obs-alloy", "");

        assertThatThrownBy(() -> helm.upgradeInstall(spec, "1.31.0", "test"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining(
                        "helm upgrade --install of release obs-alloy (node-agent@1.0.0) in namespace observability failed")
                .hasMessageContaining("connection refused");
        assertThatThrownBy(() -> helm.list("observability"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("connection refused");
    }

    @Test
    void kubeconfigContentsWorkLikeAFile(@TempDir Path tmp) throws IOException {
        String contents = Files.readString(kubeconfigForClosedPort(tmp));
        HelmDriver helm = new HelmJavaDriver(new KubeAccess.KubeconfigContents(contents), resolver(tmp));

        assertThatThrownBy(() -> helm.status("obs-alloy", "observability"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("helm status of release obs-alloy in namespace observability failed")
                .hasMessageContaining("connection refused");
    }

    @Test
    void valuesTheChartRejectsAreBadInputFoundWithoutTheCluster(@TempDir Path tmp) throws IOException {
        // the engine templates every release it will change before its first write (ClusterPhaseActions.check)
        HelmDriver helm =
                new HelmJavaDriver(new KubeAccess.KubeconfigFile(kubeconfigForClosedPort(tmp)), resolver(tmp));
        ReleaseSpec spec = HelmJavaDriverTemplateTest.spec(
                "log-store", FixtureCharts.path("log-store"), "obs-loki", "workload: {replicas: 0}\n");

        assertThatThrownBy(() -> helm.template(spec, "1.31.0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("values don't meet the specifications of the schema");
    }

    @Test
    void crdSpecsAreNotInstalledWithHelm(@TempDir Path tmp) throws IOException {
        HelmDriver helm =
                new HelmJavaDriver(new KubeAccess.KubeconfigFile(kubeconfigForClosedPort(tmp)), resolver(tmp));
        ReleaseSpec crds = new ReleaseSpec(
                "crd-bundle",
                "obs-crds",
                "observability",
                new ChartRef("https://charts.example.test", "crd-bundle", "1.0.0"),
                FixtureCharts.path("crd-bundle"),
                Map.of(),
                "",
                InstallMode.APPLY_CRDS,
                Duration.ofMinutes(2));

        assertThatThrownBy(() -> helm.upgradeInstall(crds, "1.31.0", "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server-side");
    }

    @Test
    void sortsHelmMessagesIntoBadInputAndClusterFailures() {
        List<String> input = List.of(
                "values don't meet the specifications of the schema(s) in the following chart(s):\nloki:\n- at '': additional properties 'x' not allowed",
                "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.20.0",
                "template: loki/templates/validate.yaml:19:4: executing \"loki/templates/validate.yaml\" at <fail \"...\">: error calling fail: x",
                "execution error at (alloy/templates/x.yaml:3:4): value required",
                "YAML parse error on tempo/templates/configmap.yaml: error converting YAML to JSON: yaml: line 5");
        List<String> cluster = List.of(
                "Kubernetes cluster unreachable: Get \"https://10.0.0.1:6443/version\": dial tcp 10.0.0.1:6443: i/o timeout",
                "another operation (install/upgrade/rollback) is in progress",
                "unable to build kubernetes objects from release manifest: resource mapping not found for name: \"x\" namespace: \"\" from \"\": no matches for kind \"ServiceMonitor\"",
                "secrets is forbidden: User \"dev\" cannot list resource \"secrets\" in API group \"\" in the namespace \"observability\"");

        for (String message : input) {
            assertThat(HelmJavaDriver.translate("x", new IllegalStateException(message)))
                    .as(message)
                    .isInstanceOf(ConfigException.class);
        }
        for (String message : cluster) {
            assertThat(HelmJavaDriver.translate("x", new IllegalStateException(message)))
                    .as(message)
                    .isInstanceOf(ClusterException.class);
        }
        assertThat(HelmJavaDriver.translate(
                        "helm upgrade --install of release r",
                        new IllegalStateException("boom\n\nUse --debug flag to render out invalid YAML")))
                .hasMessage("helm upgrade --install of release r failed: boom");
    }

    @Test
    void readsHelmsNameVersionSpellingOfACharts() {
        assertThat(HelmJavaDriver.parseChart("prometheus-operator-crds-31.0.1", "x"))
                .isEqualTo(new ChartRef("", "prometheus-operator-crds", "31.0.1"));
        assertThat(HelmJavaDriver.parseChart("loki-18.11.0-rc.1", "x"))
                .isEqualTo(new ChartRef("", "loki", "18.11.0-rc.1"));
        assertThatThrownBy(() -> HelmJavaDriver.parseChart("MISSING", "x")).isInstanceOf(ClusterException.class);
    }

    private static ChartResolver resolver(Path tmp) {
        return new ChartResolver(
                List.of(), tmp.resolve("cache"), ChartRepositoryClient.create(), SilentConsole.INSTANCE);
    }

    /** A kubeconfig for a port nobody listens on: connections are refused at once. */
    static Path kubeconfigForClosedPort(Path dir) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: closed
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: closed
                    context: {cluster: closed, user: nobody}
                  - name: other
                    context: {cluster: closed, user: nobody}
                current-context: closed
                users:
                  - name: nobody
                    user: {token: not-a-real-token}
                """.formatted(port));
        return kubeconfig;
    }
}
