package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as users run it ({@code java -jar obs-bootstrap.jar}): `up`, `status` and `diff` against the simulated
 * cluster. Run by failsafe after {@code package}; the unit tests use Maven's classpath, so only this sees what the jar
 * itself holds.
 */
class RunnableJarIT {
    @TempDir
    Path tmp;

    @Test
    void theJarInstallsReportsAndDiffsTheStack() throws Exception {
        Path jar = Path.of(System.getProperty("obs.runnable.jar", "target/obs-bootstrap.jar"));
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        try (FakeCluster cluster = FakeCluster.builder().contextName("fake-jar").start()) {
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
            Path charts = StackCharts.copyTo(tmp.resolve("charts"));

            Result up =
                    run(jar, CliRun.upArgs(kubeconfig, charts, "jar", "--timeout", "120s", "--yes", "--skip-verify"));
            assertThat(up.code()).as(up.err()).isZero();
            assertThat(up.out()).contains("How to reach the stack");

            Result status = run(jar, "status", "--kubeconfig", kubeconfig.toString(), "-n", "jar", "-o", "json");
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out()).contains("obs-alertmanager", "\"revision\" : 1");

            Result diff = run(
                    jar,
                    "diff",
                    "--profile",
                    "ci",
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "--charts-dir",
                    charts.toString(),
                    "-n",
                    "jar");
            assertThat(diff.code()).as(diff.out() + diff.err()).isZero();
            assertThat(diff.err()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        }
    }

