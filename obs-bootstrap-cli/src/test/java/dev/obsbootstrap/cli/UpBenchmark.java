package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4: a second {@code up} with nothing changed must take under a fifth of the first one's time and upgrade
 * nothing. Both runs go through the CLI with real Helm against the simulated cluster, the fixture charts and
 * passing test probes (real probes take the same time in both runs: they are not what is measured here), three
 * times, each in a fresh namespace. Prints the times, the ratio and the peak heap used.
 *
 * <p>Not part of the default test run (tag {@code benchmark}); run it with bench/up-twice.sh or
 * {@code mvn -B -o verify -pl obs-bootstrap-cli -am -Dgroups=benchmark -DexcludedGroups= -Dtest=UpBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpBenchmark {
    private static final int REPETITIONS = 3;

    @TempDir
    Path tmp;

    @Test
    void aSecondUnchangedUpTakesUnderAFifthOfTheFirst() throws Exception {
        Path charts = StackCharts.copyTo(tmp.resolve("charts"));
        List<Long> firstMillis = new ArrayList<>();
        List<Long> secondMillis = new ArrayList<>();
        HeapSampler heap = HeapSampler.start();
        try (FakeCluster cluster = FakeCluster.builder()
                .contextName("fake-bench")
                .kubernetesVersion("1.31.0")
                .start()) {
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
            for (int rep = 1; rep <= REPETITIONS; rep++) {
                String ns = "bench-" + rep;
                String[] args = {
                    "up",
                    "--profile",
                    "ci",
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "--charts-dir",
                    charts.toString(),
                    "-n",
                    ns,
                    "--yes",
                    "--timeout",
                    "60s"
                };

                CliRun.Result first = CliRun.run(new ControlledProbes(), args);
                assertThat(first.code()).as(first.err()).isZero();
                Map<String, Integer> revisions = deployedRevisions(cluster, ns);
                CliRun.Result second = CliRun.run(new ControlledProbes(), args);
                assertThat(second.code()).as(second.err()).isZero();
                assertThat(deployedRevisions(cluster, ns))
                        .as("no upgrade in the second run")
                        .isEqualTo(revisions);
                assertThat(second.err()).doesNotContain("upgrading release", "installing release");

                firstMillis.add(first.took().toMillis());
                secondMillis.add(second.took().toMillis());
                System.err.printf(
                        "rep %d: first up %5d ms, second up %5d ms, ratio %.3f%n",
                        rep,
                        first.took().toMillis(),
                        second.took().toMillis(),
                        (double) second.took().toMillis() / first.took().toMillis());
            }
        } finally {
            heap.stop();
        }
        long first = median(firstMillis);
        long second = median(secondMillis);
        double ratio = (double) second / first;
        System.err.printf(
                "median of %d: first up %d ms, second up %d ms, ratio %.3f (required < 0.200); peak heap used %d MiB%n",
                REPETITIONS, first, second, ratio, heap.peakBytes() / (1024 * 1024));
        assertThat(ratio).as("second up / first up (medians)").isLessThan(0.2);
    }

    private static Map<String, Integer> deployedRevisions(FakeCluster cluster, String namespace) {
        Map<String, Integer> revisions = new TreeMap<>();
        for (Secret secret : cluster.client()
                .secrets()
                .inNamespace(namespace)
                .withLabel("owner", "helm")
                .list()
                .getItems()) {
            Map<String, String> labels = secret.getMetadata().getLabels();
            revisions.merge(labels.get("name"), Integer.parseInt(labels.get("version")), Math::max);
        }
        return revisions;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Samples Runtime totalMemory - freeMemory every 5 ms on its own thread and keeps the highest. */
    private static final class HeapSampler {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        private HeapSampler() {
            thread = new Thread(
                    () -> {
                        Runtime runtime = Runtime.getRuntime();
                        while (running) {
                            peak.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "heap-sampler");
            thread.setDaemon(true);
        }

        static HeapSampler start() {
            HeapSampler sampler = new HeapSampler();
            sampler.thread.start();
            return sampler;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(1).toMillis());
        }

        long peakBytes() {
            return peak.get();
        }
    }
}
