package dev.obsbootstrap.cli.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher answers a lone --help, -h, --version or -V with exactly the bytes the full command line prints, plain
 * and styled, without loading anything but the JDK and itself; anything else reaches the full command line. Each
 * case runs in a child JVM, as a user starts it; the styled case on a real pseudo-terminal ({@code script}).
 */
class LauncherTest {
    private static final String LAUNCHER = "dev.obsbootstrap.cli.launch.Launcher";
    private static final String FULL = "dev.obsbootstrap.cli.Main";

    @TempDir
    Path tmp;

    @Test
    void theTextsTheBuildWroteAreTheFullCommandLinesOwn() throws IOException {
        for (String flag : List.of("--help", "-h", "--version", "-V")) {
            Run quick = run(LAUNCHER, Map.of(), flag);
            Run full = run(FULL, Map.of(), flag);

            assertThat(quick.code).as(flag).isZero().isEqualTo(full.code);
            assertThat(quick.out).as(flag).isNotBlank().isEqualTo(full.out);
            assertThat(quick.err).as(flag).isEqualTo(full.err);
        }
    }

    @Test
    void onATerminalBothAreStyledAlikeAndNoColorTurnsItOff() throws IOException {
        assumeThat(new File("/usr/bin/script"))
                .as("util-linux script(1) gives the child a pseudo-terminal")
                .exists();
        Map<String, String> terminal = Map.of("TERM", "xterm-256color");
        Run quick = onTerminal(LAUNCHER, terminal);
        Run full = onTerminal(FULL, terminal);
        assertThat(quick.out).as("styled usage on a terminal").contains("\u001b[");
        assertThat(quick.out).isEqualTo(full.out);

        Map<String, String> noColor = Map.of("TERM", "xterm-256color", "NO_COLOR", "1");
        Run plainQuick = onTerminal(LAUNCHER, noColor);
        assertThat(plainQuick.out).doesNotContain("\u001b[").contains("Usage: obs-bootstrap");
        assertThat(plainQuick.out).isEqualTo(onTerminal(FULL, noColor).out);
    }

    @Test
    void aHelpLoadsTheJdkAndTheLauncherOnly() throws IOException {
        Path log = tmp.resolve("classes.log");
        Run help = run(LAUNCHER, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log), "--help");
        assertThat(help.code).isZero();

        List<String> foreign = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            boolean jdk = line.contains("source: jrt:/") || line.contains("source: shared objects file");
            if (!jdk && !line.contains(" dev.obsbootstrap.cli.launch.") && line.contains("source: ")) {
                foreign.add(line);
            }
        }
        assertThat(foreign)
                .as("classes a --help loaded from outside the JDK and the launcher")
                .isEmpty();
        assertThat(Files.readString(log)).contains("dev.obsbootstrap.cli.launch.Launcher");
    }

    @Test
    void anythingElseReachesTheFullCommandLine() throws IOException {
        Run help = run(LAUNCHER, Map.of(), "plan", "--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("Usage: obs-bootstrap plan");

        Run unknown = run(LAUNCHER, Map.of(), "--helpp");
        assertThat(unknown.code).as(unknown.err).isEqualTo(2);
        assertThat(unknown.err).contains("--helpp");

        Run width = run(LAUNCHER, Map.of("JAVA_TOOL_OPTIONS", "-Dpicocli.usage.width=120"), "--help");
        assertThat(width.out.lines().mapToInt(String::length).max().orElse(0))
                .as("a picocli layout setting is the full command line's to apply")
                .isGreaterThan(80);
    }

    private record Run(int code, String out, String err) {}

    private Run run(String mainClass, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xshare:auto", "-cp", classpath(), mainClass));
        command.addAll(List.of(args));
        return start(command, environment);
    }

    /** On a pseudo-terminal: stdin and stdout are the terminal, so the JVM has a console. */
    private Run onTerminal(String mainClass, Map<String, String> environment) throws IOException {
        String inner = String.join(" ", java(), "-Xshare:auto", "-cp", classpath(), mainClass, "--help");
        return start(List.of("/usr/bin/script", "-qec", inner, "/dev/null"), environment);
    }

    private Run start(List<String> command, Map<String, String> environment) throws IOException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // the terminal rule reads these: start from none, as an interactive shell would have
        builder.environment().keySet().removeAll(List.of("CI", "NO_COLOR", "TERM", "JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                withoutToolOptionsNotice(Files.readString(err, StandardCharsets.UTF_8)));
    }

    /** The JVM announces JAVA_TOOL_OPTIONS on stderr; that line is not the command's. */
    private static String withoutToolOptionsNotice(String err) {
        return err.lines()
                .filter(line -> !line.startsWith("Picked up JAVA_TOOL_OPTIONS"))
                .map(line -> line + "\n")
                .reduce("", String::concat);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