    /**
     * bin/obs-bootstrap: the first up records the classes it loaded in a class list (a status does not); a later start
     * dumps a static archive from it in the background, checks that a JVM maps it and moves it into place, and drops a
     * damaged one (here: a dump cut short by a JAVA that truncates what -Xshare:dump wrote) without a crash report;
     * the list that gave no archive is recorded again by the next up; every later command maps the archive, picocli's
     * pre-Java-6 classes included (a JDK 17 dynamic archive cannot hold them), and nothing is recorded twice.
     */
    @Test
    void theLauncherScriptRecordsAClusterCommandsClassesAndUsesOnlyACompleteArchive() throws Exception {
        Path bin = Path.of("..", "bin", "obs-bootstrap").toAbsolutePath().normalize();
        Path cds = tmp.resolve("cache").resolve("cds");
        try (FakeCluster cluster = FakeCluster.builder().contextName("fake-bin").start()) {
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
            String[] status = {"status", "--kubeconfig", kubeconfig.toString(), "-n", "bin", "-o", "json"};
            String[] up = CliRun.upArgs(kubeconfig, charts(), "bin", "--timeout", "120s", "--yes", "--skip-verify");

            assertThat(script(bin, "", Map.of(), status).code())
                    .as("a status does not record: it would fix a small archive")
                    .isNotNegative();
            assertThat(files(cds, ".*\\.cluster\\..*")).isEmpty();
            // no request reaches the simulated cluster here: the kubeconfig path is refused before any connection
            Result failed = script(
                    bin,
                    "",
                    Map.of(),
                    CliRun.upArgs(tmp.resolve("no-such-kubeconfig.yaml"), charts(), "bin", "--yes", "--skip-verify"));
            assertThat(failed.code()).as("a kubeconfig that is not there").isEqualTo(2);
            assertThat(files(cds, ".*\\.cluster\\..*"))
                    .as("a failed up keeps no class list: the archive dumped from it would hold a few classes for good")
                    .isEmpty();
            Result first = script(bin, "", Map.of(), up);
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(files(cds, ".*\\.cluster\\.\\d+\\.classlist"))
                    .as(first.err())
                    .singleElement()
                    .satisfies(list -> assertThat(Files.readString(list)).contains("picocli/CommandLine\n"));
            assertThat(files(cds, ".*\\.cluster\\.jsa"))
                    .as("dumped by a later start")
                    .isEmpty();

            assertThat(script(bin, "", Map.of("OBS_TEST_TRUNCATE_DUMP", "1"), "--version")
                            .code())
                    .isZero();
            awaitDumped(cds, "cluster");
            assertThat(files(cds, ".*\\.cluster\\.(jsa|\\d+\\.tmp)"))
                    .as("a damaged archive is never moved into place")
                    .isEmpty();
            assertThat(files(cds, "(hs_err|core|replay).*"))
                    .as("no crash files")
                    .isEmpty();

            Result second = script(bin, "", Map.of(), up);
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(files(cds, ".*\\.cluster\\.\\d+\\.classlist"))
                    .as("recorded again: the first list gave no archive")
                    .hasSize(1);
            assertThat(script(bin, "", Map.of(), "--version").code()).isZero();
            awaitDumped(cds, "cluster");
            assertThat(files(cds, ".*\\.cluster\\.jsa"))
                    .as("checked and in place")
                    .hasSize(1);

            Path loaded = tmp.resolve("status-classes.txt");
            Result again = script(bin, "-Xshare:on -Xlog:class+load:file=" + loaded, Map.of(), status);
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.err()).doesNotContain("shared archive", "CDS");
            assertThat(Files.readString(loaded)).contains("picocli.CommandLine source: shared objects file");

            Result unchanged = script(bin, "-Xshare:on", Map.of(), up);
            assertThat(unchanged.code()).as(unchanged.err()).isZero();
            assertThat(files(cds, ".*\\.cluster\\.\\d+\\.classlist"))
                    .as("recorded once")
                    .isEmpty();
        }
    }

    /**
     * bin/obs-bootstrap: a plan records its own class list (Helm, helm-java, the schema checks: classes the offline
     * archive lacks), dumped into a static archive by the next start and mapped by the next plan, which records nothing.
     */
    @Test
    void theLauncherScriptRecordsAPlansClassesForPlan() throws Exception {
        Path bin = Path.of("..", "bin", "obs-bootstrap").toAbsolutePath().normalize();
        Path cds = tmp.resolve("cache").resolve("cds");
        Path charts = charts();
        String[] plan = {"plan", "--profile", "ci", "--charts-dir", charts.toString(), "--out", "", "-o", "json"};

        plan[6] = tmp.resolve("first").toString();
        Result first = script(bin, "", Map.of(), plan);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(files(cds, ".*\\.plan\\.\\d+\\.classlist")).hasSize(1);

        assertThat(script(bin, "", Map.of(), "--version").code()).isZero();
        awaitDumped(cds, "plan");
        assertThat(files(cds, ".*\\.plan\\.jsa")).as("checked and in place").hasSize(1);

        plan[6] = tmp.resolve("again").toString();
        Path loaded = tmp.resolve("plan-classes.txt");
        Result again = script(bin, "-Xshare:on -Xlog:class+load:file=" + loaded, Map.of(), plan);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readString(loaded)).contains("picocli.CommandLine source: shared objects file");
        assertThat(files(cds, ".*\\.plan\\.\\d+\\.classlist"))
                .as("recorded once")
                .isEmpty();
    }

    private Path charts() throws IOException {
        Path charts = tmp.resolve("charts");
        return Files.isDirectory(charts) ? charts : StackCharts.copyTo(charts);
    }

    /** Waits until the background dump of that kind has used up its class lists (moved the archive in place or not). */
    private static void awaitDumped(Path cds, String kind) throws IOException, InterruptedException {
        String pattern = ".*\\." + kind + "\\.\\d+\\.(classlist|tmp)";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!files(cds, pattern).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(files(cds, pattern)).as("the %s list dumped", kind).isEmpty();
    }

    private static List<Path> files(Path dir, String regex) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().matches(regex))
                    .toList();
        }
    }

    /**
     * Runs the script with a JAVA that is the test's JVM behind a wrapper (the same JAVA for every run: it is part of
     * the archives' key), which cuts the archive a -Xshare:dump wrote to 64 KB when OBS_TEST_TRUNCATE_DUMP is set.
     */
    private Result script(Path bin, String javaOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OBS_BOOTSTRAP_CACHE", tmp.resolve("cache").toString());
        builder.environment().put("JAVA", javaWrapper().toString());
        builder.environment().put("OBS_BOOTSTRAP_JAVA_OPTS", javaOptions);
        builder.environment().remove("OBS_BOOTSTRAP_JAR");
        builder.environment().remove("OBS_BOOTSTRAP_CDS");
        builder.environment().remove("OBS_TEST_TRUNCATE_DUMP");
        builder.environment().putAll(env);
        return finish(builder, String.join(" ", args));
    }

    private Path javaWrapper() throws IOException {
        Path wrapper = tmp.resolve("java-wrapper");
        if (!Files.exists(wrapper)) {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.writeString(
                    wrapper,
                    String.join(
                            "\n",
                            "#!/bin/sh",
                            "case \" $* \" in",
                            "  *\" -Xshare:dump \"*) ;;",
                            "  *) exec '" + java + "' \"$@\" ;;",
                            "esac",
                            "'" + java + "' \"$@\"",
                            "code=$?",
                            "if [ -n \"${OBS_TEST_TRUNCATE_DUMP:-}\" ]; then",
                            "  for arg; do",
                            "    case \"$arg\" in -XX:SharedArchiveFile=*)",
                            "      chmod u+w \"${arg#*=}\" && truncate -s 65536 \"${arg#*=}\" ;;",
                            "    esac",
                            "  done",
                            "fi",
                            "exit $code",
                            ""));
            wrapper.toFile().setExecutable(true);
        }
        return wrapper;
    }

    private record Result(int code, String out, String err) {}

    private Result run(Path jar, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        return finish(new ProcessBuilder(command), String.join(" ", args));
    }

    private Result finish(ProcessBuilder builder, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(what + " did not finish within 180 s: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
