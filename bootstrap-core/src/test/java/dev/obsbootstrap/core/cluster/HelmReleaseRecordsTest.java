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

    private static void leavePending(String namespace, String release, int revision, String status) {
        HelmRecords.setStatus(cluster.client(), namespace, release, revision, status, "Initial install underway");
    }
}
