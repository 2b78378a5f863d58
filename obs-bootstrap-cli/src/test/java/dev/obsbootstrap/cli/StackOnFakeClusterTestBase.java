package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * up, status and down end to end through picocli: real Helm (helm-java) installs the fixture charts
 * ({@link StackCharts}, passed with --charts-dir) on the simulated cluster, and the real phases run with one
 * controllable probe each ({@link ControlledProbes}), since probes cannot reach pods there. One cluster for each test
 * class;
 * every scenario has its own stack namespace (and its kubelet rules name that namespace), so none depends on another.
 * The ordering scenario has a cluster of its own, because it reads the cluster's request log as the timeline.
 *
 * <p>The scenarios are split over two classes, {@link UpStatusDownOnFakeClusterTest} (up) and
 * {@link StatusDownOnFakeClusterTest} (status, down, protected contexts), so that test forks can run them side by side.
 *
 * <p>Upstream behaviour these classes rely on the simulated API server (FakeCluster) for, failures included:
 * <ul>
 *   <li>Get, List, Update and Delete of namespaced objects: a Get of a missing object is 404, an Update carrying a
 *       resourceVersion older than the stored one is 409 Conflict, a deleted object is gone from the next List
 *       ({@code
 *       https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go}).
 *   <li>Helm's release records are Secrets labelled owner=helm, name, status, version, found by a List with that
 *       label selector ({@code https://github.com/helm/helm/blob/v3.21.0/pkg/storage/driver/secrets.go}).
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class StackOnFakeClusterTestBase {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String CONTEXT = "fake-uptests";
    static final List<String> PHASES = List.of("crds", "metrics", "logs", "traces", "alerting");
    static final Map<String, List<String>> RELEASES = new LinkedHashMap<>();

    static {
        RELEASES.put("crds", List.of());
        RELEASES.put("metrics", List.of("obs-metrics"));
        RELEASES.put("logs", List.of("obs-loki", "obs-alloy"));
        RELEASES.put("traces", List.of("obs-tempo", "obs-otel"));
        RELEASES.put("alerting", List.of("obs-alertmanager"));
    }

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .contextName(CONTEXT)
                .kubernetesVersion("1.31.0")
                .start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            assertThat(cluster.kubelet().errors())
                    .as("kubelet simulator errors")
                    .isEmpty();
            cluster.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static String[] upArgs(String namespace, boolean yes, String... extra) {
        List<String> args = new ArrayList<>(yes ? List.of("--yes") : List.of());
        args.addAll(List.of(extra));
        return CliRun.upArgs(kubeconfig, charts, namespace, args.toArray(String[]::new));
    }

    /** up with the fixture charts, --yes, and waits of 60s unless {@code extra} has a --timeout. */
    static CliRun.Result up(ControlledProbes probes, String namespace, String... extra) {
        return CliRun.run(probes, upArgs(namespace, true, extra));
    }

    static CliRun.Result status(String namespace, String... extra) {
        return command("status", namespace, extra);
    }

    static CliRun.Result down(String namespace, String... extra) {
        return command("down", namespace, extra);
    }

    /**
     * {@code command --profile ci} against the simulated cluster's namespace, then {@code extra}, in this JVM. It adds
     * no behaviour of the simulated server's: what the commands' reads, Helm uninstalls and ledger writes get back is
     * FakeCluster's, which answers as the real API server does (kubernetes/kubernetes v1.31.0,
     * staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go: Get, List, Update with the resourceVersion
     * read, Delete) and keeps Helm's release records as Secrets (helm/helm v3.21.0, pkg/storage/driver/secrets.go).
     */
    private static CliRun.Result command(String command, String namespace, String... extra) {
        List<String> args = new ArrayList<>(
                List.of(command, "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "-n", namespace));
        args.addAll(List.of(extra));
        return CliRun.run(new ControlledProbes(), args.toArray(String[]::new));
    }

    /** Release -> its status row, column name -> value, cut at the header's column positions. */
    static Map<String, Map<String, String>> statusRows(String table) {
        List<String> lines = table.lines().toList();
        String header = lines.stream()
                .filter(line -> line.startsWith("PHASE"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(table));
        List<String> names = List.of("PHASE", "RELEASE", "CHART", "REVISION", "READY", "VERDICT", "LAST RUN", "DRIFT");
        List<Integer> starts = names.stream().map(header::indexOf).toList();
        assertThat(starts).as(header).doesNotContain(-1).isSorted();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(lines.indexOf(header) + 1, lines.size())) {
            if (line.startsWith("last run:")) {
                break;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                int end = i + 1 < names.size() ? starts.get(i + 1) : line.length();
                row.put(
                        names.get(i),
                        line.substring(Math.min(starts.get(i), line.length()), Math.min(end, line.length()))
                                .trim());
            }
            rows.put(row.get("RELEASE"), row);
        }
        return rows;
    }

    /** The simulated kubelet runs the release's pods fine from now on. */
    static void kubeletRunsAgain(String namespace, String release) {
        kubeletMakes(namespace, release, WorkloadBehaviour.ready());
    }

    /**
     * The release's pods behave like this from now on. The simulated kubelet acts on workload events, so the
     * workloads are touched (an annotation, not the pod template: no new rollout), as a real kubelet would notice by
     * itself that a pod now starts, or crashes. What the fake must do as the API server does: a metadata-only change
     * leaves {@code metadata.generation} as it was (kubernetes/kubernetes v1.31.0
     * pkg/registry/apps/deployment/strategy.go and pkg/registry/apps/statefulset/strategy.go, PrepareForUpdate bumps
     * it only when the spec changes), and a JSON merge patch without a resourceVersion applies to the current object
     * without a conflict (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go; RFC 7386).
     */
    static void kubeletMakes(String namespace, String release, WorkloadBehaviour behaviour) {
        cluster.kubelet().behave(namespace + "/" + release + "*", behaviour);
        // a merge patch carries no resourceVersion: it cannot conflict with the simulator's own status writes
        PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
        String touch =
                "{\"metadata\":{\"annotations\":{\"test.obs-bootstrap.dev/kubelet\":\"" + System.nanoTime() + "\"}}}";
        var statefulSets = cluster.client().apps().statefulSets().inNamespace(namespace);
        statefulSets
                .withLabel("app.kubernetes.io/instance", release)
                .list()
                .getItems()
                .forEach(sts ->
                        statefulSets.withName(sts.getMetadata().getName()).patch(merge, touch));
        var deployments = cluster.client().apps().deployments().inNamespace(namespace);
        deployments
                .withLabel("app.kubernetes.io/instance", release)
                .list()
                .getItems()
                .forEach(deployment ->
                        deployments.withName(deployment.getMetadata().getName()).patch(merge, touch));
    }

    /**
     * Release -> revision of its deployed version, from Helm's release Secrets: Helm labels each with name, owner=helm,
     * status and version (helm/helm v3.21.0 pkg/storage/driver/secrets.go, newSecretsObject), which is what the
     * simulated cluster stores because real Helm (helm-java) wrote it.
     */
    static Map<String, Integer> deployedRevisions(String namespace) {
        Map<String, Integer> revisions = new TreeMap<>();
        for (Secret secret : cluster.client()
                .secrets()
                .inNamespace(namespace)
                .withLabel("owner", "helm")
                .withLabel("status", "deployed")
                .list()
                .getItems()) {
            Map<String, String> labels = secret.getMetadata().getLabels();
            revisions.put(labels.get("name"), Integer.parseInt(labels.get("version")));
        }
        return revisions;
    }

    /** Every release with a Helm record in the namespace, whatever its status. */
    static List<String> releaseNames(String namespace) {
        return cluster.client().secrets().inNamespace(namespace).withLabel("owner", "helm").list().getItems().stream()
                .map(secret -> secret.getMetadata().getLabels().get("name"))
                .distinct()
                .sorted()
                .toList();
    }

    static List<String> releaseSecretNames(String namespace) {
        return cluster.client().secrets().inNamespace(namespace).withLabel("owner", "helm").list().getItems().stream()
                .map(secret -> secret.getMetadata().getName())
                .sorted()
                .toList();
    }

    static LedgerState ledger(String namespace) {
        return new ConfigMapLedgerStore(cluster.client(), namespace).read();
    }

    static CustomResourceDefinition crd(String name) {
        return cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(name)
                .get();
    }

    static int indexOf(List<String> log, String fragment) {
        return IntStream.range(0, log.size())
                .filter(i -> log.get(i).contains(fragment))
                .findFirst()
                .orElse(-1);
    }

    static int lastIndexOf(List<String> log, String fragment) {
        return IntStream.range(0, log.size())
                .map(i -> log.size() - 1 - i)
                .filter(i -> log.get(i).contains(fragment))
                .findFirst()
                .orElse(-1);
    }

    static List<String> statuses(JsonNode report) {
        List<String> statuses = new ArrayList<>();
        report.get("phases")
                .forEach(phase -> statuses.add(
                        phase.get("id").asString() + "=" + phase.get("status").asString()));
        return statuses;
    }
}
