package dev.obsbootstrap.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * A real Alertmanager (Debian prometheus-alertmanager 0.25) on a free 127.0.0.1 port, clustering off, with the
 * given config. Start it in @BeforeAll and close it in @AfterAll.
 */
public final class LocalAlertmanager implements AutoCloseable {
    public static final String BINARY = "prometheus-alertmanager";

    private final LocalProcess process;
    private final HttpUrl url;

    private LocalAlertmanager(LocalProcess process, HttpUrl url) {
        this.process = process;
        this.url = url;
    }

    /** Skips (or fails under CI=true) when the binary is missing. */
    public static LocalAlertmanager start(Path dir, String configYaml) {
        Path binary = LocalBinaries.require(BINARY, "prometheus-alertmanager");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("alertmanager.yml"), configYaml);
            Files.createDirectories(dir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = LocalProcess.freePort();
        HttpUrl url = HttpUrl.get("http://127.0.0.1:" + port + "/");
        LocalProcess process = LocalProcess.start(
                "alertmanager-" + port,
                List.of(
                        binary.toString(),
                        "--config.file=" + dir.resolve("alertmanager.yml"),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="),
                dir,
                url.resolve("/-/ready"));
        return new LocalAlertmanager(process, url);
    }

    public HttpUrl url() {
        return url;
    }

    /** host:port, for a Prometheus alerting config. */
    public String hostPort() {
        return url.host() + ":" + url.port();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
