package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.lock.LeaseRunLock;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunState;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.Stall;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real signals, a real SIGKILL and two real processes racing, against the simulated cluster that this JVM serves.
 * Each child is {@code obs-bootstrap up --skip-verify} (probes cannot reach pods on the simulated cluster), with the
 * fixture charts and real Helm: by the time a signal is sent, Helm's Go runtime has been loaded and has called
 * {@code signal.Notify}, which is what used to swallow Ctrl-C and SIGTERM.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalsKillsAndRacesInChildJvmTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration START = Duration.ofSeconds(90);
    /** A signal must end the run within seconds: the step in flight finishes, then the reports. */
    private static final Duration STOPS_WITHIN = Duration.ofSeconds(15);

    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;

    @BeforeAll
    static void startCluster() {
        cluster = FakeCluster.builder()
                .contextName("fake-signals")
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
    void ctrlCDuringAReadinessWaitStopsTheRunAndTheNextUpContinues() throws Exception {
        String ns = "sig-wait";
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.slow(Duration.ofSeconds(120)));
        Path junit = tmp.resolve("reports/sig-wait.xml");

        try (ChildCli child = ChildCli.start(
                tmp.resolve("logs"), "sig-wait", upArgs(ns, "-o", "json", "--junit", junit.toString()))) {
            assertThat(child.awaitErr("[logs] obs-loki: 0/2 workloads ready", START))
                    .as(child.err())
                    .isTrue();
            long signalled = System.nanoTime();
            child.signal("INT");

            assertThat(child.exitCode(STOPS_WITHIN)).as(child.err()).isEqualTo(130);
            System.err.printf(
                    "SIGINT during a readiness wait: exit 130 after %d ms%n",
                    (System.nanoTime() - signalled) / 1_000_000);
            assertThat(child.err()).contains("SIGINT received", "interrupted: stopping before anything else changes");
            JsonNode report = JSON.readTree(child.out());
            assertThat(report.get("exitCode").asInt()).isEqualTo(130);
            assertThat(report.get("error").get("kind").asString()).isEqualTo("INTERRUPTED");
            assertThat(statuses(report))
                    .containsExactly(
                            "crds=UNVERIFIED",
                            "metrics=UNVERIFIED",
                            "logs=INTERRUPTED",
                            "traces=SKIPPED",
                            "alerting=SKIPPED");
            assertThat(Files.readString(junit)).contains("type=\"Interrupted\"");
        }
        LedgerState ledger = ledger(ns);
        assertThat(ledger.lastRun().state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(ledger.lastRun().stoppedAt()).isEqualTo("logs");
        assertThat(new LeaseRunLock(cluster.client(), ns).holder())
                .as("the lock was released")
                .isEmpty();

        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.ready());
        touch(ns, "obs-loki");
        CliRun.Result next = CliRun.run(new ControlledProbes(), upArgs(ns));
        assertThat(next.code()).as(next.err()).isZero();
        assertThat(next.err())
                .contains("was interrupted in phase 'logs': continuing from there", "[metrics] unchanged since run");
    }

    @Test
    void sigtermDuringAHelmInstallLetsHelmFinishThenStops() throws Exception {
        String ns = "sig-helm";
        // Helm's last write of an install marks its release record deployed: held, the child is inside `helm install`
        Stall deployedWrite = cluster.stall("PUT", "/namespaces/" + ns + "/secrets/sh.helm.release.v1.obs-loki.v1");

        try (ChildCli child = ChildCli.start(tmp.resolve("logs"), "sig-helm", upArgs(ns, "-o", "json"))) {
            assertThat(deployedWrite.awaitArrived(START)).as(child.err()).isTrue();
            child.signal("TERM");
            assertThat(child.awaitErr("SIGTERM received", Duration.ofSeconds(10)))
                    .as(child.err())
                    .isTrue();
            long signalled = System.nanoTime();
            deployedWrite.release();

            assertThat(child.exitCode(STOPS_WITHIN)).as(child.err()).isEqualTo(143);
            System.err.printf(
                    "SIGTERM during helm install: exit 143 %d ms after Helm's write went through%n",
                    (System.nanoTime() - signalled) / 1_000_000);
            JsonNode report = JSON.readTree(child.out());
            assertThat(report.get("error").get("kind").asString()).isEqualTo("TERMINATED");
            assertThat(statuses(report)).contains("logs=INTERRUPTED");
        }
        assertThat(statuses(ns, "obs-loki")).as("Helm finished its install").containsExactly(Map.entry(1, "deployed"));
        assertThat(statuses(ns, "obs-alloy")).as("nothing after the signal").isEmpty();
        assertThat(ledger(ns).lastRun().state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(ledger(ns).entry("metrics").orElseThrow().verdict()).isEqualTo(PhaseStatus.UNVERIFIED);
    }

    @Test
    void aRunKilledDuringAHelmInstallLeavesNothingTheNextUpCannotRepair() throws Exception {
        String ns = "kill-helm";
        Stall deployedWrite = cluster.stall("PUT", "/namespaces/" + ns + "/secrets/sh.helm.release.v1.obs-loki.v1");
        long killedPid;
        Path scratch;

        try (ChildCli child = ChildCli.start(tmp.resolve("logs"), "kill-helm", upArgs(ns))) {
            assertThat(deployedWrite.awaitArrived(START)).as(child.err()).isTrue();
            killedPid = child.pid();
            child.signal("KILL");
            assertThat(child.exitCode(STOPS_WITHIN)).isEqualTo(137);
            deployedWrite.drop(); // the write never lands: the release stays pending-install, as after a real kill
        }
        assertThat(statuses(ns, "obs-loki")).containsExactly(Map.entry(1, "pending-install"));
        LedgerState dead = ledger(ns);
        assertThat(dead.lastRun().state()).isEqualTo(RunState.RUNNING);
        assertThat(dead.lastRun().inFlight()).containsEntry("obs-loki", 1);
        assertThat(new LeaseRunLock(cluster.client(), ns).lastHolder())
                .hasValueSatisfying(h -> assertThat(h.identity().pid()).isEqualTo(killedPid));
        scratch = Path.of(
                System.getProperty("java.io.tmpdir"),
                "obs-bootstrap-" + System.getProperty("user.name"),
                Long.toString(killedPid));
        assertThat(filesUnder(scratch))
                .as("no kubeconfig copy, no token on disk")
                .noneMatch(file -> contains(file, "fake-cluster-token"));

        // the next start, in a process of its own as it would be
        String nextErr;
        try (ChildCli next = ChildCli.start(tmp.resolve("logs"), "kill-helm-next", upArgs(ns))) {
            assertThat(next.exitCode(START)).as(next.err()).isZero();
            nextErr = next.err();
        }
        assertThat(nextErr)
                .contains(
                        "took over the run lock from run " + dead.lastRun().runId(),
                        "the previous run " + dead.lastRun().runId(),
                        "died in phase 'logs' without finishing",
                        "obs-loki was left pending-install at revision 1 by the dead run and had never been deployed: removed");
        assertThat(statuses(ns, "obs-loki")).containsValue("deployed");
        assertThat(ledger(ns).lastRun().state()).isEqualTo(RunState.FINISHED);
        assertThat(scratch)
                .as("the next start removed the killed run's temporary directory")
                .doesNotExist();
    }

    @Test
    void twoRunsStartedTogetherNeverBothWrite() throws Exception {
        String ns = "race";
        // the winner holds the lock for a while: its metrics phase takes a few seconds (only that phase: slowing every
        // phase's workloads made this test 32 s of the suite's critical path, for no more of a race)
        cluster.kubelet().behave(ns + "/obs-metrics*", WorkloadBehaviour.slow(Duration.ofSeconds(3)));
        Path logs = tmp.resolve("logs");

        try (ChildCli first = ChildCli.start(logs, "race-1", upArgs(ns));
                ChildCli second = ChildCli.start(logs, "race-2", upArgs(ns))) {
            int firstCode = first.exitCode(Duration.ofSeconds(150));
            int secondCode = second.exitCode(Duration.ofSeconds(150));

            List<Integer> codes = new ArrayList<>(List.of(firstCode, secondCode));
            assertThat(codes).as(first.err() + "\n---\n" + second.err()).containsExactlyInAnyOrder(0, 3);
            ChildCli winner = firstCode == 0 ? first : second;
            ChildCli loser = firstCode == 0 ? second : first;
            String winnerRun = ledger(ns).lastRun().runId();
            assertThat(loser.err())
                    .contains("another obs-bootstrap run holds the lock on namespace " + ns + ": run " + winnerRun)
                    .doesNotContain("installing release", "CRDs server-side applied", "Secret " + ns);
            assertThat(winner.err()).contains("installing release obs-metrics");
            System.err.printf(
                    "two concurrent ups: the loser refused after %d ms%n",
                    loser.elapsed().toMillis());
        }
        assertThat(ledger(ns).lastRun().state()).isEqualTo(RunState.FINISHED);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String[] upArgs(String namespace, String... extra) {
        List<String> args = new ArrayList<>(List.of("--timeout", "150s", "--yes", "--skip-verify"));
        args.addAll(List.of(extra));
        return CliRun.upArgs(kubeconfig, charts, namespace, args.toArray(String[]::new));
    }

    /** The simulated kubelet acts on workload events: touch the release's workloads so it looks at them again. */
    private static void touch(String namespace, String release) {
        var merge = io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE);
        String patch =
                "{\"metadata\":{\"annotations\":{\"test.obs-bootstrap.dev/kubelet\":\"" + System.nanoTime() + "\"}}}";
        var statefulSets = cluster.client().apps().statefulSets().inNamespace(namespace);
        statefulSets
                .withLabel("app.kubernetes.io/instance", release)
                .list()
                .getItems()
                .forEach(sts ->
                        statefulSets.withName(sts.getMetadata().getName()).patch(merge, patch));
        var deployments = cluster.client().apps().deployments().inNamespace(namespace);
        deployments
                .withLabel("app.kubernetes.io/instance", release)
                .list()
                .getItems()
                .forEach(d -> deployments.withName(d.getMetadata().getName()).patch(merge, patch));
    }

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

    private static List<String> statuses(JsonNode report) {
        List<String> statuses = new ArrayList<>();
        report.get("phases")
                .forEach(phase -> statuses.add(
                        phase.get("id").asString() + "=" + phase.get("status").asString()));
        return statuses;
    }

    private static LedgerState ledger(String namespace) {
        return new ConfigMapLedgerStore(cluster.client(), namespace).read();
    }

    private static List<Path> filesUnder(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (Exception e) {
            return false;
        }
    }
}
