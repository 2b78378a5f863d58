package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code diff} and {@code up --dry-run} on the simulated cluster after a real {@code up}: nothing to change (exit 0), a
 * values change and a chart change (exit 1, the objects named with their unified diffs), and in every case not one
 * write request in the API server's log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiffOnFakeClusterTest {
    /** "+12ms PATCH /apis/apps/v1/... -> 200": the methods that change something. */
    private static final Pattern WRITE = Pattern.compile("^\\+\\d+ms (POST|PUT|PATCH|DELETE) ");

    private static final String RESOLVE_TIMEOUT = "values.alertmanager.config.global.resolve_timeout=7m";

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;

    @BeforeAll
    static void installTheStack() throws IOException {
        cluster = FakeCluster.builder().contextName("fake-diff").start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
        CliRun.Result up = CliRun.run(
                new ControlledProbes(),
                "up",
                "--profile",
                "ci",
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "--timeout",
                "120s");
        assertThat(up.code()).as(up.err()).isZero();
        upOutput = up.out();
    }

    static String upOutput;

    @Test
    @Order(0)
    void upEndsWithHowToReachEachEndpointAndWhereTheGrafanaLoginLives() {
        assertThat(upOutput)
                .contains("How to reach the stack (context fake-diff, namespace observability):")
                .containsPattern("grafana +http://obs-grafana.observability.svc:80 +obs-bootstrap open grafana -> "
                        + "http://localhost:8080/ +kubectl --context fake-diff -n observability port-forward "
                        + "svc/obs-grafana 8080:80")
                .containsPattern("prometheus +http://obs-prometheus.observability.svc:9090")
                .containsPattern("alertmanager +http://obs-alertmanager.observability.svc:9093")
                .contains("grafana login: user and password in Secret observability/obs-grafana-admin "
                        + "(keys admin-user, admin-password)")
                .contains("kubectl --context fake-diff -n observability get secret obs-grafana-admin "
                        + "-o jsonpath='{.data.admin-password}' | base64 -d");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void nothingToChangeRightAfterUpExitsZeroWithoutAWrite() {
        long mark = cluster.requestsServed();

        CliRun.Result diff = diff();

        assertThat(diff.code()).as(diff.err()).isZero();
        assertThat(diff.out())
                .contains("phase metrics: obs-metrics (kube-prometheus-stack@88.5.3) revision 1 deployed: no change")
                .contains("phase crds: obs-crds (prometheus-operator-crds@31.0.1): no change")
                .contains("summary: 0 to change, 0 to install")
                .doesNotContain("+++");
        assertThat(writesSince(mark)).isEmpty();
    }

    @Test
    @Order(2)
    void aValuesChangeShowsTheObjectItChangesAndExitsOne() {
        long mark = cluster.requestsServed();

        CliRun.Result diff = diff("--set", RESOLVE_TIMEOUT);

        assertThat(diff.code()).as(diff.out() + diff.err()).isEqualTo(1);
        assertThat(diff.out())
                .contains("phase alerting: obs-alertmanager (alertmanager@1.42.0) revision 1 deployed: "
                        + "2 changed, 0 added, 0 removed")
                .contains("~ ConfigMap observability/obs-alertmanager")
                .contains("--- live/ConfigMap observability/obs-alertmanager")
                .containsPattern("\\n\\+ +resolve_timeout: 7m\\n")
                .contains("~ StatefulSet observability/obs-alertmanager")
                .containsPattern("\\n- +checksum/config: \\w+\\n\\+ +checksum/config: \\w+\\n")
                .contains("phase metrics: obs-metrics (kube-prometheus-stack@88.5.3) revision 1 deployed: no change")
                .contains("summary: 1 to change, 0 to install");
        assertThat(writesSince(mark)).isEmpty();

        // the same through up --dry-run, as JSON a script can read
        long again = cluster.requestsServed();
        CliRun.Result dryRun = CliRun.run(
                new ControlledProbes(), withCluster("up", "--dry-run", "-o", "json", "--set", RESOLVE_TIMEOUT));
        assertThat(dryRun.code()).as(dryRun.err()).isEqualTo(1);
        Map<?, ?> document = JsonMapper.builder().build().readValue(dryRun.out(), Map.class);
        assertThat(document.get("changes")).isEqualTo(true);
        assertThat((List<?>) document.get("releases")).anySatisfy(release -> {
            Map<?, ?> map = (Map<?, ?>) release;
            assertThat(map.get("release")).isEqualTo("obs-alertmanager");
            assertThat(map.get("state")).isEqualTo("changed");
        });
        assertThat(writesSince(again)).isEmpty();
    }

    @Test
    @Order(3)
    void aChartChangeIsNamedWithWhatTheNewChartRendersDifferently() throws IOException {
        Path newer = tmp.resolve("newer-charts");
        Path alertmanager = StackCharts.copyTo(newer).resolve("alertmanager");
        Files.writeString(
                alertmanager.resolve("Chart.yaml"),
                Files.readString(alertmanager.resolve("Chart.yaml")).replace("version: 1.42.0", "version: 1.43.0"));
        Files.writeString(alertmanager.resolve("templates/pdb.yaml"), """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: {{ .Release.Name }}
                spec:
                  maxUnavailable: 1
                """);
        long mark = cluster.requestsServed();

        // only the newer charts: a charts dir holding alertmanager at 1.42.0 would be refused for a 1.43.0 pin
        CliRun.Result diff = CliRun.run(
                new ControlledProbes(),
                "diff",
                "--profile",
                "ci",
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                newer.toString(),
                "--set",
                "charts.alertmanager.version=1.43.0",
                "--phase",
                "alerting");

        assertThat(diff.code()).as(diff.out() + diff.err()).isEqualTo(1);
        assertThat(diff.out())
                // the chart's helm.sh/chart label changes on each of its 4 objects; the new template adds one
                .contains("phase alerting: obs-alertmanager (alertmanager@1.43.0) revision 1 deployed: 4 changed, "
                        + "1 added, 0 removed")
                .contains("-    helm.sh/chart: alertmanager-1.42.0\n+    helm.sh/chart: alertmanager-1.43.0")
                .contains("chart alertmanager-1.42.0 -> alertmanager-1.43.0")
                .contains("+ PodDisruptionBudget observability/obs-alertmanager")
                .contains("+  maxUnavailable: 1")
                .contains("summary: 1 to change, 0 to install, 0 unchanged")
                .doesNotContain("phase metrics");
        assertThat(writesSince(mark)).isEmpty();
    }

    @Test
    @Order(4)
    void aTypoInThePhaseIsRefusedBeforeConnecting() {
        CliRun.Result diff = diff("--phase", "alertin");
        assertThat(diff.code()).isEqualTo(2);
        assertThat(diff.err()).contains("alerting");
    }

    private static List<String> writesSince(long mark) {
        // the simulated kubelet writes pod and workload status on its own; nothing else may write
        return cluster.requestsSince(mark).stream()
                .filter(line -> WRITE.matcher(line).find())
                .filter(line -> !line.contains("/status "))
                .toList();
    }

    private static CliRun.Result diff(String... extra) {
        return CliRun.run(new ControlledProbes(), withCluster("diff", extra));
    }

    private static String[] withCluster(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                command, "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "--charts-dir", charts.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}
