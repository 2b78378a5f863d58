package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerEntry;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunState;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * up, status and down end to end through picocli: real Helm (helm-java) installs the fixture charts
 * ({@link StackCharts}, passed with --charts-dir) on the simulated cluster, and the real phases run with one
 * controllable probe each ({@link ControlledProbes}), since probes cannot reach pods there. One cluster for the class;
 * every scenario has its own stack namespace (and its kubelet rules name that namespace), so none depends on another.
 * The ordering scenario has a cluster of its own, because it reads the cluster's request log as the timeline.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpStatusDownOnFakeClusterTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONTEXT = "fake-uptests";
    private static final List<String> PHASES = List.of("crds", "metrics", "logs", "traces", "alerting");
    private static final Map<String, List<String>> RELEASES = new LinkedHashMap<>();

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

    // ---- a. the whole stack --------------------------------------------------------------------------------------

    @Test
    void upInstallsAndVerifiesEveryPhase() throws Exception {
        String ns = "up-full";
        ControlledProbes probes = new ControlledProbes();
        Path junit = tmp.resolve("reports/up-full.xml");

        CliRun.Result result = up(probes, ns, "-o", "json", "--junit", junit.toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(deployedRevisions(ns))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "obs-metrics",
                        1,
                        "obs-loki",
                        1,
                        "obs-alloy",
                        1,
                        "obs-tempo",
                        1,
                        "obs-otel",
                        1,
                        "obs-alertmanager",
                        1));
        assertThat(probes.ran()).containsExactlyElementsOf(PHASES);
        assertThat(crd("prometheuses.monitoring.coreos.com"))
                .as("phase 0 applied the CRDs")
                .isNotNull();
        assertThat(cluster.client()
                        .apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("prometheus-obs-prometheus")
                        .get())
                .isNotNull();

        LedgerState ledger = ledger(ns);
        assertThat(ledger.phases().keySet()).containsExactlyInAnyOrderElementsOf(PHASES);
        assertThat(ledger.phases().values()).extracting(LedgerEntry::verdict).containsOnly(PhaseStatus.VERIFIED);
        assertThat(ledger.entry("logs").orElseThrow().revisions()).isEqualTo(Map.of("obs-loki", 1, "obs-alloy", 1));
        assertThat(ledger.lastRun().state()).isEqualTo(RunState.FINISHED);

        JsonNode json = JSON.readTree(result.out());
        assertThat(json.get("command").asString()).isEqualTo("up");
        assertThat(json.get("exitCode").asInt()).isZero();
        assertThat(statuses(json))
                .containsExactly(
                        "crds=VERIFIED", "metrics=VERIFIED", "logs=VERIFIED", "traces=VERIFIED", "alerting=VERIFIED");
        JsonNode metrics = json.get("phases").get(1).get("releases").get(0);
        assertThat(metrics.get("release").asString()).isEqualTo("obs-metrics");
        assertThat(metrics.get("action").asString()).isEqualTo("installed");
        assertThat(metrics.get("ready").asInt())
                .as("operator, grafana, kube-state-metrics, node-exporter, prometheus")
                .isEqualTo(5);
        assertThat(metrics.get("total").asInt()).isEqualTo(5);

        String xml = Files.readString(junit);
        assertThat(xml)
                .contains("<testsuite", "test-probe-crds", "test-probe-alerting")
                .doesNotContain("<failure");
        assertThat(result.err()).contains("JUnit report written to " + junit);

        Secret admin = cluster.client()
                .secrets()
                .inNamespace(ns)
                .withName("obs-grafana-admin")
                .get();
        assertThat(admin.getData()).containsKeys("admin-user", "admin-password");
        assertThat(result.out() + result.err()).doesNotContain(admin.getData().get("admin-password"));
    }

    // ---- b. gating -------------------------------------------------------------------------------------------------

    @Test
    void noPhaseTouchesTheClusterBeforeThePreviousOneIsVerified() {
        // A cluster of its own: its request log (bounded) is the timeline of this one run and nothing else.
        try (FakeCluster own = FakeCluster.builder().contextName(CONTEXT).start()) {
            String ns = "up-order";
            Path ownKubeconfig = own.writeKubeconfig(tmp.resolve("order-kubeconfig.yaml"));
            // Each probe leaves a marker in the request log when it runs: GET .../configmaps/probe-marker-<phase>.
            ControlledProbes probes = new ControlledProbes()
                    .onProbe(phase -> own.client()
                            .configMaps()
                            .inNamespace(ns)
                            .withName("probe-marker-" + phase)
                            .get());

            CliRun.Result result = CliRun.run(
                    probes,
                    "up",
                    "--profile",
                    "ci",
                    "--kubeconfig",
                    ownKubeconfig.toString(),
                    "--charts-dir",
                    charts.toString(),
                    "-n",
                    ns,
                    "--timeout",
                    "60s");

            assertThat(result.code()).as(result.err()).isZero();
            List<String> log = own.requests();
            assertThat(log.size()).as("the request log kept the whole run").isLessThan(5000);
            Map<String, Integer> marker = new LinkedHashMap<>();
            PHASES.forEach(phase -> marker.put(phase, indexOf(log, "/configmaps/probe-marker-" + phase + " ")));
            assertThat(List.copyOf(marker.values()))
                    .as("probe markers " + marker)
                    .doesNotContain(-1)
                    .isSorted();

            int crdApply = indexOf(log, "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/");
            assertThat(crdApply).as("CRDs applied before the crds probe").isBetween(0, marker.get("crds"));
            for (int i = 1; i < PHASES.size(); i++) {
                String phase = PHASES.get(i);
                int previousVerified = marker.get(PHASES.get(i - 1));
                for (String release : RELEASES.get(phase)) {
                    // Every release is read before the first write (the run checks everything first); its first write
                    // is
                    // Helm creating its release record, and its last the record marked deployed.
                    int firstWrite = indexOf(log, " name=sh.helm.release.v1." + release + ".v1 ");
                    int deployed = lastIndexOf(log, "/secrets/sh.helm.release.v1." + release + ".v1 ");
                    assertThat(firstWrite)
                            .as(release + " first written after " + PHASES.get(i - 1) + " was verified")
                            .isGreaterThan(previousVerified);
                    int firstTouch = firstWrite;
                    assertThat(deployed)
                            .as(release + " recorded deployed before the " + phase + " probe ran")
                            .isBetween(firstTouch, marker.get(phase));
                }
            }
            assertThat(probes.ran()).containsExactlyElementsOf(PHASES);
        }
    }

    // ---- c + d. a broken workload stops the run; the next up resumes ------------------------------------------------

    @Test
    void aCrashLoopingLokiStopsTheRunInLogsAndTheNextUpResumesThere() throws Exception {
        String ns = "up-crash";
        cluster.kubelet()
                .behave(ns + "/obs-loki*", WorkloadBehaviour.crashLoop("level=info msg=starting", "panic: boom"));
        ControlledProbes probes = new ControlledProbes();

        CliRun.Result failed = up(probes, ns, "--timeout", "5m", "-o", "json");

        // a crash loop fails the phase as soon as it is seen, not when the phase's five minutes are up
        assertThat(failed.took()).isLessThan(Duration.ofMinutes(1));
        assertThat(failed.code()).as(failed.err()).isEqualTo(3);
        assertThat(failed.err())
                .contains("obs-loki", "CrashLoopBackOff", "panic: boom", "more time will not help")
                .doesNotContain("timed out after", "give it more");
        JsonNode json = JSON.readTree(failed.out());
        assertThat(statuses(json))
                .containsExactly(
                        "crds=VERIFIED",
                        "metrics=VERIFIED",
                        "logs=INSTALL_FAILED",
                        "traces=SKIPPED",
                        "alerting=SKIPPED");
        assertThat(json.get("phases").get(3).get("detail").asString()).isEqualTo("blocked by logs");
        assertThat(json.get("phases").get(4).get("detail").asString()).isEqualTo("blocked by logs");
        assertThat(probes.ran()).containsExactly("crds", "metrics");
        assertThat(releaseNames(ns))
                .containsExactlyInAnyOrder("obs-metrics", "obs-loki")
                .doesNotContain("obs-tempo", "obs-otel", "obs-alertmanager");
        LedgerState afterFailure = ledger(ns);
        assertThat(afterFailure.entry("logs").orElseThrow().verdict()).isEqualTo(PhaseStatus.INSTALL_FAILED);
        assertThat(afterFailure.lastRun().state()).isEqualTo(RunState.FAILED);
        assertThat(afterFailure.lastRun().stoppedAt()).isEqualTo("logs");
        String crdVersion =
                crd("servicemonitors.monitoring.coreos.com").getMetadata().getResourceVersion();

        kubeletRunsAgain(ns, "obs-loki");
        probes.clear();
        CliRun.Result resumed = up(probes, ns, "-o", "json");

        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err())
                .contains("continuing from there", "[crds] unchanged since run", "[metrics] unchanged since run")
                .contains("upgrading release obs-loki", "installing release obs-alloy");
        assertThat(statuses(JSON.readTree(resumed.out())))
                .containsOnly(
                        "crds=VERIFIED", "metrics=VERIFIED", "logs=VERIFIED", "traces=VERIFIED", "alerting=VERIFIED");
        assertThat(deployedRevisions(ns))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "obs-metrics",
                        1,
                        "obs-loki",
                        2,
                        "obs-alloy",
                        1,
                        "obs-tempo",
                        1,
                        "obs-otel",
                        1,
                        "obs-alertmanager",
                        1));
        assertThat(crd("servicemonitors.monitoring.coreos.com").getMetadata().getResourceVersion())
                .as("the CRDs were not applied again")
                .isEqualTo(crdVersion);
        assertThat(probes.ran()).as("every phase is still proven").containsExactlyElementsOf(PHASES);
        assertThat(ledger(ns).lastRun().state()).isEqualTo(RunState.FINISHED);
    }

    // ---- e. nothing changed, nothing upgraded ----------------------------------------------------------------------

    @Test
    void aSecondUpWithNoChangeUpgradesNothingButStillProbes() {
        String ns = "up-twice";
        ControlledProbes probes = new ControlledProbes();
        CliRun.Result first = up(probes, ns);
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, Integer> revisions = deployedRevisions(ns);
        String adminUid = cluster.client()
                .secrets()
                .inNamespace(ns)
                .withName("obs-grafana-admin")
                .get()
                .getMetadata()
                .getUid();
        Map<String, String> adminData = cluster.client()
                .secrets()
                .inNamespace(ns)
                .withName("obs-grafana-admin")
                .get()
                .getData();
        List<String> helmRecords = releaseSecretNames(ns);
        probes.clear();

        CliRun.Result second = up(probes, ns, "-o", "json");

        System.err.printf(
                "up twice on the simulated cluster: first %d ms, second (unchanged) %d ms%n",
                first.took().toMillis(), second.took().toMillis());
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(deployedRevisions(ns)).isEqualTo(revisions);
        assertThat(releaseSecretNames(ns))
                .as("no new Helm revision was written")
                .isEqualTo(helmRecords);
        for (String phase : PHASES) {
            assertThat(second.err()).contains("[" + phase + "] unchanged since run");
        }
        assertThat(second.err()).doesNotContain("upgrading release", "installing release");
        assertThat(probes.ran()).as("probes still run on an unchanged phase").containsExactlyElementsOf(PHASES);
        JsonNode json = JSON.readTree(second.out());
        json.get("phases")
                .forEach(phase -> phase.get("releases")
                        .forEach(release ->
                                assertThat(release.get("action").asString()).isEqualTo("unchanged")));
        JsonNode logsReleases = json.get("phases").get(2).get("releases");
        assertThat(logsReleases.get(0).get("component").asString()).isEqualTo("loki");
        assertThat(logsReleases.get(0).get("release").asString()).isEqualTo("obs-loki");
        assertThat(logsReleases.get(1).get("component").asString()).isEqualTo("alloy");
        Secret admin = cluster.client()
                .secrets()
                .inNamespace(ns)
                .withName("obs-grafana-admin")
                .get();
        assertThat(admin.getMetadata().getUid())
                .as("the Grafana admin Secret is created once")
                .isEqualTo(adminUid);
        assertThat(admin.getData()).as("and its password kept").isEqualTo(adminData);
    }

    // ---- f. a failing probe ----------------------------------------------------------------------------------------

    @Test
    void aFailingProbeExitsOneAndSkipsEveryLaterPhase() {
        String ns = "up-probe-fails";
        ControlledProbes probes = new ControlledProbes().failIn("metrics");

        CliRun.Result result = up(probes, ns, "-o", "json");

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        JsonNode json = JSON.readTree(result.out());
        assertThat(statuses(json))
                .containsExactly(
                        "crds=VERIFIED", "metrics=VERIFY_FAILED", "logs=SKIPPED", "traces=SKIPPED", "alerting=SKIPPED");
        assertThat(json.get("phases").get(1).get("detail").asString())
                .contains("test-probe-metrics", "the test made metrics fail");
        assertThat(json.get("phases").get(2).get("detail").asString()).isEqualTo("blocked by metrics");
        assertThat(result.err()).contains("every workload of the phase is ready", "--on-failure keep");
        assertThat(probes.ran()).containsExactly("crds", "metrics");
        assertThat(releaseNames(ns)).containsExactly("obs-metrics");
        LedgerState ledger = ledger(ns);
        assertThat(ledger.entry("metrics").orElseThrow().verdict()).isEqualTo(PhaseStatus.VERIFY_FAILED);
        assertThat(ledger.entry("logs")).isEmpty();
        assertThat(ledger.lastRun().state()).isEqualTo(RunState.FAILED);
        assertThat(ledger.lastRun().stoppedAt()).isEqualTo("metrics");
    }

    @Test
    void anUnchangedPhaseWhoseWorkloadBrokeIsFoundBeforeItsProbes() {
        String ns = "up-diagnose";
        CliRun.Result first = up(new ControlledProbes(), ns);
        assertThat(first.code()).as(first.err()).isZero();
        kubeletMakes(ns, "obs-loki", WorkloadBehaviour.crashLoop("panic: the disk is full"));
        ControlledProbes probes = new ControlledProbes();

        CliRun.Result second = up(probes, ns);

        assertThat(second.code()).as(second.err()).isEqualTo(3);
        assertThat(second.err())
                .contains("[logs] unchanged since run", "CrashLoopBackOff", "panic: the disk is full")
                .doesNotContain("every workload of the phase is ready", "upgrading release obs-loki");
        assertThat(probes.ran()).containsExactly("crds", "metrics");
    }

    @Test
    void theTimeLimitIsForTheWholePhaseNotEachRelease() throws Exception {
        String ns = "up-phase-limit";
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.slow(Duration.ofSeconds(1)));
        cluster.kubelet().behave(ns + "/obs-alloy", WorkloadBehaviour.slow(Duration.ofSeconds(60)));

        CliRun.Result result = up(new ControlledProbes(), ns, "--timeout", "4s", "-o", "json");

        assertThat(result.code()).as(result.err()).isEqualTo(3);
        JsonNode logs = JSON.readTree(result.out()).get("phases").get(2);
        assertThat(logs.get("status").asString()).isEqualTo("INSTALL_FAILED");
        // Loki took one of the four seconds: Alloy had what was left, not four seconds of its own
        assertThat(logs.get("detail").asString())
                .contains("DaemonSet " + ns + "/obs-alloy", "Phase logs has 4s in all")
                .containsPattern("timed out after (\\d+ms|[0-3]s) waiting for 1 of 1 workloads");
    }

    @Test
    void rollbackOnFailurePutsBackOnlyWhatTheRunChanged() {
        String ns = "up-rollback";
        CliRun.Result first = up(new ControlledProbes(), ns);
        assertThat(first.code()).as(first.err()).isZero();
        // the new retention changes Loki's config checksum: a new rollout, which crashes
        cluster.kubelet().behave(ns + "/obs-loki", WorkloadBehaviour.crashLoop("panic: bad retention"));

        CliRun.Result failed = up(
                new ControlledProbes(),
                ns,
                "--set",
                "values.loki.loki.limits_config.retention_period=48h",
                "--on-failure",
                "rollback",
                "--timeout",
                "4s");

        assertThat(failed.code()).as(failed.err()).isEqualTo(3);
        assertThat(failed.err())
                .contains("panic: bad retention", "obs-loki rolled back to revision 1 (now revision 3)")
                .doesNotContain("obs-alloy rolled back");
        assertThat(deployedRevisions(ns))
                .as("Alloy, never reached by the failed install, keeps its revision")
                .containsEntry("obs-loki", 3)
                .containsEntry("obs-alloy", 1);
    }

    @Test
    void aChangeToOneReleaseUpgradesThatReleaseOnly() {
        String ns = "up-one-release";
        assertThat(up(new ControlledProbes(), ns).code()).isZero();

        CliRun.Result changed = up(
                new ControlledProbes(),
                ns,
                "--set",
                "values.loki.loki.limits_config.retention_period=72h",
                "-o",
                "json");

        assertThat(changed.code()).as(changed.err()).isZero();
        assertThat(changed.err())
                .contains(
                        "upgrading release obs-loki",
                        "obs-alloy unchanged (same values, chart and revision): no upgrade")
                .doesNotContain("upgrading release obs-alloy");
        assertThat(deployedRevisions(ns)).containsEntry("obs-loki", 2).containsEntry("obs-alloy", 1);
        JsonNode logs = JSON.readTree(changed.out()).get("phases").get(2).get("releases");
        assertThat(logs.get(1).get("action").asString()).isEqualTo("unchanged");
        assertThat(logs.get(1).get("ready").asInt()).as("awaited all the same").isEqualTo(1);
    }

    @Test
    void onlyRefusesAPhaseWhoseDependencyIsNotVerifiedAndChangesNothing() {
        String ns = "up-only";

        CliRun.Result result = up(new ControlledProbes(), ns, "--only", "logs");

        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains("--only logs: phase logs needs metrics verified first, and the ledger has it never run");
        assertThat(releaseNames(ns)).isEmpty();
        assertThat(cluster.client()
                        .configMaps()
                        .inNamespace(ns)
                        .withName(ConfigMapLedgerStore.NAME)
                        .get())
                .isNull();
    }

    // ---- g. Ctrl-C -------------------------------------------------------------------------------------------------

    @Test
    void anInterruptedUpRecordsWhereItStoppedAndTheNextUpContinues() throws Exception {
        String ns = "up-interrupted";
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.slow(Duration.ofSeconds(30)));
        ControlledProbes probes = new ControlledProbes();
        StringWriter err = new StringWriter();
        AtomicReference<CliRun.Result> outcome = new AtomicReference<>();
        Thread run = new Thread(() -> outcome.set(CliRun.run(probes, err, upArgs(ns, true))), "up-to-interrupt");
        run.start();

        Awaitility.await("up waits for Loki")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> err.toString().contains("[logs] obs-loki: 0/2 workloads ready"));
        run.interrupt(); // what the shutdown hook does on Ctrl-C
        run.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(run.isAlive()).as("the run stops soon after the interrupt").isFalse();
        CliRun.Result interrupted = outcome.get();
        assertThat(interrupted.code()).as(interrupted.err()).isEqualTo(130);
        assertThat(interrupted.err()).contains("interrupted: stopping before anything else changes");
        LedgerState ledger = ledger(ns);
        assertThat(ledger.lastRun().state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(ledger.lastRun().stoppedAt()).isEqualTo("logs");
        assertThat(ledger.entry("metrics").orElseThrow().verdict()).isEqualTo(PhaseStatus.VERIFIED);
        assertThat(ledger.entry("logs"))
                .as("nothing reliable to record of an interrupted phase")
                .isEmpty();
        assertThat(releaseNames(ns)).doesNotContain("obs-alloy", "obs-tempo", "obs-otel", "obs-alertmanager");
        assertThat(probes.ran()).containsExactly("crds", "metrics");

        kubeletRunsAgain(ns, "obs-loki");
        probes.clear();
        CliRun.Result next = up(probes, ns);

        assertThat(next.code()).as(next.err()).isZero();
        assertThat(next.err())
                .contains(
                        "was interrupted in phase 'logs': continuing from there",
                        "[crds] unchanged since run",
                        "[metrics] unchanged since run");
        assertThat(probes.ran()).containsExactlyElementsOf(PHASES);
        assertThat(deployedRevisions(ns))
                .containsKeys("obs-loki", "obs-alloy", "obs-tempo", "obs-otel", "obs-alertmanager")
                .containsEntry("obs-metrics", 1);
        assertThat(ledger(ns).lastRun().state()).isEqualTo(RunState.FINISHED);
    }

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

        CliRun.Result down = CliRun.run(
                new ControlledProbes(),
                "down",
                "--profile",
                "ci",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                ns,
                "--yes",
                "-o",
                "json");

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

        CliRun.Result down = CliRun.run(
                new ControlledProbes(), "down", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "-n", ns);

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

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String[] upArgs(String namespace, boolean yes, String... extra) {
        List<String> args = new ArrayList<>(yes ? List.of("--yes") : List.of());
        args.addAll(List.of(extra));
        return CliRun.upArgs(kubeconfig, charts, namespace, args.toArray(String[]::new));
    }

    /** up with the fixture charts, --yes, and waits of 60s unless {@code extra} has a --timeout. */
    private static CliRun.Result up(ControlledProbes probes, String namespace, String... extra) {
        return CliRun.run(probes, upArgs(namespace, true, extra));
    }

    private static CliRun.Result status(String namespace, String... extra) {
        List<String> args = new ArrayList<>(
                List.of("status", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "-n", namespace));
        args.addAll(List.of(extra));
        return CliRun.run(new ControlledProbes(), args.toArray(String[]::new));
    }

    /** Release -> its status row, column name -> value, cut at the header's column positions. */
    private static Map<String, Map<String, String>> statusRows(String table) {
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
    private static void kubeletRunsAgain(String namespace, String release) {
        kubeletMakes(namespace, release, WorkloadBehaviour.ready());
    }

    /**
     * The release's pods behave like this from now on. The simulated kubelet acts on workload events, so the
     * workloads are touched (an annotation, not the pod template: no new rollout), as a real kubelet would notice by
     * itself that a pod now starts, or crashes.
     */
    private static void kubeletMakes(String namespace, String release, WorkloadBehaviour behaviour) {
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

    /** Release -> revision of its deployed version, from Helm's release Secrets (owner=helm, status=deployed). */
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
    private static List<String> releaseNames(String namespace) {
        return cluster.client().secrets().inNamespace(namespace).withLabel("owner", "helm").list().getItems().stream()
                .map(secret -> secret.getMetadata().getLabels().get("name"))
                .distinct()
                .sorted()
                .toList();
    }

    private static List<String> releaseSecretNames(String namespace) {
        return cluster.client().secrets().inNamespace(namespace).withLabel("owner", "helm").list().getItems().stream()
                .map(secret -> secret.getMetadata().getName())
                .sorted()
                .toList();
    }

    static LedgerState ledger(String namespace) {
        return new ConfigMapLedgerStore(cluster.client(), namespace).read();
    }

    private static CustomResourceDefinition crd(String name) {
        return cluster.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(name)
                .get();
    }

    private static int indexOf(List<String> log, String fragment) {
        return IntStream.range(0, log.size())
                .filter(i -> log.get(i).contains(fragment))
                .findFirst()
                .orElse(-1);
    }

    private static int lastIndexOf(List<String> log, String fragment) {
        return IntStream.range(0, log.size())
                .map(i -> log.size() - 1 - i)
                .filter(i -> log.get(i).contains(fragment))
                .findFirst()
                .orElse(-1);
    }

    private static List<String> statuses(JsonNode report) {
        List<String> statuses = new ArrayList<>();
        report.get("phases")
                .forEach(phase -> statuses.add(
                        phase.get("id").asString() + "=" + phase.get("status").asString()));
        return statuses;
    }
}
