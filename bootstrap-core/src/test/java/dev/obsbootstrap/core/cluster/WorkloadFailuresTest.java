package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.Fixtures;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken workloads, the way the kubelet simulator breaks them: the wait times out naming what is wrong, and
 * Diagnostics says why (crash loop with log lines, image pull with the image, unschedulable with the scheduler's
 * message) along with the Warning events.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkloadFailuresTest {
    private static final Duration SHORT = Duration.ofSeconds(2);
    /** A phase limit no test here should reach: broken pods must end the wait long before. */
    private static final Duration LONG = Duration.ofSeconds(60);
    /** The default rules with grace periods a test can wait for. */
    private static final FailFast QUICK = new FailFast(
            Duration.ofMillis(200),
            4,
            Duration.ofMillis(600),
            Duration.ofMillis(600),
            Duration.ofMillis(600),
            Duration.ofMillis(600));

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path chart;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .namespaces("crash", "pull", "pend", "slow")
                .start();
        cluster.kubelet()
                .behave(
                        "crashy-web",
                        WorkloadBehaviour.crashLoop(
                                "level=info msg=starting",
                                "level=error msg=\"login failed\" password=hunter2",
                                "panic: cannot reach the database"))
                .behave("pully-db", WorkloadBehaviour.imagePull())
                .behave("pendy-agent", WorkloadBehaviour.pending())
                .behave("slowy-*", WorkloadBehaviour.slow(Duration.ofSeconds(3)));
        chart = Fixtures.chart("workloads", tmp);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void aCrashLoopEndsTheWaitAtOnceWithTheLastLogLinesAndAdvice() throws Exception {
        List<ResourceRef> workloads = install("crashy", "crash");
        awaitWarningEvent("crash");
        long started = System.nanoTime();

        // the simulated pod already has 5 restarts: at least FailFast's 4, so no grace period applies
        assertThatThrownBy(() -> new Waiter(cluster.client()).waitAllReady(workloads, LONG, Waiter.Progress.none()))
                .isInstanceOf(WorkloadFailedException.class)
                .satisfies(e ->
                        assertThat(((WorkloadFailedException) e).failureCause()).isEqualTo(PodHealth.Cause.CRASH_LOOP))
                .satisfies(e -> assertThat(((ClusterException) e).exitCode()).isEqualTo(ExitCode.CLUSTER_FAILURE))
                .hasMessageContaining("Deployment crash/crashy-web: pod crashy-web-")
                .hasMessageContaining("container web CrashLoopBackOff")
                .hasMessageContaining("| panic: cannot reach the database")
                .hasMessageContaining("more time will not help")
                .hasMessageNotContaining("hunter2");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("well before the 60s limit")
                .isLessThan(Duration.ofSeconds(15));

        Diagnostics.Report report = new Diagnostics(cluster.client()).diagnose(workloads);
        assertThat(report.pods()).singleElement().satisfies(problem -> {
            assertThat(problem.workload()).isEqualTo(ResourceRef.deployment("crash", "crashy-web"));
            assertThat(problem.pod()).startsWith("crashy-web-");
            assertThat(problem.container()).isEqualTo("web");
            assertThat(problem.reason()).isEqualTo("CrashLoopBackOff");
            assertThat(problem.restarts()).isPositive();
            assertThat(problem.logLines())
                    .containsExactly(
                            "level=info msg=starting",
                            "level=error msg=\"login failed\" password=<redacted>",
                            "panic: cannot reach the database");
        });
        assertThat(report.events()).anySatisfy(event -> {
            assertThat(event.reason()).isEqualTo("BackOff");
            assertThat(event.object()).startsWith("Pod/crashy-web-");
        });
        assertThat(report.render())
                .contains("container web CrashLoopBackOff")
                .contains("| panic: cannot reach the database")
                .doesNotContain("hunter2");
    }

    @Test
    void anImagePullFailureEndsTheWaitAfterItsGraceAndNamesTheImage() throws Exception {
        List<ResourceRef> workloads = install("pully", "pull");
        awaitWarningEvent("pull");

        assertThatThrownBy(
                        () -> new Waiter(cluster.client()).waitAllReady(workloads, LONG, Waiter.Progress.none(), QUICK))
                .isInstanceOf(WorkloadFailedException.class)
                .satisfies(e ->
                        assertThat(((WorkloadFailedException) e).failureCause()).isEqualTo(PodHealth.Cause.IMAGE_PULL))
                .hasMessageContaining("StatefulSet pull/pully-db: pod pully-db-0 container db ImagePullBackOff")
                .hasMessageContaining("image registry.example/fixture/app:1.0.0")
                .hasMessageContaining("the image cannot be pulled");

        Diagnostics.Report report = new Diagnostics(cluster.client()).diagnose(workloads);
        assertThat(report.pods()).singleElement().satisfies(problem -> {
            assertThat(problem.pod()).isEqualTo("pully-db-0");
            assertThat(problem.reason()).isEqualTo("ImagePullBackOff");
            assertThat(problem.image()).isEqualTo("registry.example/fixture/app:1.0.0");
            assertThat(problem.logLines()).isEmpty();
        });
        assertThat(report.events()).extracting(Diagnostics.WarningEvent::reason).contains("Failed", "BackOff");
        assertThat(report.render()).contains("ImagePullBackOff, image registry.example/fixture/app:1.0.0");
    }

    @Test
    void anUnschedulablePodEndsTheWaitWithTheSchedulersMessage() throws Exception {
        List<ResourceRef> workloads = install("pendy", "pend");
        awaitWarningEvent("pend");

        assertThatThrownBy(
                        () -> new Waiter(cluster.client()).waitAllReady(workloads, LONG, Waiter.Progress.none(), QUICK))
                .isInstanceOf(WorkloadFailedException.class)
                .satisfies(e -> assertThat(((WorkloadFailedException) e).failureCause())
                        .isEqualTo(PodHealth.Cause.UNSCHEDULABLE))
                .hasMessageContaining("DaemonSet pend/pendy-agent: pod pendy-agent-")
                .hasMessageContaining("Unschedulable: 0/1 nodes are available: insufficient memory")
                .hasMessageContaining("no node can take the pod");

        Diagnostics.Report report = new Diagnostics(cluster.client()).diagnose(workloads);
        assertThat(report.pods()).singleElement().satisfies(problem -> {
            assertThat(problem.phase()).isEqualTo("Pending");
            assertThat(problem.reason()).isEqualTo("Unschedulable");
            assertThat(problem.message()).isEqualTo("0/1 nodes are available: insufficient memory");
        });
        assertThat(report.events()).anySatisfy(event -> {
            assertThat(event.reason()).isEqualTo("FailedScheduling");
            assertThat(event.message()).contains("insufficient memory");
        });
    }

    @Test
    void aSlowWorkloadIsNotReadyAtFirstAndReadyLater() throws Exception {
        List<ResourceRef> workloads = install("slowy", "slow");
        Waiter waiter = new Waiter(cluster.client());
        waiter.until(
                ResourceRef.deployment("slow", "slowy-web"),
                d -> d != null && ((io.fabric8.kubernetes.api.model.apps.Deployment) d).getStatus() != null,
                Duration.ofSeconds(20));

        assertThatThrownBy(() -> waiter.until(
                        ResourceRef.deployment("slow", "slowy-web"), ReadinessChecks::isReady, Duration.ofMillis(200)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining(
                        "timed out after 200ms waiting for Deployment slow/slowy-web: readyReplicas 0 of 1");

        // slow but not broken: even the quickest fail-fast rules keep waiting
        List<String> progress = new ArrayList<>();
        waiter.waitAllReady(workloads, Duration.ofSeconds(30), ProgressLog.into(progress), QUICK);
        assertThat(progress).containsExactly("0/3", "1/3", "2/3", "3/3");
        assertThat(new Diagnostics(cluster.client()).diagnose(workloads).pods()).isEmpty();
    }

    @Test
    void readyWorkloadsHaveNothingToDiagnoseExceptWhatIsMissing() {
        Diagnostics.Report report =
                new Diagnostics(cluster.client()).diagnose(List.of(ResourceRef.deployment("pull", "ghost")));
        assertThat(report.pods()).isEmpty();
        assertThat(report.notes()).containsExactly("Deployment pull/ghost does not exist");
    }

    /** The simulator has acted on the broken workload once it recorded its Warning event. */
    private static void awaitWarningEvent(String namespace) throws Exception {
        cluster.client()
                .v1()
                .events()
                .inNamespace(namespace)
                .informOnCondition(events -> events.stream().anyMatch(e -> "Warning".equals(e.getType())))
                .get(30, TimeUnit.SECONDS);
    }

    private static List<ResourceRef> install(String release, String namespace) throws Exception {
        new Helm(chart)
                .install()
                .withName(release)
                .withNamespace(namespace)
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();
        String manifest = new Helm(chart)
                .template()
                .withName(release)
                .withNamespace(namespace)
                .withKubeVersion("1.31.0")
                .call();
        return Waiter.workloadsInManifest(manifest, namespace);
    }
}
