package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;

/**
 * The configured log collector ships a pod log line <em>produced during this run</em>: Loki logs every query with its
 * LogQL (grafana/loki v3.7.6 pkg/logql/metrics.go, {@code query="..."}), so the run id this phase's probes query for
 * appears in the Loki pod's own log, and the collector has to tail and ship it, the way loki-canary makes the agent
 * ship its stdout. The probe looks for {@code {namespace="<ns>", collector="<alloy|promtail>"} |= "<runId>"}: the run
 * id makes a line shipped before this run (or before the collector broke) impossible to match, and the
 * {@code collector} label, which the values templates give every stream the configured collector ships, keeps a stale
 * Promtail left behind after switching to Alloy from passing for a broken Alloy. Query windows come from Loki's clock.
 */
public final class CollectorLogsProbe implements Probe {
    public static final String COLLECTOR_LABEL = "collector";

    private final Duration deadline;
    private final LogCollector collector;
    private long firstQueryNanos;

    public CollectorLogsProbe(Duration deadline, LogCollector collector) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.collector = Objects.requireNonNull(collector, "collector");
    }

    /** The value of the collector label the values templates give the streams this collector ships. */
    public static String labelValue(LogCollector collector) {
        return collector == LogCollector.ALLOY ? "alloy" : "promtail";
    }

    /** The LogQL that finds a line of this run shipped by the collector. */
    public static String query(String namespace, LogCollector collector, String runId) {
        return "{namespace=\"" + namespace + "\", " + COLLECTOR_LABEL + "=\"" + labelValue(collector) + "\"} |= \""
                + runId + "\"";
    }

    @Override
    public String name() {
        return "collector-logs-in-loki";
    }

    @Override
    public String proves() {
        return "The " + collectorName()
                + " DaemonSet ships pod logs to Loki: a line Loki logged during this run (its query log of the run id)"
                + " arrives labelled with namespace, pod and collector=" + labelValue(collector) + ".";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    private String collectorName() {
        return collector == LogCollector.ALLOY ? "Alloy" : "Promtail";
    }

    /** When this probe first queried (System.nanoTime): its own query is one more line for the collector to ship. */
    public long firstQueryNanos() {
        return firstQueryNanos;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        Headers headers = context.headers("loki");
        String namespace = context.config().namespace();
        String query = query(namespace, collector, context.runId());
        Evidence evidence = Evidence.of("sent.query", query);
        Optional<Instant> lokiNow = LokiClock.now(context, headers);
        if (lokiNow.isEmpty()) {
            return ProbeAttempt.fail(
                    "Loki did not answer: " + ProbeHttp.url(context, "loki", "/ready"),
                    "Loki is not reachable at endpoint 'loki': is its pod running?",
                    evidence);
        }
        if (firstQueryNanos == 0) {
            firstQueryNanos = System.nanoTime();
        }
        HttpReply reply = queryRange(context, headers, query, lokiNow.get());
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Loki did not answer: " + reply.describe(),
                    "Loki is not reachable at endpoint 'loki': is its pod running?",
                    evidence);
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail(
                    "Loki refused the query: " + reply.describe(), LokiAuth.hint(context.config(), reply), evidence);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "query_range " + query + " failed: " + reply.describe(),
                    "Loki's read path fails: check the Loki pod's logs",
                    evidence);
        }
        List<JsonNode> streams = Json.elements(reply.json(), "data", "result").stream()
                .filter(s -> !s.path("values").isEmpty())
                .toList();
        for (JsonNode stream : streams) {
            JsonNode labels = stream.path("stream");
            if (!Json.text(labels, "pod").isEmpty()) {
                JsonNode newest = stream.path("values").path(0);
                Instant shippedAt =
                        Instant.ofEpochSecond(0, Long.parseLong(newest.path(0).asString("0")));
                String line = newest.path(1).asString("");
                return ProbeAttempt.pass(
                        collectorName() + " shipped a line of this run from pod " + Json.text(labels, "pod") + ": '"
                                + (line.length() > 120 ? line.substring(0, 120) + "..." : line) + "'",
                        evidence.and("found.stream", Json.write(labels))
                                .and("found.at", shippedAt + " (Loki's clock)")
                                .latency(Duration.ofNanos(System.nanoTime() - firstQueryNanos)));
            }
        }
        if (!streams.isEmpty()) {
            return ProbeAttempt.fail(
                    streams.size() + " stream(s) with " + query + " but none has a pod label (labels seen: "
                            + Json.write(streams.get(0).path("stream")) + ")",
                    "the " + collectorName() + " config ships logs without the pod label: its relabel rules must map"
                            + " __meta_kubernetes_pod_name to pod (and the namespace to namespace)",
                    evidence);
        }
        return notShipped(context, headers, namespace, lokiNow.get(), evidence);
    }

    private HttpReply queryRange(ProbeContext context, Headers headers, String query, Instant lokiNow)
            throws InterruptedException {
        return ProbeHttp.get(
                context,
                ProbeHttp.url(
                        context,
                        "loki",
                        "/loki/api/v1/query_range",
                        "query",
                        query,
                        "start",
                        LokiClock.nanos(lokiNow.minus(Duration.ofMinutes(30))),
                        "end",
                        LokiClock.nanos(lokiNow.plus(Duration.ofMinutes(5))),
                        "limit",
                        "20",
                        "direction",
                        "backward"),
                headers);
    }

    /** Nothing from the configured collector: say whether another collector ships this run's lines instead. */
    private ProbeAttempt notShipped(
            ProbeContext context, Headers headers, String namespace, Instant lokiNow, Evidence evidence)
            throws InterruptedException {
        String anyCollector = "{namespace=\"" + namespace + "\"} |= \"" + context.runId() + "\"";
        HttpReply other = queryRange(context, headers, anyCollector, lokiNow);
        List<JsonNode> foreign = other.answered() && other.is(200)
                ? Json.elements(other.json(), "data", "result").stream()
                        .filter(s -> !s.path("values").isEmpty())
                        .toList()
                : List.of();
        String observed = "no line of this run (" + context.runId() + ") shipped by " + collectorName() + " with "
                + evidence.facts().get("sent.query");
        if (!foreign.isEmpty()) {
            String shippedBy = Json.text(foreign.get(0).path("stream"), COLLECTOR_LABEL);
            return ProbeAttempt.fail(
                    observed + "; but " + anyCollector + " finds it, shipped with collector=\"" + shippedBy + "\"",
                    "another log collector ships this namespace (collector=\"" + shippedBy + "\"), not the configured "
                            + collectorName()
                            + ": after a switch of logs.collector the old collector runs until this phase is verified"
                            + " (up removes it then, if obs-bootstrap installed it; else remove it yourself); check the "
                            + collectorName()
                            + " DaemonSet's pods and their logs",
                    evidence);
        }
        return ProbeAttempt.fail(
                observed,
                "the " + collectorName()
                        + " pods ship nothing from this run to Loki: check the DaemonSet runs on every node, its logs for"
                        + " 4xx answers from Loki (with logs.auth on, it must send " + LokiAuth.TENANT_HEADER + ": "
                        + LogsSettings.of(context.config()).tenant()
                        + "), that its Loki URL is the topology's Loki Service, and that it adds the " + COLLECTOR_LABEL
                        + " label",
                evidence);
    }
}
