package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.Fixtures;
import dev.obsbootstrap.core.testing.HelmRecords;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helm's own storage format, written by real Helm on the simulated cluster and read back by real Helm after the edit. */
class HelmReleaseRecordsTest {
    @TempDir
    static Path tmp;

    private static FakeCluster cluster;
    private static Path chart;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder().namespaces("records").start();
        chart = Fixtures.chart("workloads", tmp);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aPendingRevisionMarkedFailedNoLongerBlocksHelm() {
        new Helm(chart)
                .install()
                .withName("demo")
                .withNamespace("records")
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();
        leavePending("records", "demo", 1, "pending-install");
        assertThatThrownBy(() -> new Helm(chart)
                        .upgrade()
                        .withName("demo")
                        .withNamespace("records")
                        .withKubeConfigContents(cluster.kubeconfigYaml())
                        .call())
                .hasMessageContaining("another operation (install/upgrade/rollback) is in progress");

        boolean marked = new HelmReleaseRecords(cluster.client())
                .markFailed("records", "demo", 1, "obs-bootstrap run r2: its run died");

        assertThat(marked).isTrue();
        Secret record = cluster.client()
                .secrets()
                .inNamespace("records")
                .withName("sh.helm.release.v1.demo.v1")
                .get();
        assertThat(record.getMetadata().getLabels())
                .containsEntry("status", "failed")
                .containsKey("modifiedAt");
        assertThat(Helm.history("demo")
                        .withNamespace("records")
                        .withKubeConfigContents(cluster.kubeconfigYaml())
                        .call())
                .singleElement()
                .satisfies(h -> {
                    assertThat(h.getStatus()).isEqualTo("failed");
                    assertThat(h.getDescription()).isEqualTo("obs-bootstrap run r2: its run died");
                });
        new Helm(chart)
                .upgrade()
                .withName("demo")
                .withNamespace("records")
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();
        assertThat(new HelmReleaseRecords(cluster.client()).markFailed("records", "demo", 2, "x"))
                .as("not pending: left alone")
                .isFalse();
    }

    /**
     * The unchanged-up decision reads the deployed revision from Helm's records instead of loading Helm: at every step
     * of a release's life it must say what {@code helm status} says.
     */
    @Test
    void theDeployedRevisionIsWhatHelmStatusSaysAtEveryStep() {
        HelmReleaseRecords records = new HelmReleaseRecords(cluster.client());
        assertThat(records.deployedRevision("records", "life"))
                .as("never installed")
                .isEmpty();
        assertSameAsHelm(records, "never installed");

        new Helm(chart)
                .install()
                .withName("life")
                .withNamespace("records")
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();
        assertThat(records.deployedRevision("records", "life")).as("installed").contains(1);
        assertSameAsHelm(records, "installed");

        for (int i = 0; i < 10; i++) {
            new Helm(chart)
                    .upgrade()
                    .withName("life")
                    .withNamespace("records")
                    .withKubeConfigContents(cluster.kubeconfigYaml())
                    .call();
        }
        assertThat(records.deployedRevision("records", "life"))
                .as("revision 11 sorts after 9 as a number, not as text")
                .contains(11);
        assertSameAsHelm(records, "upgraded ten times");

        leavePending("records", "life", 11, "pending-upgrade");
        assertThat(records.deployedRevision("records", "life"))
                .as("latest pending")
                .isEmpty();
        assertSameAsHelm(records, "latest pending");

        leavePending("records", "life", 11, "failed");
        assertThat(records.deployedRevision("records", "life"))
                .as("latest failed")
                .isEmpty();
        assertSameAsHelm(records, "latest failed");

        leavePending("records", "life", 11, "deployed");
        Helm.uninstall("life")
                .withNamespace("records")
                .keepHistory()
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();
        assertThat(records.deployedRevision("records", "life"))
                .as("uninstalled, history kept")
                .isEmpty();
        assertSameAsHelm(records, "uninstalled, history kept");
    }

    private static void assertSameAsHelm(HelmReleaseRecords records, String when) {
        java.util.Optional<Integer> helm;
        try {
            com.marcnuri.helm.Release status = Helm.status("life")
                    .withNamespace("records")
                    .withKubeConfigContents(cluster.kubeconfigYaml())
                    .call();
            helm = "deployed".equals(status.getStatus())
                    ? java.util.Optional.of(Integer.parseInt(status.getRevision()))
                    : java.util.Optional.empty();
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("not found");
            helm = java.util.Optional.empty();
        }
        assertThat(records.deployedRevision("records", "life")).as(when).isEqualTo(helm);
    }

    private static void leavePending(String namespace, String release, int revision, String status) {
        HelmRecords.setStatus(cluster.client(), namespace, release, revision, status, "Initial install underway");
    }
}
