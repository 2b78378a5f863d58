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

    private record Result(int code, String out, String err) {}

    private Result run(Path jar, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the jar did not finish within 180 s: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
