package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.lock.LeaseRunLock;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.Stall;
import dev.obsbootstrap.core.testing.TcpProxy;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix of the review of 2026-12-01 (reference/reviews/fault-matrix.md), replayed: every case runs
 * obs-bootstrap in a child JVM against the simulated cluster (behind a TCP proxy that can cut the API server off),
 * with real signals and kills, and the next plain {@code up} that has to converge. Prints one row per case: the exit
 * code and wall time of the faulty run, the line that says what happened, and how the next {@code up} ended.
 * Also written to obs-bootstrap-cli/target/fault-matrix.md.
 *
 * <p>Not part of the default test run (tag {@code benchmark}): bench/fault-matrix.sh runs it. It asserts nothing
 * about timing; it fails only when a case ends with an exit code other than the one the issue asks for.
 */
@Tag("benchmark")
@Timeout(value = 1200, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultMatrixBench {
    private static final Duration LONG = Duration.ofSeconds(240);

    @TempDir
    Path tmp;

    private FakeCluster cluster;
    private TcpProxy proxy;
    private Path kubeconfig;
    private Path charts;
    private final List<String> rows = new ArrayList<>();
    private final List<String> wrong = new ArrayList<>();

    @Test
    void everyCaseEndsWithTheRightExitCodeAndTheNextUpConverges() throws Exception {
        charts = StackCharts.copyTo(tmp.resolve("charts"));
        try (FakeCluster started = FakeCluster.builder()
                        .contextName("fake-faults")
                        .kubernetesVersion("1.31.0")
                        .start();
                TcpProxy front =
                        TcpProxy.to(Integer.parseInt(started.serverUrl().replaceAll(".*:", "")))) {
            cluster = started;
            proxy = front;
            kubeconfig = Files.writeString(
                    tmp.resolve("kubeconfig.yaml"), cluster.kubeconfigYaml().replace(cluster.serverUrl(), proxy.url()));

            killDuringPendingInstall();
            killDuringPendingUpgrade();
            killAfterDeploy();
            interruptWhilePreparing();
            signalDuringReadinessWait("INT", 130, "2b");
            signalDuringReadinessWait("TERM", 143, "2b'");
            interruptDuringHelmInstall();
            interruptBeforeFirstHelmCall();
            crashLoopingLoki(false, "3a");
            crashLoopingLoki(true, "3b");
            crashingUpgradeRolledBack();
            apiCutDuringHelmInstall();
            apiCutDuringReadinessWait();
            lastingOutageWithShortTimeout();
            unreachableFromTheStart();
            valuesChange();
            secretCanaries();
            protectedContext();
            downThenUp();
            concurrentUps(false, "8c");
            concurrentUps(true, "8d");
            helpEverywhere();
            deletedOutOfBand();
            badInput();
        } finally {
            String table = "| # | case | exit | time | what the user saw | next `up` |\n|---|---|---|---|---|---|\n"
                    + String.join("\n", rows) + "\n";
            System.out.println("\nfault matrix:\n" + table);
            Path target = Path.of("target", "fault-matrix.md");
            Files.createDirectories(target.getParent());
            Files.writeString(target, table);
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError("cases with an unexpected exit code: " + wrong);
        }
    }

    // ---- 1. kills ------------------------------------------------------------------------------------------------

    private void killDuringPendingInstall() throws Exception {
        String ns = "f1a";
        Stall deployed = cluster.stall("PUT", "/namespaces/" + ns + "/secrets/sh.helm.release.v1.obs-metrics.v1");
        ChildCli run = child(ns + "-run", upArgs(ns));
        deployed.awaitArrived(LONG);
        run.signal("KILL");
        int code = run.exitCode(LONG);
        deployed.drop();
        record(
                "1a",
                "SIGKILL while obs-metrics is pending-install",
                137,
                code,
                run,
                "release " + statuses(ns, "obs-metrics") + "; " + ledgerState(ns),
                converge(ns));
    }

    private void killDuringPendingUpgrade() throws Exception {
        String ns = "f1b";
        converge(ns);
        Stall deployed = cluster.stall("PUT", "/namespaces/" + ns + "/secrets/sh.helm.release.v1.obs-loki.v2");
        ChildCli run = child(ns + "-run", upArgs(ns, "--set", "values.loki.loki.limits_config.retention_period=72h"));
        deployed.awaitArrived(LONG);
        run.signal("KILL");
        int code = run.exitCode(LONG);
        deployed.drop();
        record(
                "1b",
                "SIGKILL while obs-loki is pending-upgrade",
                137,
                code,
                run,
                "loki " + statuses(ns, "obs-loki"),
                converge(ns, "--set", "values.loki.loki.limits_config.retention_period=72h"));
    }

    private void killAfterDeploy() throws Exception {
        String ns = "f1c";
        ChildCli run = child(ns + "-run", upArgs(ns));
        run.awaitErr("obs-metrics revision 1: 5/5 workloads ready", LONG);
        run.signal("KILL");
        int code = run.exitCode(LONG);
        record("1c", "SIGKILL just after obs-metrics was deployed", 137, code, run, ledgerState(ns), converge(ns));
    }

    // ---- 2. signals ----------------------------------------------------------------------------------------------

    private void interruptWhilePreparing() throws Exception {
        String ns = "f2a";
        ChildCli run = child(ns + "-run", upArgs(ns));
        run.awaitErr("run obs-", LONG);
        Thread.sleep(300);
        long signalled = System.nanoTime();
        run.signal("INT");
        int code = run.exitCode(LONG);
        record(
                "2a",
                "SIGINT 0.3 s into the run (Helm already loaded)",
                130,
                code,
                run,
                "exit " + sinceMillis(signalled) + " ms after the signal; "
                        + firstLine(run.err(), "nothing was changed|stopped"),
                converge(ns));
    }

    private void signalDuringReadinessWait(String signal, int expected, String id) throws Exception {
        String ns = "f2b-" + signal.toLowerCase();
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.slow(Duration.ofSeconds(200)));
        ChildCli run = child(ns + "-run", upArgs(ns));
        run.awaitErr("[logs] obs-loki: 0/2 workloads ready", LONG);
        long signalled = System.nanoTime();
        run.signal(signal);
        int code = run.exitCode(LONG);
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.ready());
        touch(ns, "obs-loki");
        record(
                id,
                "SIG" + signal + " during the logs readiness wait",
                expected,
                code,
                run,
                "exit " + sinceMillis(signalled) + " ms after the signal; " + ledgerState(ns),
                converge(ns));
    }

    private void interruptDuringHelmInstall() throws Exception {
        String ns = "f2d";
        Stall deployed = cluster.stall("PUT", "/namespaces/" + ns + "/secrets/sh.helm.release.v1.obs-metrics.v1");
        ChildCli run = child(ns + "-run", upArgs(ns));
        deployed.awaitArrived(LONG);
        run.signal("INT");
        Thread.sleep(500);
        long released = System.nanoTime();
        deployed.release();
        int code = run.exitCode(LONG);
        record(
                "2d",
                "SIGINT while a Helm install is running",
                130,
                code,
                run,
                "exit " + sinceMillis(released) + " ms after Helm's write finished; metrics "
                        + statuses(ns, "obs-metrics"),
                converge(ns));
    }

    private void interruptBeforeFirstHelmCall() throws Exception {
        String ns = "f2e";
        ChildCli run = child(ns + "-run", upArgs(ns));
        run.awaitErr("target:", LONG);
        run.signal("INT");
        int code = run.exitCode(LONG);
        record(
                "2e",
                "SIGINT at the target line, before any Helm call",
                130,
                code,
                run,
                firstLine(run.err(), "nothing was changed|stopped"),
                converge(ns));
    }

    // ---- 3. broken workloads -------------------------------------------------------------------------------------

    private void crashLoopingLoki(boolean rollback, String id) throws Exception {
        String ns = rollback ? "f3b" : "f3a";
        cluster.kubelet()
                .behave(ns + "/obs-loki*", WorkloadBehaviour.crashLoop("level=info msg=starting", "panic: boom"));
        List<String> args = new ArrayList<>(List.of(upArgs(ns, false)));
        if (rollback) {
            args.addAll(List.of("--on-failure", "rollback"));
        }
        ChildCli run = child(ns + "-run", args.toArray(String[]::new));
        int code = run.exitCode(LONG);
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.ready());
        record(
                id,
                "crash-looping Loki, the profile's timeouts" + (rollback ? ", --on-failure rollback" : ""),
                3,
                code,
                run,
                firstLine(run.err(), "CrashLoopBackOff") + " / "
                        + firstLine(run.err(), rollback ? "uninstalled" : "What to do"),
                "-");
    }

    private void crashingUpgradeRolledBack() throws Exception {
        String ns = "f3c";
        converge(ns);
        cluster.kubelet().behave(ns + "/obs-loki", WorkloadBehaviour.crashLoop("panic: bad retention"));
        ChildCli run = child(
                ns + "-run",
                upArgs(ns, "--set", "values.loki.loki.limits_config.retention_period=48h", "--on-failure", "rollback"));
        int code = run.exitCode(LONG);
        cluster.kubelet().behave(ns + "/obs-loki", WorkloadBehaviour.ready());
        touch(ns, "obs-loki");
        record(
                "3c",
                "an upgrade that crash-loops, --on-failure rollback",
                3,
                code,
                run,
                firstLine(run.err(), "rolled back to revision"),
                converge(ns));
    }

    // ---- 4. the API server goes away -----------------------------------------------------------------------------

    private void apiCutDuringHelmInstall() throws Exception {
        String ns = "f4a";
        Stall created = cluster.stall("POST", "/namespaces/" + ns + "/secrets");
        ChildCli run = child(ns + "-run", upArgs(ns));
        created.awaitArrived(LONG);
        proxy.cut();
        created.release();
        int code = run.exitCode(LONG);
        proxy.restore();
        record(
                "4a",
                "API server refusing connections during the first Helm install",
                3,
                code,
                run,
                firstLine(run.err(), "refused|lost the Kubernetes"),
                converge(ns));
    }

    private void apiCutDuringReadinessWait() throws Exception {
        String ns = "f4b";
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.slow(Duration.ofSeconds(8)));
        ChildCli run = child(ns + "-run", upArgs(ns));
        run.awaitErr("[logs] obs-loki: 0/2 workloads ready", LONG);
        proxy.cut();
        Thread.sleep(20_000);
        proxy.restore();
        int code = run.exitCode(LONG);
        record(
                "4b",
                "API server cut for 20 s during the logs readiness wait",
                0,
                code,
                run,
                firstLine(run.err(), "cannot read the pods") + " / " + firstLine(run.err(), "answers again"),
                "-");
    }

    private void lastingOutageWithShortTimeout() throws Exception {
        String ns = "f4e";
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.slow(Duration.ofSeconds(200)));
        ChildCli run = child(ns + "-run", upArgs(ns, "--timeout", "30s"));
        run.awaitErr("[logs] obs-loki: 0/2 workloads ready", LONG);
        long cut = System.nanoTime();
        proxy.cut();
        int code = run.exitCode(LONG);
        long exitedAfter = sinceMillis(cut);
        proxy.restore();
        cluster.kubelet().behave(ns + "/obs-loki*", WorkloadBehaviour.ready());
        touch(ns, "obs-loki");
        record(
                "4e",
                "API server gone for good, --timeout 30s",
                3,
                code,
                run,
                "exit " + exitedAfter / 1000 + " s after the cut; "
                        + firstLine(run.err(), "lost the Kubernetes|refused"),
                converge(ns));
    }

    private void unreachableFromTheStart() throws Exception {
        proxy.cut();
        ChildCli run = child("f4f-run", upArgs("f4f"));
        int code = run.exitCode(LONG);
        proxy.restore();
        record("4f", "API server unreachable from the start", 3, code, run, firstLine(run.err(), "cannot reach"), "-");
    }

    // ---- 5-9 -----------------------------------------------------------------------------------------------------

    private void valuesChange() throws Exception {
        String ns = "f5a";
        converge(ns);
        ChildCli run = child(ns + "-run", upArgs(ns, "--set", "values.loki.loki.limits_config.retention_period=72h"));
        int code = run.exitCode(LONG);
        List<String> upgraded = new ArrayList<>();
        Matcher matcher = Pattern.compile("upgrading release (\\S+)").matcher(run.err());
        while (matcher.find()) {
            upgraded.add(matcher.group(1));
        }
        record("5a", "a change to Loki's values on an installed stack", 0, code, run, "upgraded: " + upgraded, "-");
    }

    private void secretCanaries() throws Exception {
        String ns = "f6";
        Path junit = tmp.resolve("f6.xml");
        Map<String, String> env = Map.of("GRAFANA_ADMIN_PASSWORD", "canaryPW-31337");
        ChildCli run = ChildCli.start(
                tmp.resolve("logs"),
                ns + "-run",
                env,
                upArgs(ns, "--debug", "-o", "json", "--junit", junit.toString()));
        int code = run.exitCode(LONG);
        long hits = Stream.of(run.out(), run.err(), Files.readString(junit))
                .filter(text -> text.contains("canaryPW-31337"))
                .count();
        Path scratchRoot =
                Path.of(System.getProperty("java.io.tmpdir"), "obs-bootstrap-" + System.getProperty("user.name"));
        long fileHits = 0;
        if (Files.isDirectory(scratchRoot)) {
            try (Stream<Path> files = Files.walk(scratchRoot)) {
                fileHits = files.filter(Files::isRegularFile)
                        .filter(f -> read(f).contains("canaryPW-31337") || read(f).contains("fake-cluster-token"))
                        .count();
            }
        }
        record(
                "6",
                "GRAFANA_ADMIN_PASSWORD canary, --debug -o json --junit",
                0,
                code,
                run,
                "canary in stdout/stderr/JUnit: " + hits + "; canary or kube token in temporary files: " + fileHits,
                "-");
    }

    private void protectedContext() throws Exception {
        Path config = Files.writeString(
                tmp.resolve("protected.yaml"),
                "apiVersion: obs-bootstrap/v1\nprofile: ci\ncluster:\n  protectedPatterns: ['fake-.*']\n");
        int before = cluster.requests().size();
        ChildCli run = child(
                "f7-run",
                "up",
                "-f",
                config.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                "f7");
        int code = run.exitCode(LONG);
        List<String> requests = cluster.requests();
        long others = requests.subList(Math.min(before, requests.size()), requests.size()).stream()
                .filter(r -> !r.contains("GET /version"))
                .count();
        record(
                "7",
                "protected context without --yes",
                2,
                code,
                run,
                "requests other than GET /version: " + others,
                "-");
    }

    private void downThenUp() throws Exception {
        String ns = "f8a";
        converge(ns);
        ChildCli down = child(
                ns + "-down", "down", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "-n", ns, "--yes");
        int code = down.exitCode(LONG);
        record("8a", "down --yes, then up", 0, code, down, firstLine(down.err(), "uninstalled"), converge(ns));
    }

    private void concurrentUps(boolean loserRollsBack, String id) throws Exception {
        String ns = loserRollsBack ? "f8d" : "f8c";
        cluster.kubelet().behave(ns + "/obs-*", WorkloadBehaviour.slow(Duration.ofSeconds(3)));
        List<String> second = new ArrayList<>(List.of(upArgs(ns)));
        if (loserRollsBack) {
            second.addAll(List.of("--on-failure", "rollback"));
        }
        ChildCli a = child(ns + "-a", upArgs(ns));
        ChildCli b = child(ns + "-b", second.toArray(String[]::new));
        int codeA = a.exitCode(LONG);
        int codeB = b.exitCode(LONG);
        ChildCli loser = codeA == 3 ? a : b;
        boolean ok = List.of(codeA, codeB).containsAll(List.of(0, 3));
        String line = "exits " + codeA + " and " + codeB + "; loser: " + firstLine(loser.err(), "holds the lock")
                + "; metrics " + statuses(ns, "obs-metrics");
        rows.add(row(
                id,
                "two `up` at once" + (loserRollsBack ? ", one with --on-failure rollback" : ""),
                codeA + " + " + codeB,
                Math.max(a.elapsed().toMillis(), b.elapsed().toMillis()),
                line,
                "-"));
        if (!ok) {
            wrong.add(id);
        }
    }

    private void helpEverywhere() throws Exception {
        List<Integer> codes = new ArrayList<>();
        long started = System.nanoTime();
        ChildCli last = null;
        for (String command : List.of("up", "down", "status", "verify", "version", "plan")) {
            last = child("f9a-" + command, command, "--help");
            codes.add(last.exitCode(LONG));
        }
        record(
                "9a",
                "--help on up, down, status, verify, version, plan",
                0,
                codes.stream().allMatch(c -> c == 0) ? 0 : 2,
                sinceMillis(started),
                "exit codes " + codes,
                "-");
    }

    private void deletedOutOfBand() throws Exception {
        String ns = "f9b";
        converge(ns);
        cluster.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("obs-loki-gateway")
                .delete();
        ChildCli run = child(ns + "-run", upArgs(ns));
        int code = run.exitCode(LONG);
        boolean back = cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("obs-loki-gateway")
                        .get()
                != null;
        record(
                "9b",
                "Deployment obs-loki-gateway deleted with kubectl, then up",
                0,
                code,
                run,
                firstLine(run.err(), "deleted outside") + "; gateway back: " + back,
                "-");
    }

    private void badInput() throws Exception {
        int before = cluster.requests().size();
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("--timeout 10x", List.of("--timeout", "10x"));
        cases.put("--on-failure foo", List.of("--on-failure", "foo"));
        cases.put("--junit /tmp", List.of("--junit", "/tmp"));
        cases.put("--context nope", List.of("--context", "nope"));
        cases.put("--only bogus", List.of("--only", "bogus"));
        List<Integer> codes = new ArrayList<>();
        long started = System.nanoTime();
        for (Map.Entry<String, List<String>> input : cases.entrySet()) {
            List<String> args = new ArrayList<>(
                    List.of("up", "--profile", "ci", "--kubeconfig", kubeconfig.toString(), "-n", "f9d"));
            args.addAll(input.getValue());
            codes.add(child("f9d-" + codes.size(), args.toArray(String[]::new)).exitCode(LONG));
        }
        List<String> requests = cluster.requests();
        long writes = requests.subList(Math.min(before, requests.size()), requests.size()).stream()
                .filter(r -> r.matches(".*\\s(POST|PUT|PATCH|DELETE)\\s.*"))
                .count();
        record(
                "9d",
                "bad input: " + String.join(", ", cases.keySet()),
                2,
                codes.stream().allMatch(c -> c == 2) ? 2 : -1,
                sinceMillis(started),
                "exit codes " + codes + "; write requests: " + writes,
                "-");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private ChildCli child(String name, String... args) {
        return ChildCli.start(tmp.resolve("logs"), name, args);
    }

    private String[] upArgs(String namespace, String... extra) {
        return upArgs(namespace, true, extra);
    }

    private String[] upArgs(String namespace, boolean timeout, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "up",
                "--profile",
                "ci",
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                namespace,
                "--yes",
                "--skip-verify"));
        if (timeout && !List.of(extra).contains("--timeout")) {
            args.addAll(List.of("--timeout", "90s"));
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** A plain `up` in a fresh process: "exit N in T s". */
    private String converge(String namespace, String... extra) throws Exception {
        ChildCli next = child(namespace + "-next-" + System.nanoTime(), upArgs(namespace, extra));
        int code = next.exitCode(LONG);
        String all = String.join(
                ", ",
                StackCharts.RELEASES.stream()
                        .map(r -> r
                                + statuses(namespace, r).values().stream()
                                        .filter("deployed"::equals)
                                        .findFirst()
                                        .map(s -> "")
                                        .orElse(" NOT DEPLOYED"))
                        .filter(s -> s.contains("NOT"))
                        .toList());
        return "exit " + code + " in " + next.elapsed().toMillis() / 100 / 10.0 + " s"
                + (all.isEmpty() ? ", all deployed" : ", " + all);
    }

    private void record(String id, String description, int expected, int code, ChildCli run, String seen, String next) {
        record(id, description, expected, code, run.elapsed().toMillis(), seen, next);
    }

    private void record(String id, String description, int expected, int code, long millis, String seen, String next) {
        rows.add(row(id, description, Integer.toString(code), millis, seen, next));
        if (code != expected) {
            wrong.add(id + " (exit " + code + ", expected " + expected + ")");
        }
    }

    private static String row(String id, String description, String code, long millis, String seen, String next) {
        return "| " + id + " | " + description + " | " + code + " | " + millis / 100 / 10.0 + " s | "
                + seen.replace("|", "/") + " | " + next + " |";
    }

    private Map<Integer, String> statuses(String namespace, String release) {
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

    private String ledgerState(String namespace) {
        var last = new ConfigMapLedgerStore(cluster.client(), namespace).read().lastRun();
        var holder = new LeaseRunLock(cluster.client(), namespace).lastHolder();
        return "ledger " + last.state() + (last.stoppedAt().isEmpty() ? "" : " at " + last.stoppedAt()) + ", lock "
                + holder.map(h -> "of pid " + h.identity().pid()).orElse("free");
    }

    private void touch(String namespace, String release) {
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

    private static long sinceMillis(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String firstLine(String text, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return text.lines()
                .filter(line -> pattern.matcher(line).find())
                .findFirst()
                .map(line -> line.length() > 160 ? line.substring(0, 157) + "..." : line)
                .orElse("(no such line)");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }
}
