package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.Fixtures;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Helm (helm-java) against the simulated cluster: the fixture chart installs, the Waiter sees its workloads turn
 * ready through the kubelet simulator, it upgrades (strategic merge), lists, shows status and values, rolls back and
 * uninstalls. The timeout runs in a separate thread: a Helm call stuck in native code ignores interrupts.
 *
 * <p>What the assertions hold the simulated cluster to is Helm's own behaviour against a real API server: a release is
 * a Secret {@code sh.helm.release.v1.NAME.vN} of type {@code helm.sh/release.v1} labelled name/owner/status/version
 * (helm/helm v3.21.0 pkg/storage/driver/secrets.go), upgrades patch the live objects with a three-way strategic merge
 * (pkg/kube/client.go, {@code createPatch}), and uninstall deletes the objects and then the records
 * (pkg/action/uninstall.go).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HelmOnFakeClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path chart;
    static Path monitoredChart;

    @BeforeAll
    static void startCluster() {
        cluster =
                FakeCluster.builder().namespaces("obs", "mon", "hooks", "waits").start();
        chart = Fixtures.chart("workloads", tmp);
        monitoredChart = Fixtures.chart("monitored", tmp);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void installWaitUpgradeListUninstall() throws Exception {
        String kubeconfig = cluster.kubeconfigYaml();
        Waiter waiter = new Waiter(cluster.client());

        Release installed = timed(
                "helm install",
                () -> call(new Helm(chart)
                        .install()
                        .withName("demo")
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)));
        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(installed.getRevision()).isEqualTo("1");

        String manifest = new Helm(chart)
                .template()
                .withName("demo")
                .withNamespace("obs")
                .withKubeVersion("1.31.0")
                .call();
        List<ResourceRef> workloads = Waiter.workloadsInManifest(manifest, "obs");
        assertThat(workloads)
                .containsExactlyInAnyOrder(
                        ResourceRef.deployment("obs", "demo-web"),
                        ResourceRef.statefulSet("obs", "demo-db"),
                        ResourceRef.daemonSet("obs", "demo-agent"));
        List<String> progress = new ArrayList<>();
        waiter.waitAllReady(workloads, WAIT, ProgressLog.into(progress));
        // as on a real cluster, the install returns once Helm created the objects (no --wait: helm/helm v3.21.0
        // pkg/action/install.go) and readiness is written by the controllers on their own time (kubernetes/kubernetes
        // v1.31.0 pkg/controller/deployment/sync.go, calculateStatus); the simulated kubelet does it at once, so the
        // wait may begin at any count
        assertThat(progress).isNotEmpty().endsWith("3/3");
        assertThat(progress.stream().map(count -> Integer.parseInt(count.substring(0, count.indexOf('/')))))
                .as("the count of ready workloads only grows")
                .isSorted();
        assertThat(cluster.client()
                        .services()
                        .inNamespace("obs")
                        .withName("demo-web")
                        .get()
                        .getSpec()
                        .getClusterIP())
                .isNotBlank();

        Release upgraded = timed(
                "helm upgrade",
                () -> call(new Helm(chart)
                        .upgrade()
                        .withName("demo")
                        .withNamespace("obs")
                        .set("image.tag", "2.0.0")
                        .set("message", "changed")
                        .withKubeConfigContents(kubeconfig)));
        assertThat(upgraded.getRevision()).isEqualTo("2");
        Deployment web = cluster.client()
                .apps()
                .deployments()
                .inNamespace("obs")
                .withName("demo-web")
                .get();
        assertThat(web.getSpec().getTemplate().getSpec().getContainers())
                .as("a strategic merge keeps one container per name")
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getImage()).isEqualTo("registry.example/fixture/app:2.0.0");
                    assertThat(c.getPorts()).hasSize(1);
                });
        assertThat(web.getMetadata().getGeneration()).isEqualTo(2L);
        waiter.waitAllReady(workloads, WAIT, Waiter.Progress.none());
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace("obs")
                        .withName("demo-web")
                        .get()
                        .getStatus()
                        .getObservedGeneration())
                .isEqualTo(2L);

        List<Release> releases =
                timed("helm list", () -> call(Helm.list().withNamespace("obs").withKubeConfigContents(kubeconfig)));
        assertThat(releases).singleElement().satisfies(r -> {
            assertThat(r.getName()).isEqualTo("demo");
            assertThat(r.getRevision()).isEqualTo("2");
            assertThat(r.getStatus()).isEqualTo("deployed");
        });
        assertThat(Helm.status("demo")
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)
                        .call()
                        .getStatus())
                .isEqualTo("deployed");
        assertThat(Helm.get("demo")
                        .values()
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)
                        .call())
                .contains("tag: 2.0.0")
                .contains("message: changed");
        assertThat(Helm.history("demo")
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)
                        .call())
                .hasSize(2);
        assertThat(Helm.status("demo")
                        .withRevision(1)
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)
                        .call()
                        .getStatus())
                .isEqualTo("superseded");

        Release rolledBack = timed(
                "helm rollback (upgrade back to revision 1's values)",
                () -> call(new Helm(chart)
                        .upgrade()
                        .withName("demo")
                        .withNamespace("obs")
                        .resetValues()
                        .withKubeConfigContents(kubeconfig)));
        assertThat(rolledBack.getRevision()).isEqualTo("3");
        assertThat(Helm.get("demo")
                        .values()
                        .withRevision(1)
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)
                        .call())
                .doesNotContain("2.0.0");
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace("obs")
                        .withName("demo-web")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("registry.example/fixture/app:1.0.0");
        waiter.waitAllReady(workloads, WAIT, Waiter.Progress.none());

        timed(
                "helm uninstall",
                () -> call(Helm.uninstall("demo").withNamespace("obs").withKubeConfigContents(kubeconfig)));
        assertThat(Helm.list()
                        .withNamespace("obs")
                        .withKubeConfigContents(kubeconfig)
                        .call())
                .isEmpty();
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace("obs")
                        .withName("demo-web")
                        .get())
                .isNull();
        waiter.until(ResourceRef.statefulSet("obs", "demo-db"), Objects::isNull, WAIT);
        // a deletion is awaited by polling: the mock's watches ignore resourceVersion and can miss it
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> cluster.client()
                        .pods()
                        .inNamespace("obs")
                        .withLabel("app.kubernetes.io/instance", "demo")
                        .list()
                        .getItems()
                        .isEmpty());
        assertThat(cluster.kubelet().errors()).isEmpty();
    }

    @Test
    void helmsOwnWaitPassesOnTheSimulatedStatus() throws Exception {
        Release installed = timed(
                "helm install --wait",
                () -> call(new Helm(chart)
                        .install()
                        .withName("waited")
                        .withNamespace("waits")
                        .waitReady()
                        .withTimeout(60)
                        .withKubeConfigContents(cluster.kubeconfigYaml())));
        assertThat(installed.getStatus()).isEqualTo("deployed");
        call(Helm.uninstall("waited").withNamespace("waits").withKubeConfigContents(cluster.kubeconfigYaml()));
    }

    @Test
    void aChartWithCustomResourcesInstallsOnlyOnceTheirCrdsAreEstablished() throws Exception {
        String kubeconfig = cluster.kubeconfigYaml();
        assertThatThrownBy(() -> new Helm(monitoredChart)
                        .install()
                        .withName("early")
                        .withNamespace("mon")
                        .withKubeConfigContents(kubeconfig)
                        .call())
                .hasMessageContaining("no matches for kind")
                .hasMessageContaining("monitoring.coreos.com/v1");

        List<String> applied = new CrdApplier(cluster.client(), new Waiter(cluster.client()))
                .apply(Fixtures.text("crds/monitoring-crds.yaml"), WAIT);
        assertThat(applied).contains("servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com");

        Release installed = call(new Helm(monitoredChart)
                .install()
                .withName("late")
                .withNamespace("mon")
                .withKubeConfigContents(kubeconfig));
        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(cluster.client()
                        .genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
                        .inNamespace("mon")
                        .withName("late-exporter")
                        .get())
                .isNotNull();
        new Waiter(cluster.client())
                .waitAllReady(List.of(ResourceRef.deployment("mon", "late-exporter")), WAIT, Waiter.Progress.none());
    }

    @Test
    void aHookJobIsWatchedUntilTheKubeletCompletesIt() throws Exception {
        Path hooked = Files.createDirectories(tmp.resolve("hooked/templates")).getParent();
        Files.writeString(hooked.resolve("Chart.yaml"), "apiVersion: v2\nname: hooked\nversion: 0.1.0\n");
        Files.writeString(hooked.resolve("templates/job.yaml"), """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: {{ .Release.Name }}-migrate
                  annotations:
                    helm.sh/hook: post-install,post-upgrade
                    helm.sh/hook-delete-policy: before-hook-creation
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: migrate
                          image: registry.example/fixture/migrate:1
                """);

        Release installed = timed(
                "helm install with a post-install hook Job",
                () -> call(new Helm(hooked)
                        .install()
                        .withName("hooked")
                        .withNamespace("hooks")
                        .withTimeout(60)
                        .withKubeConfigContents(cluster.kubeconfigYaml())));

        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(ReadinessChecks.isJobComplete(cluster.client()
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace("hooks")
                        .withName("hooked-migrate")
                        .get()))
                .isTrue();
    }

    @Test
    void aHelmFailureIsNotHiddenByTheWaiter() {
        Waiter waiter = new Waiter(cluster.client());
        assertThatThrownBy(() -> waiter.waitAllReady(
                        List.of(ResourceRef.deployment("obs", "never-installed")),
                        Duration.ofMillis(300),
                        Waiter.Progress.none()))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("Deployment obs/never-installed: it does not exist");
    }

    private interface HelmCall<T> {
        T call() throws Exception;
    }

    private static <T> T call(com.marcnuri.helm.HelmCommand<T> command) throws Exception {
        return command.call();
    }

    /** Prints how long a Helm call took against the simulated cluster (measured, never asserted). */
    private static <T> T timed(String what, HelmCall<T> call) throws Exception {
        long start = System.nanoTime();
        T result = call.call();
        System.out.printf("[fake-cluster timing] %s: %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
        return result;
    }
}
