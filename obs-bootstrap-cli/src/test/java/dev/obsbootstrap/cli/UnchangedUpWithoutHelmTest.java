package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: an up with nothing changed decides so from the ledger, Helm's records and the values digest, and waits for
 * the workloads the ledger recorded, without loading Helm or rendering a manifest: the second up runs in a child JVM
 * whose class-loading log must name no helm-java class. What must still upgrade (changed values, a release revised
 * outside obs-bootstrap) is held by UpStatusDownOnFakeClusterTest, which goes through the same decision.
 */
class UnchangedUpWithoutHelmTest {
    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .contextName("fake-unchanged")
                .kubernetesVersion("1.31.0")
                .start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anUnchangedUpLoadsNoHelmAndUpgradesNothing() throws Exception {
        String ns = "unchanged";
        CliRun.Result first = CliRun.run(new ControlledProbes(), up(ns));
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, Integer> revisions = revisions(ns);

        Path classes = tmp.resolve("second-up-classes.log");
        try (ChildCli second = ChildCli.start(
                tmp.resolve("child"),
                "second-up",
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes),
                withSkipVerify(up(ns)))) {
            assertThat(second.exitCode(Duration.ofSeconds(120)))
                    .as(second.err())
                    .isZero();
            for (String phase : new String[] {"crds", "metrics", "logs", "traces", "alerting"}) {
                assertThat(second.err()).contains("[" + phase + "] unchanged since run");
            }
            assertThat(second.err()).doesNotContain("upgrading release", "installing release", "rendering");
            assertThat(second.err())
                    .as("the workloads recorded in the ledger are awaited")
                    .contains("obs-metrics: 5/5 workloads ready", "obs-loki: 2/2 workloads ready");
        }
        String loaded = Files.readString(classes);
        assertThat(loaded).as("the class-loading log was written").contains("dev.obsbootstrap.cli.Main");
        assertThat(loaded).as("no Helm in an unchanged up").doesNotContain("com.marcnuri.helm");
        assertThat(revisions(ns)).isEqualTo(revisions);
    }

    private static String[] up(String ns) {
        return CliRun.upArgs(kubeconfig, charts, ns, "--yes");
    }

    /** Release -> revision of every Helm record in the namespace (a new revision of any status would show). */
    private static Map<String, Integer> revisions(String ns) {
        Map<String, Integer> revisions = new java.util.TreeMap<>();
        for (io.fabric8.kubernetes.api.model.Secret secret : cluster.client()
                .secrets()
                .inNamespace(ns)
                .withLabel("owner", "helm")
                .list()
                .getItems()) {
            Map<String, String> labels = secret.getMetadata().getLabels();
            revisions.merge(labels.get("name"), Integer.parseInt(labels.get("version")), Math::max);
        }
        return revisions;
    }

    private static String[] withSkipVerify(String[] args) {
        String[] with = java.util.Arrays.copyOf(args, args.length + 1);
        with[args.length] = "--skip-verify";
        return with;
    }
}
