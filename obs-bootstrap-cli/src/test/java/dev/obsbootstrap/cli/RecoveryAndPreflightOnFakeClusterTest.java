package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.lock.LeaseRunLock;
import dev.obsbootstrap.core.lock.RunIdentity;
import dev.obsbootstrap.core.lock.RunLock;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.run.RunState;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.HelmRecords;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a run finds before its first write and what it repairs, through the CLI with real Helm on the simulated
 * cluster: a release a dead run left pending, one someone else left pending, a credential that is not there, a change
 * Kubernetes would refuse, an object deleted out of band, a lock another run holds. Every scenario has its own namespace.
 *
 * <p>What the simulated cluster is held to here is the real servers' behaviour: a release left pending-install or
 * pending-upgrade is a release Secret whose status label says so (helm/helm v3.21.0 pkg/release/status.go,
 * pkg/storage/driver/secrets.go), and Helm refuses every other operation on it with errPending, "another operation
 * (install/upgrade/rollback) is in progress" (pkg/action/action.go); the API server refuses a StatefulSet update
 * outside its mutable fields (kubernetes/kubernetes v1.31.0 pkg/apis/apps/validation/validation.go,
 * ValidateStatefulSetUpdate); the run lock is a coordination.k8s.io/v1 Lease written with the resourceVersion it read,
 * so a second writer gets 409 Conflict (staging/src/k8s.io/api/coordination/v1/types.go; the mock's PutHandler checks
 * the resourceVersion as the API server does).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RecoveryAndPreflightOnFakeClusterTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .contextName("fake-recovery")
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
    void aReleaseADeadRunLeftPendingIsRolledBackAndTheRunConverges() {
        String ns = "rec-dead";
        assertThat(up(ns).code()).isZero();
        // what a SIGKILL in the middle of the logs phase's `helm upgrade obs-loki` leaves: revision 2 pending, revision
        // 1
        // still deployed, and a ledger that says the run is running and was writing obs-loki revision 2
        upgradeByHand(ns, "obs-loki", "loki");
        HelmRecords.setStatus(cluster.client(), ns, "obs-loki", 1, "deployed", "Install complete");
        HelmRecords.setStatus(cluster.client(), ns, "obs-loki", 2, "pending-upgrade", "Preparing upgrade");
        LedgerState before = ledger(ns);
        ledgerStore(ns)
                .write(before.withLastRun(new LedgerState.LastRun(
                        "obs-deadbeef",
                        RunState.RUNNING,
                        "logs",
                        Instant.parse("2026-12-06T10:00:00Z"),
                        "ci@gone-runner pid 4711",
                        Map.of("obs-loki", 2))));

        CliRun.Result result = up(ns);

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err())
                .contains(
                        "the previous run obs-deadbeef (ci@gone-runner pid 4711) died in phase 'logs' without finishing",
                        "obs-loki was left pending-upgrade at revision 2 by the dead run: marked failed and rolled back to revision 1 (now revision 3)");
        assertThat(statuses(ns, "obs-loki")).containsEntry(2, "failed").containsEntry(4, "deployed");
        assertThat(ledger(ns).lastRun().state()).isEqualTo(RunState.FINISHED);
    }

    @Test
    void aPendingReleaseNoRunExplainsIsLeftAloneWithTheCommandThatRecoversIt() {
        String ns = "rec-foreign";
        assertThat(up(ns).code()).isZero();
        // someone's own `helm upgrade obs-alloy`, still running (or killed): not ours to touch
        upgradeByHand(ns, "obs-alloy", "alloy");
        HelmRecords.setStatus(cluster.client(), ns, "obs-alloy", 1, "deployed", "Install complete");
        HelmRecords.setStatus(cluster.client(), ns, "obs-alloy", 2, "pending-upgrade", "Preparing upgrade");
        List<String> records = releaseRecords(ns);
        LedgerState ledgerBefore = ledger(ns);

        CliRun.Result result = up(ns, "--set", "values.loki.loki.limits_config.retention_period=48h");

        assertThat(result.code()).as(result.err()).isEqualTo(3);
        assertThat(result.err())
                .contains(
                        "release obs-alloy in namespace " + ns + " is pending-upgrade at revision 2",
                        "no obs-bootstrap run explains it",
                        "helm -n " + ns + " rollback obs-alloy 1",
                        "nothing was changed");
        assertThat(releaseRecords(ns)).as("no Helm write").isEqualTo(records);
        assertThat(ledger(ns)).as("no ledger write").isEqualTo(ledgerBefore);
    }

    @Test
    void aMissingCredentialIsFoundBeforeAnyPhaseIsWrittenAndStillReported() throws Exception {
        String ns = "rec-credential";
        Path config = Files.writeString(tmp.resolve("receivers.yaml"), """
                apiVersion: obs-bootstrap/v1
                profile: ci
                alerting:
                  receivers:
                    - {name: team-webhook, type: webhook, url: {fromEnv: OBS_TEST_UNSET_WEBHOOK_URL}}
                  route: {receiver: team-webhook}
                """);
        Path junit = tmp.resolve("reports/credential.xml");

        CliRun.Result result = CliRun.run(
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
                "-o",
                "json",
                "--junit",
                junit.toString());

        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("OBS_TEST_UNSET_WEBHOOK_URL", "not set", "nothing was changed");
        assertThat(releaseRecords(ns)).as("not a single Helm release").isEmpty();
        assertThat(cluster.client()
                        .configMaps()
                        .inNamespace(ns)
                        .withName(ConfigMapLedgerStore.NAME)
                        .get())
                .isNull();
        assertThat(cluster.client()
                        .leases()
                        .inNamespace(ns)
                        .withName(LeaseRunLock.NAME)
                        .get())
                .isNull();
        JsonNode json = JSON.readTree(result.out());
        assertThat(json.get("exitCode").asInt()).isEqualTo(2);
        assertThat(json.get("error").get("kind").asString()).isEqualTo("BAD_INPUT");
        assertThat(json.get("error").get("message").asString()).contains("OBS_TEST_UNSET_WEBHOOK_URL");
        assertThat(json.get("phases")).hasSize(5);
        assertThat(Files.readString(junit)).contains("<error", "type=\"BadInput\"", "OBS_TEST_UNSET_WEBHOOK_URL");
    }

    @Test
    void aChangeKubernetesWouldRefuseIsFoundBeforeAnyWrite() {
        String ns = "rec-immutable";
        assertThat(up(ns).code()).isZero();
        List<String> records = releaseRecords(ns);

        CliRun.Result result = up(
                ns,
                "--set",
                "values.tempo.persistence.enabled=true",
                "--set",
                "values.loki.loki.limits_config.retention_period=48h");

        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err())
                .contains(
                        "StatefulSet " + ns
                                + "/obs-tempo (release obs-tempo): the new values change spec.volumeClaimTemplates",
                        "kubectl -n " + ns + " delete statefulset obs-tempo --cascade=orphan",
                        "nothing was changed");
        assertThat(releaseRecords(ns))
                .as("not even the logs phase, before traces, was upgraded")
                .isEqualTo(records);
    }

    @Test
    void anObjectDeletedOutOfBandIsPutBack() {
        String ns = "rec-deleted";
        assertThat(up(ns).code()).isZero();
        cluster.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("obs-loki-gateway")
                .delete();

        CliRun.Result result = up(ns, "-o", "json");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err())
                .contains(
                        "[logs] 1 object of this phase was deleted outside obs-bootstrap (Deployment " + ns
                                + "/obs-loki-gateway): installing the phase again",
                        "[metrics] unchanged since run");
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("obs-loki-gateway")
                        .get())
                .isNotNull();
        JsonNode logs = JSON.readTree(result.out()).get("phases").get(2);
        assertThat(logs.get("releases").get(0).get("action").asString()).isEqualTo("repaired");
    }

    @Test
    void anotherRunHoldingTheLockRefusesUpDownAtOnceAndStatusShowsIt() {
        String ns = "rec-locked";
        RunIdentity other = new RunIdentity(
                "obs-other", "bob", "build-7", ProcessHandle.current().pid());
        try (RunLock.Held held = new LeaseRunLock(cluster.client(), ns).acquire(other)) {
            CliRun.Result up = up(ns);
            CliRun.Result down = CliRun.run(
                    new ControlledProbes(),
                    "down",
                    "--profile",
                    "ci",
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "-n",
                    ns,
                    "--yes");
            CliRun.Result status = CliRun.run(
                    new ControlledProbes(),
                    "status",
                    "--profile",
                    "ci",
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "-n",
                    ns);

            for (CliRun.Result refused : List.of(up, down)) {
                assertThat(refused.code()).as(refused.err()).isEqualTo(3);
                assertThat(refused.err())
                        .contains("another obs-bootstrap run holds the lock on namespace " + ns
                                + ": run obs-other by bob@build-7");
            }
            assertThat(up.err()).doesNotContain("installing release");
            assertThat(ledgerStore(ns).read().lastRun().runId())
                    .as("nothing recorded")
                    .isEmpty();
            assertThat(status.out()).contains("lock: held by run obs-other by bob@build-7");
        }
    }

    @Test
    void statusSaysWhenTheLastRunDied() {
        String ns = "rec-status";
        assertThat(up(ns).code()).isZero();
        ledgerStore(ns)
                .write(ledger(ns)
                        .withLastRun(new LedgerState.LastRun(
                                "obs-killed",
                                RunState.RUNNING,
                                "traces",
                                Instant.parse("2026-12-06T10:00:00Z"),
                                "ci@runner pid 9",
                                Map.of())));

        CliRun.Result status = CliRun.run(
                new ControlledProbes(), "status", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "-n", ns);

        assertThat(status.out())
                .contains("last run: obs-killed died while running", "in phase traces (ci@runner pid 9)", "lock: free");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static CliRun.Result up(String namespace, String... extra) {
        List<String> args = new ArrayList<>(List.of("--yes"));
        args.addAll(List.of(extra));
        return CliRun.run(
                new ControlledProbes(), CliRun.upArgs(kubeconfig, charts, namespace, args.toArray(String[]::new)));
    }

    /** `helm upgrade` of a release by hand, with its chart and no values: a new revision obs-bootstrap did not make. */
    private static void upgradeByHand(String namespace, String release, String chart) {
        new com.marcnuri.helm.Helm(charts.resolve(chart))
                .upgrade()
                .withName(release)
                .withNamespace(namespace)
                .withKubeConfigContents(cluster.kubeconfigYaml())
                .call();
    }

    /** Revision -> status of the release, from Helm's records. */
    private static Map<Integer, String> statuses(String namespace, String release) {
        Map<Integer, String> statuses = new TreeMap<>();
        for (Secret secret : cluster.client()
                .secrets()
                .inNamespace(namespace)
                .withLabel("owner", "helm")
                .withLabel("name", release)
                .list()
                .getItems()) {
            statuses.put(
                    Integer.parseInt(secret.getMetadata().getLabels().get("version")),
                    secret.getMetadata().getLabels().get("status"));
        }
        return statuses;
    }

    /** Every Helm record in the namespace with its status: changes when Helm writes anything. */
    private static List<String> releaseRecords(String namespace) {
        return cluster.client().secrets().inNamespace(namespace).withLabel("owner", "helm").list().getItems().stream()
                .map(s -> s.getMetadata().getName() + "="
                        + s.getMetadata().getLabels().get("status") + "@"
                        + s.getMetadata().getResourceVersion())
                .sorted()
                .toList();
    }

    private static ConfigMapLedgerStore ledgerStore(String namespace) {
        return new ConfigMapLedgerStore(cluster.client(), namespace);
    }

    private static LedgerState ledger(String namespace) {
        return ledgerStore(namespace).read();
    }
}
