package dev.obsbootstrap.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * obs-bootstrap in a child JVM, as a user or a CI runner starts it (the jars' entry point, {@code Launcher}, on the test classpath), so that real
 * signals and kills reach a real process: the thing calling a method in-process cannot show. stdout and stderr go to
 * files the test reads while the child runs.
 */
final class ChildCli implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;
    private final long started = System.nanoTime();

    private ChildCli(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code obs-bootstrap args...}; its output goes to {@code dir/<name>.out|.err}. */
    static ChildCli start(Path dir, String name, String... args) {
        return start(dir, name, java.util.Map.of(), args);
    }

    /** The same, with these environment variables added. */
    static ChildCli start(Path dir, String name, java.util.Map<String, String> environment, String... args) {
        return start(List.of(), dir, name, environment, args);
    }

    /** The same, with these directories or jars added to the classpath (a phase module, as a user would add its jar). */
    static ChildCli start(
            List<Path> extraClasspath,
            Path dir,
            String name,
            java.util.Map<String, String> environment,
            String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (Path extra : extraClasspath) {
            classpath = classpath + File.pathSeparator + extra.toAbsolutePath();
        }
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                "dev.obsbootstrap.cli.launch.Launcher"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(name + ".out");
            Path err = dir.resolve(name + ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("CI", "true"); // plain lines, as a CI runner would see them
            builder.environment().putAll(environment);
            return new ChildCli(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Sends a signal (INT, TERM, KILL) with kill(1), as a terminal or a CI runner would. */
    void signal(String name) {
        try {
            int code = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            if (code != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited " + code);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until stderr contains {@code text}; false when the process ended or time ran out first. */
    boolean awaitErr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (err().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return err().contains(text);
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The exit code, waiting at most {@code timeout}; the process is killed (and the test fails) when it does not end. */
    int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("obs-bootstrap did not end within " + timeout + "; stderr:\n" + err());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Time since the start. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    String out() {
        return read(out);
    }

    String err() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
