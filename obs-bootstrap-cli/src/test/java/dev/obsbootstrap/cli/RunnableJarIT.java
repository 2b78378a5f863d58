package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
     * bin/obs-bootstrap: the first up leaves the classes it loaded in a pending archive (a status does not); the next
     * start checks it in the background and moves it into place, and drops an incomplete one (as a run killed while
     * the JVM wrote it would leave); every later command maps it (-Xshare:on fails the JVM when it cannot).
     */
    @Test
    void theLauncherScriptRecordsAClusterCommandsClassesAndUsesOnlyACompleteArchive() throws Exception {
        Path bin = Path.of("..", "bin", "obs-bootstrap").toAbsolutePath().normalize();
        Path cds = tmp.resolve("cache").resolve("cds");
        try (FakeCluster cluster = FakeCluster.builder().contextName("fake-bin").start()) {
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
            String[] status = {"status", "--kubeconfig", kubeconfig.toString(), "-n", "bin", "-o", "json"};
            Path charts = StackCharts.copyTo(tmp.resolve("charts"));

            assertThat(script(bin, "", status).code())
                    .as("a status does not record: it would fix a small archive")
                    .isNotNegative();
            assertThat(archives(cds, ".pending")).isEmpty();
            Result first = script(
                    bin, "", CliRun.upArgs(kubeconfig, charts, "bin", "--timeout", "120s", "--yes", "--skip-verify"));
            assertThat(first.code()).as(first.err()).isZero();
            List<Path> pending = archives(cds, ".pending");
            assertThat(pending).as(first.err()).hasSize(1);
            assertThat(Files.size(pending.get(0))).isPositive();
            // an archive cut short, under the pid of a process that has ended
            Process ended = new ProcessBuilder("true").start();
            ended.waitFor();
            String name = pending.get(0).getFileName().toString();
            Path truncated = cds.resolve(
                    name.replaceFirst("\\.cluster\\.\\d+\\.pending$", ".cluster." + ended.pid() + ".pending"));
            Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(pending.get(0)), 64 * 1024));

            assertThat(script(bin, "", "--version").code()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!archives(cds, ".pending").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(archives(cds, ".pending")).as("both checked").isEmpty();
            assertThat(archives(cds, ".cluster.jsa"))
                    .as("the complete one in place")
                    .hasSize(1);

            Result again = script(bin, "-Xshare:on", status);
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.err()).doesNotContain("shared archive", "CDS");
        }
    }

    /**
     * bin/obs-bootstrap: a plan records its own archive (Helm, helm-java, the schema checks: classes neither the offline
     * nor the cluster archive holds), moved into place by the next start and mapped by the next plan.
     */
    @Test
    void theLauncherScriptRecordsAPlansClassesForPlan() throws Exception {
        Path bin = Path.of("..", "bin", "obs-bootstrap").toAbsolutePath().normalize();
        Path cds = tmp.resolve("cache").resolve("cds");
        Path charts = StackCharts.copyTo(tmp.resolve("charts"));
        String[] plan = {"plan", "--profile", "ci", "--charts-dir", charts.toString(), "--out", "", "-o", "json"};

        plan[6] = tmp.resolve("first").toString();
        Result first = script(bin, "", plan);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(archives(cds, ".pending"))
                .singleElement()
                .satisfies(
                        pending -> assertThat(pending.getFileName().toString()).matches(".*\\.plan\\.\\d+\\.pending"));

        assertThat(script(bin, "", "--version").code()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!archives(cds, ".pending").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(archives(cds, ".plan.jsa")).as("checked and in place").hasSize(1);

        plan[6] = tmp.resolve("again").toString();
        Result again = script(bin, "-Xshare:on", plan);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(archives(cds, ".pending")).as("recorded once").isEmpty();
    }

    private static List<Path> archives(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix))
                    .toList();
        }
    }

    private Result script(Path bin, String javaOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OBS_BOOTSTRAP_CACHE", tmp.resolve("cache").toString());
        builder.environment()
                .put(
                        "JAVA",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().put("OBS_BOOTSTRAP_JAVA_OPTS", javaOptions);
        builder.environment().remove("OBS_BOOTSTRAP_JAR");
        builder.environment().remove("OBS_BOOTSTRAP_CDS");
        return finish(builder, String.join(" ", args));
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
