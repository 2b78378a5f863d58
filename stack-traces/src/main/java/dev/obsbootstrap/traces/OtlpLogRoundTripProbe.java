package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.RunIds;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The collector's logs pipeline works on every replica: a log record with this run's id and the replica's name, sent
 * over OTLP/HTTP ({@code POST /v1/logs}) to each ready collector pod with service.name
 * {@value OtlpSpanRoundTripProbe#SERVICE_NAME}, is exported to Loki's OTLP endpoint and found by
 * {@code {service_name="obs-bootstrap-probe"} |= "<runId>"} (Loki indexes service.name as service_name by default:
 * grafana/loki v3.7.6 pkg/loghttp/push/otlp_config.go). The record is stamped with Loki's clock (Date of its
 * {@code /ready}), which refuses entries 10 minutes ahead of it.
 */
public final class OtlpLogRoundTripProbe implements Probe {
    private final Duration deadline;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private Instant sentAt = Instant.EPOCH;
    private long acceptedAtNanos;
    private Evidence sent = Evidence.none();
    private int reads;

    public OtlpLogRoundTripProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    static String query(String runId) {
        return "{service_name=\"" + OtlpSpanRoundTripProbe.SERVICE_NAME + "\"} |= \"" + runId + "\"";
    }

    @Override
    public String name() {
        return "otlp-log-round-trip";
    }

    @Override
    public String proves() {
        return "The collector's logs pipeline accepts an OTLP log record and exports it to Loki, where LogQL finds it by the run id.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    /** X-Scope-OrgID when Loki runs with auth (the same tenant the collector's Loki exporter sends). */
    private static Headers tenant(ProbeContext context) {
        return context.headers("loki");
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        if (acceptedAtNanos == 0) {
            ProbeAttempt refused = send(context);
            if (refused != null) {
                return refused;
            }
        }
        reads++;
        String query = query(context.runId());
        HttpReply reply = ProbeHttp.get(
                context,
                ProbeHttp.url(
                        context,
                        "loki",
                        "/loki/api/v1/query_range",
                        "query",
                        query,
                        "start",
                        nanos(sentAt.minus(Duration.ofMinutes(5))),
                        "end",
                        nanos(sentAt.plus(Duration.ofMinutes(15))),
                        "limit",
                        "20"),
                tenant(context));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "log record accepted by the collector, but Loki did not answer: " + reply.describe(),
                    "Loki is not reachable at endpoint 'loki': is its pod running?",
                    sent);
        }
        List<JsonNode> streams = reply.is(200) ? Json.elements(reply.json(), "data", "result") : List.of();
        Set<String> found = new LinkedHashSet<>();
        String stream = "";
        for (JsonNode result : streams) {
            for (JsonNode value : result.path("values")) {
                lines.forEach((replica, line) -> {
                    if (line.equals(value.path(1).asString(""))) {
                        found.add(replica);
                    }
                });
                stream = Json.write(result.path("stream"));
            }
        }
        if (found.containsAll(lines.keySet())) {
            return ProbeAttempt.pass(
                    "log record sent through every collector replica " + lines.keySet() + " and found in Loki with "
                            + query + " after " + reads + (reads == 1 ? " query" : " queries"),
                    sent.and("found.stream", stream).latency(Duration.ofNanos(System.nanoTime() - acceptedAtNanos)));
        }
        List<String> missing =
                lines.keySet().stream().filter(r -> !found.contains(r)).toList();
        return ProbeAttempt.fail(
                "log records accepted by the collector replicas " + lines.keySet() + ", but " + query
                        + " finds none from " + missing + " in Loki after " + reads
                        + (reads == 1 ? " query" : " queries") + " (" + reply.describe() + ")",
                "the collector's logs pipeline does not reach Loki: its otlp_http/loki exporter must point at the topology's Loki"
                        + " /otlp/v1/logs (with the tenant header when logs.auth is on); see the collector logs",
                sent);
    }

    private ProbeAttempt send(ProbeContext context) throws InterruptedException {
        HttpReply ready = ProbeHttp.get(context, ProbeHttp.url(context, "loki", "/ready"), tenant(context));
        if (!ready.answered()) {
            return ProbeAttempt.fail(
                    "Loki did not answer: " + ready.describe(),
                    "Loki is not reachable at endpoint 'loki': is its pod running?");
        }
        sentAt = ready.serverTime().orElse(Instant.now());
        Evidence evidence = Evidence.of("sent.at", sentAt + " (Loki's clock)");
        for (ProbeContext.Replica replica : context.replicas("otel-collector")) {
            if (lines.containsKey(replica.name())) {
                continue;
            }
            String line =
                    "obs-bootstrap probe " + context.runId() + " otlp via " + replica.name() + " " + RunIds.hex(4);
            ProbeAttempt refused = sendTo(context, replica, line, evidence);
            if (refused != null) {
                return refused;
            }
            lines.put(replica.name(), line);
            evidence = evidence.and("sent.line." + replica.name(), line);
        }
        acceptedAtNanos = System.nanoTime();
        sent = evidence;
        return null;
    }

    private ProbeAttempt sendTo(ProbeContext context, ProbeContext.Replica replica, String line, Evidence evidence)
            throws InterruptedException {
        ObjectNode body = Json.object();
        ObjectNode resource = body.putArray("resourceLogs").addObject();
        resource.putObject("resource")
                .putArray("attributes")
                .addObject()
                .put("key", "service.name")
                .putObject("value")
                .put("stringValue", OtlpSpanRoundTripProbe.SERVICE_NAME);
        ObjectNode record = resource.putArray("scopeLogs")
                .addObject()
                .putArray("logRecords")
                .addObject()
                .put("timeUnixNano", nanos(sentAt))
                .put("severityText", "INFO");
        record.putObject("body").put("stringValue", line);
        record.putArray("attributes")
                .addObject()
                .put("key", OtlpSpanRoundTripProbe.RUN_ATTRIBUTE)
                .putObject("value")
                .put("stringValue", context.runId());
        HttpReply reply = ProbeHttp.postJson(
                context, ProbeHttp.resolve(replica.url(), "/v1/logs"), Json.write(body), Headers.EMPTY);
        return CollectorReceipt.refusal(reply, replica.name(), "log record", "logs", evidence)
                .orElse(null);
    }

    private static String nanos(Instant instant) {
        return Long.toString(instant.getEpochSecond() * 1_000_000_000L + instant.getNano());
    }
}
