package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunState;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status, down, protected-context and no-API-server scenarios of {@link StackOnFakeClusterTestBase}.
 *
 * <p>Upstream behaviour relied on, beyond the base class's: {@code down} runs Helm's uninstall, which deletes the
 * release manifest's objects and then every revision's record Secret ({@code
 * https://github.com/helm/helm/blob/v3.21.0/pkg/action/uninstall.go}, deleteRelease then purgeReleases);
 * each DELETE answers 200 and the object is gone from the next List ({@code
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go}).
 * Refused commands send no request, so they rely on nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatusDownOnFakeClusterTest extends StackOnFakeClusterTestBase {
    // ---- h. status
    // ---------------------------------------------------------------------------------------------------

    @Test
    void statusShowsEveryReleaseAndDriftOnlyWhereTheConfigChanged() {
        String ns = "up-status";
        CliRun.Result up = up(new ControlledProbes(), ns);
        assertThat(up.code()).as(up.err()).isZero();

        CliRun.Result status = status(ns);

        assertThat(status.code()).as(status.err()).isZero();
        Map<String, Map<String, String>> rows = statusRows(status.out());
        assertThat(rows.keySet())
                .containsExactly(
                        "obs-crds",
                        "obs-metrics",
                        "obs-loki",
                        "obs-alloy",
                        "obs-tempo",
                        "obs-otel",
                        "obs-alertmanager");
        assertThat(rows.get("obs-crds"))
                .containsEntry("PHASE", "crds")
                .containsEntry("CHART", "prometheus-operator-crds@31.0.1")
                .containsEntry("REVISION", "-")
                .containsEntry("VERDICT", "VERIFIED");
        assertThat(rows.get("obs-metrics"))
                .containsEntry("PHASE", "metrics")
                .containsEntry("CHART", "kube-prometheus-stack-88.5.3")
                .containsEntry("REVISION", "1 deployed")
                .as("operator, grafana, kube-state-metrics, node-exporter and the operator's Prometheus")
                .containsEntry("READY", "5/5");
        assertThat(rows.get("obs-loki"))
                .containsEntry("PHASE", "logs")
                .containsEntry("CHART", "loki-18.11.0")
                .containsEntry("READY", "2/2");
        assertThat(rows.get("obs-alloy")).containsEntry("CHART", "alloy-1.11.1").containsEntry("READY", "1/1");
        assertThat(rows.get("obs-tempo")).containsEntry("PHASE", "traces").containsEntry("READY", "1/1");
        assertThat(rows.get("obs-otel"))
                .containsEntry("CHART", "opentelemetry-collector-0.170.0")
                .containsEntry("READY", "1/1");
        assertThat(rows.get("obs-alertmanager"))
                .containsEntry("PHASE", "alerting")
                .containsEntry("REVISION", "1 deployed");
        String runId = ledger(ns).lastRun().runId();
        rows.values()
                .forEach(row ->
                        assertThat(row).containsEntry("VERDICT", "VERIFIED").containsEntry("DRIFT", "no"));
        rows.values().forEach(row -> assertThat(row.get("LAST RUN")).endsWith(" " + runId));
        assertThat(status.out()).contains("last run: " + runId + " finished");

        CliRun.Result changed = status(ns, "--set", "values.loki.loki.limits_config.retention_period=48h");

        assertThat(changed.code()).as(changed.err()).isZero();
        Map<String, String> drift = new LinkedHashMap<>();
        statusRows(changed.out()).forEach((release, row) -> drift.put(release, row.get("DRIFT")));
        assertThat(drift)
                .containsExactly(
                        Map.entry("obs-crds", "no"),
                        Map.entry("obs-metrics", "no"),
                        Map.entry("obs-loki", "yes: values differ at loki.limits_config.retention_period; run up"),
                        Map.entry("obs-alloy", "no"),
                        Map.entry("obs-tempo", "no"),
                        Map.entry("obs-otel", "no"),
                        Map.entry("obs-alertmanager", "no"));

        // without --profile, status compares with the profile the last run used (ci), not the default (dev)
        CliRun.Result asInstalled =
                CliRun.run(new ControlledProbes(), "status", "--kubeconfig", kubeconfig.toString(), "-n", ns);
        assertThat(asInstalled.code()).as(asInstalled.err()).isZero();
        assertThat(asInstalled.out()).contains("profile ci (from the last run)");
        statusRows(asInstalled.out()).values().forEach(row -> assertThat(row).containsEntry("DRIFT", "no"));

        // the same facts for scripts, options before the subcommand as helm and kubectl take them
        CliRun.Result json = CliRun.run(
                new ControlledProbes(),
                "-o",
                "json",
                "--kubeconfig",
                kubeconfig.toString(),
                "status",
                "-n",
                ns,
                "--set",
                "values.loki.loki.limits_config.retention_period=48h");
        assertThat(json.code()).as(json.err()).isZero();
        tools.jackson.databind.JsonNode document =
                tools.jackson.databind.json.JsonMapper.builder().build().readTree(json.out());
        assertThat(document.get("profile").asString()).isEqualTo("ci");
        assertThat(document.get("profileFrom").asString()).isEqualTo("the last run");
        java.util.Map<String, tools.jackson.databind.JsonNode> byRelease = new LinkedHashMap<>();
        document.get("releases")
                .forEach(release -> byRelease.put(release.get("release").asString(), release));
        assertThat(byRelease.get("obs-loki").get("drift").get(0).asString())
                .isEqualTo("values differ at loki.limits_config.retention_period");
        assertThat(byRelease.get("obs-loki").get("ready").get("ready").asInt()).isEqualTo(2);
        assertThat(byRelease.get("obs-alloy").get("drift")).isEmpty();
        assertThat(byRelease.get("obs-metrics").get("revision").asInt()).isEqualTo(1);
    }

    @Test
    void statusAndUpAgreeOnAReleaseChangedOutsideObsBootstrap() {
        String ns = "up-outside";
        CliRun.Result up = up(new ControlledProbes(), ns);
        assertThat(up.code()).as(up.err()).isZero();
        // someone runs `helm upgrade obs-alloy` by hand
        new com.marcnuri.helm.Helm(charts.resolve("alloy"))
                .upgrade()
                .withName("obs-alloy")
                .withNamespace(ns)
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();

        Map<String, Map<String, String>> rows = statusRows(status(ns).out());

        assertThat(rows.get("obs-alloy"))
                .containsEntry("REVISION", "2 deployed")
                .containsEntry("DRIFT", "yes: now revision 2 deployed, up installed 1; run up");
        assertThat(rows.get("obs-loki")).containsEntry("DRIFT", "no");
        assertThat(rows.get("obs-metrics")).containsEntry("DRIFT", "no");

        CliRun.Result again = up(new ControlledProbes(), ns);

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("[metrics] unchanged since run", "upgrading release obs-alloy");
        assertThat(deployedRevisions(ns)).containsEntry("obs-alloy", 3).containsEntry("obs-metrics", 1);
        statusRows(status(ns).out()).values().forEach(row -> assertThat(row).containsEntry("DRIFT", "no"));
    }

    @Test
    void statusNamesAnObjectDeletedBehindTheReleasesBackAndUpPutsItBack() {
        String ns = "up-missing";
        CliRun.Result up = up(new ControlledProbes(), ns);
        assertThat(up.code()).as(up.err()).isZero();
        // someone deletes the Alertmanager config with kubectl; Helm's record still says deployed
        assertThat(cluster.client()
                        .configMaps()
                        .inNamespace(ns)
                        .withName("obs-alertmanager")
                        .delete())
                .isNotEmpty();

        Map<String, Map<String, String>> rows = statusRows(status(ns).out());

        assertThat(rows.get("obs-alertmanager"))
                .containsEntry("REVISION", "1 deployed")
                .containsEntry("DRIFT", "yes: missing ConfigMap " + ns + "/obs-alertmanager; run up");
        assertThat(rows.get("obs-loki")).containsEntry("DRIFT", "no");

        CliRun.Result again = up(new ControlledProbes(), ns);

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(cluster.client()
                        .configMaps()
                        .inNamespace(ns)
                        .withName("obs-alertmanager")
                        .get())
                .isNotNull();
        statusRows(status(ns).out()).values().forEach(row -> assertThat(row).containsEntry("DRIFT", "no"));
    }

    // ---- i. down
    // -----------------------------------------------------------------------------------------------------

    @Test
    void downRemovesTheReleasesInReverseOrderAndKeepsTheCrds() throws Exception {
        String ns = "up-down";
        CliRun.Result up = up(new ControlledProbes(), ns);
        assertThat(up.code()).as(up.err()).isZero();
        int logStart = cluster.requests().size();

        // Helm's uninstall, on the simulated server as on a real one: it deletes the manifest's objects, then each
        // revision's record Secret (helm/helm v3.21.0, pkg/action/uninstall.go, deleteRelease then purgeReleases), and
        // a
        // DELETE of a namespaced object leaves it out of the next list (kubernetes/kubernetes v1.31.0,
        // staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go, Delete; no finalizer in the fixture
        // charts). The CRDs are not Helm's here but applied server-side by obs-bootstrap, so down without --purge
        // sends no DELETE for them.
        CliRun.Result down = down(ns, "--yes", "-o", "json");

        assertThat(down.code()).as(down.err()).isZero();
        assertThat(statuses(JSON.readTree(down.out())))
                .containsExactly(
                        "crds=REMOVED", "metrics=REMOVED", "logs=REMOVED", "traces=REMOVED", "alerting=REMOVED");
        Awaitility.await("release records deleted")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> releaseSecretNames(ns).isEmpty());
        List<String> log = cluster.requests();
        List<String> removalOrder = log.subList(Math.min(logStart, log.size()), log.size()).stream()
                .filter(line -> line.contains("DELETE /api/v1/namespaces/" + ns + "/secrets/sh.helm.release.v1."))
                .map(line -> line.replaceAll(".*sh\\.helm\\.release\\.v1\\.(.+)\\.v\\d+ .*", "$1"))
                .distinct()
                .toList();
        assertThat(removalOrder)
                .containsExactly("obs-alertmanager", "obs-otel", "obs-tempo", "obs-alloy", "obs-loki", "obs-metrics");
        Awaitility.await("workloads deleted")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.client()
                                .apps()
                                .statefulSets()
                                .inNamespace(ns)
                                .list()
                                .getItems()
                                .isEmpty()
                        && cluster.client()
                                .apps()
                                .deployments()
                                .inNamespace(ns)
                                .list()
                                .getItems()
                                .isEmpty());
        LedgerState ledger = ledger(ns);
        assertThat(ledger.phases()).isEmpty();
        assertThat(ledger.lastRun().state()).isEqualTo(RunState.REMOVED);
        assertThat(crd("servicemonitors.monitoring.coreos.com"))
                .as("CRDs are kept without --purge")
                .isNotNull();
        assertThat(down.err())
                .contains(
                        "CRDs kept",
                        "[crds] obs-crds kept (no --purge)",
                        "[logs] obs-alloy uninstalled; obs-loki uninstalled");
    }

    @Test
    void downWithoutYesAndNoTerminalRemovesNothing() {
        String ns = "up-down-refused";
        CliRun.Result up = up(new ControlledProbes(), ns);
        assertThat(up.code()).as(up.err()).isZero();

        // refused before the first request: no server behaviour is relied on, and the releases and ledger stay
        CliRun.Result down = down(ns);

        assertThat(down.code()).as(down.err()).isEqualTo(2);
        assertThat(down.err()).contains("there is no terminal to confirm on, so pass --yes");
        assertThat(deployedRevisions(ns)).hasSize(6);
        assertThat(ledger(ns).phases()).hasSize(5);
    }

    // ---- j. protected context
    // ----------------------------------------------------------------------------------------

    @Test
    void aProtectedContextIsRefusedWithoutYes() throws Exception {
        String ns = "up-protected";
        Path config = Files.writeString(tmp.resolve("protected.yaml"), """
                apiVersion: obs-bootstrap/v1
                profile: ci
                cluster:
                  protectedContexts: [%s]
                """.formatted(CONTEXT));
        int logStart = cluster.requests().size();

        CliRun.Result refused = CliRun.run(
                new ControlledProbes(),
                "up",
                "-f",
                config.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                ns);

        assertThat(refused.code()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("kube context '" + CONTEXT + "' is protected", "--yes", config.toString());
        List<String> log = cluster.requests();
        assertThat(log.subList(Math.min(logStart, log.size()), log.size()))
                .as("only the version was asked")
                .allMatch(line -> line.contains(" GET /version"));
        assertThat(cluster.client().namespaces().withName(ns).get()).isNull();

        CliRun.Result allowed = CliRun.run(
                new ControlledProbes(),
                "up",
                "-f",
                config.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                ns,
                "--yes",
                "--only",
                "crds");

        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.err()).contains("is protected; going ahead because --yes was given");
        assertThat(ledger(ns).entry("crds").orElseThrow().verdict()).isEqualTo(PhaseStatus.VERIFIED);
    }

    // ---- k. no API server
    // ----------------------------------------------------------------------------------------------

    @Test
    void anUnreachableApiServerExitsThreeNamingIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path unreachable = Files.writeString(
                tmp.resolve("unreachable.yaml"),
                cluster.kubeconfigYaml().replace(cluster.serverUrl(), "http://127.0.0.1:" + port));

        CliRun.Result result = CliRun.run(
                new ControlledProbes(),
                "up",
                "--profile",
                "ci",
                "--kubeconfig",
                unreachable.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                "up-unreachable",
                "--yes");

        System.err.printf(
                "up against a closed port gave up after %d ms%n", result.took().toMillis());
        assertThat(result.code()).as(result.err()).isEqualTo(3);
        assertThat(result.err()).contains("http://127.0.0.1:" + port).doesNotContain("Exception:", "\tat ");
    }
}
