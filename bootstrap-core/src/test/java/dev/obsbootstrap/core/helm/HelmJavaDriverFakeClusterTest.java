package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's cluster operations with real Helm against the simulated cluster: what a release looks like after each,
 * as Helm records it (helm/helm v3.21.0 pkg/storage/driver/secrets.go: one Secret per revision, status in its labels;
 * pkg/action/rollback.go: a rollback is a new revision with the old one's chart and values).
 */
@Timeout(120)
class HelmJavaDriverFakeClusterTest {
    private static final String NAMESPACE = "observability";

    @TempDir
    Path tmp;

    private FakeCluster cluster;
    private HelmDriver helm;

    @BeforeEach
    void startCluster() {
        cluster = FakeCluster.builder().namespaces(NAMESPACE).start();
        helm = new HelmJavaDriver(
                new KubeAccess.KubeconfigContents(cluster.kubeconfigYaml()),
                new ChartResolver(
                        List.of(FixtureCharts.path("web-operator").getParent()),
                        tmp.resolve("cache"),
                        ChartRepositoryClient.create(),
                        SilentConsole.INSTANCE));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private static ReleaseSpec operator(int replicas) {
        return new ReleaseSpec(
                "web-operator",
                "obs-metrics",
                NAMESPACE,
                new ChartRef("https://charts.example.test", "web-operator", "2.3.0"),
                FixtureCharts.path("web-operator"),
                Map.of(),
                "fullnameOverride: obs-operator\nworkload:\n  replicas: " + replicas + "\n",
                InstallMode.HELM_RELEASE,
                Duration.ofMinutes(1));
    }

    private int deployedReplicas() {
        Deployment deployment = cluster.client()
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("obs-operator")
                .get();
        return deployment.getSpec().getReplicas();
    }

    @Test
    void installsThenUpgradesTheRelease() {
        HelmRelease installed = helm.upgradeInstall(operator(1), "1.31.0", "obs-bootstrap run test");
        HelmRelease upgraded = helm.upgradeInstall(operator(2), "1.31.0", "obs-bootstrap run test");

        assertThat(installed.revision()).isEqualTo(1);
        assertThat(installed.status()).isEqualTo(HelmStatus.DEPLOYED);
        assertThat(installed.chart()).isEqualTo("web-operator-2.3.0");
        assertThat(installed.appVersion()).isEqualTo("0.93.1");
        assertThat(upgraded.revision()).isEqualTo(2);
        assertThat(deployedReplicas()).isEqualTo(2);
        assertThat(helm.history("obs-metrics", NAMESPACE))
                .extracting(HelmRelease::revision, HelmRelease::status, HelmRelease::description)
                .containsExactly(
                        tuple(1, HelmStatus.SUPERSEDED, "obs-bootstrap run test"),
                        tuple(2, HelmStatus.DEPLOYED, "obs-bootstrap run test"));
        assertThat(helm.history("obs-nothing", NAMESPACE)).isEmpty();
    }

    @Test
    void statusAndListReportTheRelease() {
        helm.upgradeInstall(operator(1), "1.31.0", "obs-bootstrap run test");

        assertThat(helm.status("obs-metrics", NAMESPACE)).hasValueSatisfying(release -> {
            assertThat(release.revision()).isEqualTo(1);
            assertThat(release.deployed()).isTrue();
            assertThat(release.namespace()).isEqualTo(NAMESPACE);
        });
        assertThat(helm.status("obs-nothing", NAMESPACE)).isEmpty();
        assertThat(helm.list(NAMESPACE))
                .extracting(HelmRelease::name, HelmRelease::revision)
                .containsExactly(tuple("obs-metrics", 1));
        assertThat(helm.list("default")).isEmpty();
    }

    @Test
    void rollbackDeploysAnEarlierRevisionsValuesAsANewRevision() {
        helm.upgradeInstall(operator(1), "1.31.0", "obs-bootstrap run test");
        helm.upgradeInstall(operator(3), "1.31.0", "obs-bootstrap run test");

        HelmRelease rolledBack = helm.rollback("obs-metrics", NAMESPACE, 1, "test");

        assertThat(rolledBack.revision()).isEqualTo(3);
        assertThat(deployedReplicas()).isEqualTo(1);
        assertThatThrownBy(() -> helm.rollback("obs-metrics", NAMESPACE, 9, "test"))
                .hasMessageContaining("has no revision 9 (it has [1, 2, 3])");
    }

    @Test
    void uninstallRemovesTheReleaseAndIsHarmlessTwice() {
        helm.upgradeInstall(operator(1), "1.31.0", "obs-bootstrap run test");

        helm.uninstall("obs-metrics", NAMESPACE);
        helm.uninstall("obs-metrics", NAMESPACE);

        assertThat(helm.status("obs-metrics", NAMESPACE)).isEmpty();
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withName("obs-operator")
                        .get())
                .isNull();
    }

    @Test
    void aKubeconfigFileWorksLikeItsContents() {
        HelmDriver fromFile = new HelmJavaDriver(
                new KubeAccess.KubeconfigFile(cluster.writeKubeconfig(tmp.resolve("kubeconfig"))),
                new ChartResolver(
                        List.of(), tmp.resolve("cache"), ChartRepositoryClient.create(), SilentConsole.INSTANCE));

        fromFile.upgradeInstall(operator(1), "1.31.0", "obs-bootstrap run test");

        assertThat(helm.list(NAMESPACE)).extracting(HelmRelease::name).containsExactly("obs-metrics");
    }
}
