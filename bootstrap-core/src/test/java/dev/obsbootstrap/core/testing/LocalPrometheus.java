package dev.obsbootstrap.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * A real Prometheus (Debian prometheus 2.42) on a free 127.0.0.1 port: scrapes itself every second, evaluates
 * rules every second, resends alerts after 1s ({@code --rules.alert.resend-delay=1s}, else the first alert waits a
 * minute), and optionally sends them to an Alertmanager. Start it in @BeforeAll and close it in @AfterAll.
 */
public final class LocalPrometheus implements AutoCloseable {
    public static final String BINARY = "prometheus";

    /** The always-firing Watchdog, as kube-prometheus-stack's default rules have it, plus a recording rule. */
    public static final String WATCHDOG_RULES = """
            groups:
              - name: obs-bootstrap-test
                rules:
                  - alert: Watchdog
                    expr: vector(1)
                    labels:
                      severity: none
                    annotations:
                      summary: An alert that should always be firing to certify that Alertmanager is working properly.
                  - record: job:up:sum
                    expr: sum by (job) (up)
            """;

    private final LocalProcess process;
    private final HttpUrl url;

    private LocalPrometheus(LocalProcess process, HttpUrl url) {
        this.process = process;
        this.url = url;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public HttpUrl url() {
        return url;
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

    public static final class Builder {
        private final Path dir;
        private final Map<String, String> ruleFiles = new LinkedHashMap<>();
        private final Map<String, String> scrapeJobs = new LinkedHashMap<>();
        private String alertmanager = "";

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Sends alerts to this Alertmanager (host:port). */
        public Builder alertmanager(String hostPort) {
            this.alertmanager = hostPort;
            return this;
        }

        /** A rule file with this content (YAML). */
        public Builder rules(String yaml) {
            return rules("rules-" + ruleFiles.size() + ".yml", yaml);
        }

        /**
         * A rule file of this name: the operator names each PrometheusRule's file {@code <namespace>-<name>-<uid>.yaml},
         * which is how probes tell the stack's rules from other teams'.
         */
        public Builder rules(String fileName, String yaml) {
            ruleFiles.put(fileName, yaml);
            return this;
        }

        /** A static scrape job besides the self-scrape job "prometheus". */
        public Builder scrapeJob(String job, String hostPort) {
            scrapeJobs.put(job, hostPort);
            return this;
        }

        private Map<String, String> jobs() {
            return scrapeJobs;
        }

        /** Skips (or fails under CI=true) when the binary is missing. */
        public LocalPrometheus start() {
            Path binary = LocalBinaries.require(BINARY, "prometheus");
            int port = LocalProcess.freePort();
            StringBuilder config = new StringBuilder("""
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    """);
            if (!alertmanager.isEmpty()) {
                config.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['")
                        .append(alertmanager)
                        .append("']\n");
            }
            try {
                Files.createDirectories(dir.resolve("data"));
                if (!ruleFiles.isEmpty()) {
                    config.append("rule_files:\n");
                    for (Map.Entry<String, String> rules : ruleFiles.entrySet()) {
                        Path file = dir.resolve(rules.getKey());
                        Files.writeString(file, rules.getValue());
                        config.append("  - ").append(file).append('\n');
                    }
                }
                config.append("scrape_configs:\n");
                scrapeJobs.put("prometheus", "127.0.0.1:" + port);
                jobs().forEach((job, target) -> config.append("  - job_name: ")
                        .append(job)
                        .append("\n    static_configs:\n      - targets: ['")
                        .append(target)
                        .append("']\n"));
                Files.writeString(dir.resolve("prometheus.yml"), config.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            HttpUrl url = HttpUrl.get("http://127.0.0.1:" + port + "/");
            LocalProcess process = LocalProcess.start(
                    "prometheus-" + port,
                    List.of(
                            binary.toString(),
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--rules.alert.resend-delay=1s"),
                    dir,
                    url.resolve("/-/ready"));
            // ready means config loaded; target discovery is asynchronous: wait until every job has its target
            // listed, so tests do not race it (scrapes may still be pending)
            LocalProcess.awaitBody(
                    url.resolve("/api/v1/targets"),
                    body -> jobs().keySet().stream().allMatch(job -> body.contains("\"scrapePool\":\"" + job + "\"")),
                    process);
            return new LocalPrometheus(process, url);
        }
    }
}
