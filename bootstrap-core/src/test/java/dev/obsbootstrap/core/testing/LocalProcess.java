package dev.obsbootstrap.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A server process the tests start on 127.0.0.1 and always stop: output goes to a log file in its temp dir, start
 * waits for its readiness URL, close destroys it and waits for it to exit (forcibly after 5s). A shutdown hook
 * stops it too if the test JVM dies first.
 */
public final class LocalProcess implements AutoCloseable {
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(Duration.ofSeconds(2))
            .build();

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread shutdownHook;

    private LocalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.shutdownHook = new Thread(process::destroyForcibly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code command} in {@code dir} and waits up to 30s until {@code ready} answers 200. */
    public static LocalProcess start(String name, List<String> command, Path dir, HttpUrl ready) {
        Path log = dir.resolve(name + ".log");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        LocalProcess started = new LocalProcess(name, process, log);
        try {
            Awaitility.with()
                    .pollInSameThread()
                    .dontCatchUncaughtExceptions()
                    .pollInterval(Duration.ofMillis(100))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    name + " exited with " + process.exitValue() + ":\n" + started.logTail());
                        }
                        return answers200(ready);
                    });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            started.close();
            throw new IllegalStateException(name + " did not become ready at " + ready + ":\n" + started.logTail(), e);
        }
        return started;
    }

    /** Waits up to 30s until {@code url} answers 200 with a body the predicate accepts; closes the process and fails otherwise. */
    public static void awaitBody(HttpUrl url, Predicate<String> accepted, LocalProcess process) {
        try {
            Awaitility.with()
                    .pollInSameThread()
                    .dontCatchUncaughtExceptions()
                    .pollInterval(Duration.ofMillis(100))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        try (Response response = HTTP.newCall(
                                        new Request.Builder().url(url).build())
                                .execute()) {
                            return response.code() == 200
                                    && accepted.test(response.body().string());
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            process.close();
            throw new IllegalStateException(
                    process.name + " never answered as expected at " + url + ":\n" + process.logTail(), e);
        }
    }

    private static boolean answers200(HttpUrl url) {
        try (Response response =
                HTTP.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port nothing listens on right now (the usual small race is acceptable in tests). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process and waits for it; idempotent. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return name + (process.isAlive() ? " (running, pid " + process.pid() + ")" : " (stopped)");
    }
}
