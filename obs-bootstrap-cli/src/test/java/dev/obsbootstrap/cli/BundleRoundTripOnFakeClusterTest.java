package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deliverable round trip on the simulated cluster: plan a bundle from the fixture charts, validate it statically,
 * install it with {@code up --bundle} (real Helm, the bundle's own values and charts), validate the cluster path on what
 * now runs, and the refusals: a tampered bundle, files added or removed, options that would change it.
 *
 * <p>Upstream behaviour relied on. The bundle's charts are archives that the real Helm (in-process, not a fake) loads
 * with its archive loader (helm/helm, pkg/chart/loader/archive.go, v3.21.0:
 * https://github.com/helm/helm/blob/v3.21.0/pkg/chart/loader/archive.go). The simulated API server stores what is
 * created and lists it back (kubernetes/kubernetes, staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go,
 * v1.31.0: https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go),
 * and a request with {@code dryRun=All} is answered as if done but stores nothing (kubernetes/kubernetes,
 * staging/src/k8s.io/apiserver/pkg/registry/generic/registry/dryrun.go, v1.31.0:
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/registry/generic/registry/dryrun.go),
 * which the cluster path's check below counts on. The refusals send no request, so they rely on nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BundleRoundTripOnFakeClusterTest {
    private static final String CONTEXT = "fake-bundles";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;
    /** Planned once for namespace bundle-up; the refusal cases change copies of it. */
    static Path planned;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .contextName(CONTEXT)
                .kubernetesVersion("1.31.0")
                .start();
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
    void theRoundTripPlanValidateUpBundleThenValidateTheClusterPath() throws IOException {
        String ns = "bundle-up";
        Path bundle = planned;

        CliRun.Result validated =
                CliRun.run(new ControlledProbes(), "validate", "--path", "static", "--bundle", bundle.toString());
        assertThat(validated.code()).as(validated.err()).isZero();

        CliRun.Result up = CliRun.run(
                new ControlledProbes(),
                "up",
                "--bundle",
                bundle.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "-o",
                "json");

        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.err()).contains("digests match (sha256:", "renders for Kubernetes 1.31.0 exactly as reviewed");
        assertThat(up.out()).contains("\"exitCode\": 0");
        // the StatefulSet Helm wrote is the reviewed one: same pod template as in the bundle's manifests
        ManifestObject reviewed =
                Manifests.objects(Files.readString(bundle.resolve("02-logs/obs-loki.manifests.yaml"))).stream()
                        .filter(o -> o.kind().equals("StatefulSet"))
                        .findFirst()
                        .orElseThrow();
        StatefulSet installed = cluster.client()
                .apps()
                .statefulSets()
                .inNamespace(ns)
                .withName(reviewed.name())
                .get();
        assertThat(installed).isNotNull();
        assertThat(installed
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(reviewed.at("spec", "template", "spec", "containers")
                        .map(c -> ((List<?>) c).get(0))
                        .map(c -> ManifestObject.text(((java.util.Map<?, ?>) c).get("image")))
                        .orElseThrow());

        // the cluster path on what now runs: every object dry-run (nothing stored), every phase's probes
        int stored = cluster.client()
                .apps()
                .statefulSets()
                .inNamespace(ns)
                .list()
                .getItems()
                .size();
        ControlledProbes probes = new ControlledProbes();
        CliRun.Result onCluster = CliRun.run(
                probes,
                "validate",
                "--path",
                "cluster",
                "--bundle",
                bundle.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "-o",
                "json");

        assertThat(onCluster.code()).as(onCluster.err()).isZero();
        JsonNode clusterPath = null;
        for (JsonNode phase : JSON.readTree(onCluster.out()).get("phases")) {
            if (phase.get("id").asString().equals("cluster")) {
                clusterPath = phase;
            }
        }
        assertThat(clusterPath).isNotNull();
        assertThat(clusterPath.get("status").asString()).isEqualTo("VERIFIED");
        JsonNode dryRun = clusterPath.get("probes").get(0);
        assertThat(dryRun.get("name").asString()).isEqualTo("server-dry-run");
        assertThat(dryRun.get("lastObserved").asString())
                .containsPattern("(\\d+) of \\1 objects accepted with --dry-run=server");
        assertThat(probes.ran()).containsExactly("crds", "metrics", "logs", "traces", "alerting");
        assertThat(cluster.requests()).anyMatch(request -> request.contains("dryRun=All"));
        assertThat(cluster.client().apps().statefulSets().inNamespace(ns).list().getItems())
                .as("the dry run stored nothing")
                .hasSize(stored);
        String evidence = Files.readString(bundle.resolve("evidence/README.md"));
        assertThat(evidence)
                .contains(
                        "| static | no cluster | passed (static checks only) |",
                        "| cluster | context " + CONTEXT + " at ");
    }

    @Test
    void aTamperedBundleIsRefusedBeforeAnyRequestNamingTheChangedFile() throws IOException {
        String ns = "bundle-up";
        Path bundle = copyOfPlanned("tampered");
        Path values = bundle.resolve("02-logs/obs-loki.values.yaml");
        Files.writeString(values, Files.readString(values) + "extra: sneaked-in\n");
        int requestsBefore = cluster.requests().size();

        CliRun.Result up = CliRun.run(
                new ControlledProbes(), "up", "--bundle", bundle.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(up.code()).isEqualTo(2);
        assertThat(up.err())
                .contains("is not what was reviewed: 02-logs/obs-loki.values.yaml changed (sha256 ")
                .contains("Restore the reviewed files, or plan again");
        assertThat(cluster.requests()
                        .subList(
                                Math.min(requestsBefore, cluster.requests().size()),
                                cluster.requests().size()))
                .as("not a single request to the cluster")
                .noneMatch(request -> request.contains("/namespaces/" + ns + "/"));
    }

    @Test
    void aFileAddedOrRemovedAfterThePlanIsRefusedToo() throws IOException {
        Path bundle = copyOfPlanned("added");
        Files.writeString(bundle.resolve("03-traces/extra.yaml"), "kind: Secret\n");
        Files.delete(bundle.resolve("charts/tempo-2.2.4.tgz"));

        CliRun.Result up = CliRun.run(
                new ControlledProbes(), "up", "--bundle", bundle.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(up.code()).isEqualTo(2);
        assertThat(up.err())
                .contains("charts/tempo-2.2.4.tgz is missing", "03-traces/extra.yaml was added after the plan");
    }

    @Test
    void optionsThatWouldChangeTheBundleAreRefused() {
        Path bundle = copyOfPlanned("options");

        CliRun.Result up = CliRun.run(
                new ControlledProbes(),
                "up",
                "--bundle",
                bundle.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--set",
                "values.loki.x=1");

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
