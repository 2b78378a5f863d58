package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deliverable round trip on the simulated cluster: plan a bundle from the fixture charts, validate it, install it
 * with {@code up --bundle} (real Helm, the bundle's own values and charts), and the refusals: a tampered bundle, a
 * bundle with options that would change it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BundleRoundTripOnFakeClusterTest {
    private static final String CONTEXT = "fake-bundles";

    @TempDir
    static Path tmp;
    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;
    /** Planned once for namespace bundle-up; the refusal cases change copies of it. */
    static Path planned;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder().contextName(CONTEXT).kubernetesVersion("1.31.0").start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
        planned = PlannedBundles.plan(tmp, charts, "bundle-up");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path copyOfPlanned(String name) {
        return PlannedBundles.copy(planned, tmp.resolve(name));
    }

    @Test
    void upBundleInstallsTheReviewedBytesAndEveryPhaseIsVerified() throws IOException {
        String ns = "bundle-up";
        Path bundle = planned;

        CliRun.Result up = CliRun.run(new ControlledProbes(), "up", "--bundle", bundle.toString(), "--kubeconfig", kubeconfig.toString(),
                "-o", "json");

        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.err()).contains("digests match (sha256:", "renders for Kubernetes 1.31.0 exactly as reviewed");
        assertThat(up.out()).contains("\"exitCode\": 0");
        // the StatefulSet Helm wrote is the reviewed one: same pod template as in the bundle's manifests
        ManifestObject reviewed = Manifests.objects(Files.readString(bundle.resolve("02-logs/obs-loki.manifests.yaml"))).stream()
                .filter(o -> o.kind().equals("StatefulSet")).findFirst().orElseThrow();
        StatefulSet installed = cluster.client().apps().statefulSets().inNamespace(ns).withName(reviewed.name()).get();
        assertThat(installed).isNotNull();
        assertThat(installed.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(reviewed.at("spec", "template", "spec", "containers").map(c -> ((List<?>) c).get(0))
                        .map(c -> ManifestObject.text(((java.util.Map<?, ?>) c).get("image"))).orElseThrow());
    }

    @Test
    void aTamperedBundleIsRefusedBeforeAnyRequestNamingTheChangedFile() throws IOException {
        String ns = "bundle-up";
        Path bundle = copyOfPlanned("tampered");
        Path values = bundle.resolve("02-logs/obs-loki.values.yaml");
        Files.writeString(values, Files.readString(values) + "extra: sneaked-in\n");
        int requestsBefore = cluster.requests().size();

        CliRun.Result up = CliRun.run(new ControlledProbes(), "up", "--bundle", bundle.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(up.code()).isEqualTo(2);
        assertThat(up.err()).contains("is not what was reviewed: 02-logs/obs-loki.values.yaml changed (sha256 ")
                .contains("Restore the reviewed files, or plan again");
        assertThat(cluster.requests().subList(Math.min(requestsBefore, cluster.requests().size()), cluster.requests().size()))
                .as("not a single request to the cluster").noneMatch(request -> request.contains("/namespaces/" + ns + "/"));
    }

    @Test
    void aFileAddedOrRemovedAfterThePlanIsRefusedToo() throws IOException {
        Path bundle = copyOfPlanned("added");
        Files.writeString(bundle.resolve("03-traces/extra.yaml"), "kind: Secret\n");
        Files.delete(bundle.resolve("charts/tempo/values.yaml"));

        CliRun.Result up = CliRun.run(new ControlledProbes(), "up", "--bundle", bundle.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(up.code()).isEqualTo(2);
        assertThat(up.err()).contains("charts/tempo/values.yaml is missing", "03-traces/extra.yaml was added after the plan");
    }

    @Test
    void optionsThatWouldChangeTheBundleAreRefused() {
        Path bundle = copyOfPlanned("options");

        CliRun.Result up = CliRun.run(new ControlledProbes(), "up", "--bundle", bundle.toString(), "--kubeconfig", kubeconfig.toString(),
                "--set", "values.loki.x=1");

        assertThat(up.code()).isEqualTo(2);
        assertThat(up.err()).contains("up --bundle installs the bundle as it was reviewed", "--set");
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
