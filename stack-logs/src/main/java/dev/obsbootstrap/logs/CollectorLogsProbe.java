package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig.LogCollector;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Pod logs of the stack namespace reach Loki through the collector: {@code {namespace="<ns>"}} over the last
 * ten minutes returns lines whose streams carry the namespace and pod labels. The stack's own pods (Loki, Grafana,
 * Prometheus) always log, so an empty answer means the collector ships nothing.
 */
public final class CollectorLogsProbe implements Probe {
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Duration deadline;
    private final LogCollector collector;

    public CollectorLogsProbe(Duration deadline, LogCollector collector) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.collector = Objects.requireNonNull(collector, "collector");
    }

    @Override
    public String name() {
        return "collector-logs-in-loki";
    }

    @Override
    public String proves() {
        return "The " + collectorName() + " DaemonSet ships pod logs to Loki: lines from the stack namespace arrive labelled with namespace and pod.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    private String collectorName() {
        return collector == LogCollector.ALLOY ? "Alloy" : "Promtail";
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        Headers headers = LokiAuth.headers(context.config());
        String namespace = context.config().namespace();
        String query = "{namespace=\"" + namespace + "\"}";
        long end = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long start = end - WINDOW.toNanos();
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "loki", "/loki/api/v1/query_range",
                "query", query, "start", Long.toString(start), "end", Long.toString(end), "limit", "20", "direction", "backward"), headers);
        if (!reply.answered()) {
            return ProbeAttempt.fail("Loki did not answer: " + reply.describe(), "Loki is not reachable at endpoint 'loki': is its pod running?");
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail("Loki refused the query: " + reply.describe(), LokiAuth.hint(context.config(), reply));
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail("query_range " + query + " failed: " + reply.describe(), "Loki's read path fails: check the Loki pod's logs");
        }
        List<JsonNode> streams = Json.elements(reply.json(), "data", "result").stream()
                .filter(s -> !s.path("values").isEmpty()).toList();
        if (streams.isEmpty()) {
            return ProbeAttempt.fail("no log lines with " + query + " in the last " + WINDOW.toMinutes() + "m",
                    "the " + collectorName() + " pods ship nothing to Loki: check the DaemonSet runs on the nodes, its logs for"
                            + " 4xx answers from Loki (with logs.auth on, it must send " + LokiAuth.TENANT_HEADER + ": " + context.config().logs().tenant()
                            + "), and that its Loki URL is the topology's Loki Service");
        }
        for (JsonNode stream : streams) {
            JsonNode labels = stream.path("stream");
            if (!Json.text(labels, "namespace").isEmpty() && !Json.text(labels, "pod").isEmpty()) {
                String line = stream.path("values").path(0).path(1).asString("");
                return ProbeAttempt.pass(streams.size() + " stream(s) from namespace " + namespace + ", e.g. pod "
                        + Json.text(labels, "pod") + ": '" + (line.length() > 120 ? line.substring(0, 120) + "..." : line) + "'");
            }
        }
        return ProbeAttempt.fail(streams.size() + " stream(s) with " + query + " but none has a pod label (labels seen: "
                        + Json.write(streams.get(0).path("stream")) + ")",
                "the " + collectorName() + " config ships logs without the pod label: its relabel rules must map"
                        + " __meta_kubernetes_pod_name to pod (and the namespace to namespace)");
    }
}
