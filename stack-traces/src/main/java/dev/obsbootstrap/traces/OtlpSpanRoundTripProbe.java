package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeContext.Replica;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.RunIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one span through <em>every</em> ready collector replica's OTLP/HTTP receiver ({@code POST /v1/traces}, JSON,
 * the run's trace id from {@link RunIds#traceId}, one span id per replica, attribute {@value #RUN_ATTRIBUTE} = run
 * id) and reads the trace back from Tempo ({@code GET /api/v2/traces/<traceId>}) until it holds every span: one
 * replica whose exporter cannot reach Tempo fails the probe even though the Service would route around it.
 *
 * <p>Tempo 2.10.8's v2 endpoint answers 200 with an empty {@code trace} for a trace it does not have (never 404:
 * grafana/tempo modules/querier/http.go TraceByIDHandlerV2, modules/frontend/combiner/trace_by_id_v2.go); that is
 * "not there yet", and, at the deadline, "never reached Tempo".
 *
 * <p>State: each replica's span is sent until that replica accepts it (200); later tries only read Tempo. The
 * evidence records the trace id, each span id and the collector's Date when it accepted it, and the write-to-read
 * latency from the last acceptance to the read that found every span. One instance per run.
 */
public final class OtlpSpanRoundTripProbe implements Probe {
    public static final String SERVICE_NAME = "obs-bootstrap-probe";
    public static final String RUN_ATTRIBUTE = "obs_bootstrap.run";
    static final String SPAN_NAME = "obs-bootstrap verify";

    private final Duration deadline;
    private final Map<String, String> spanIds = new LinkedHashMap<>();
    private final Set<String> accepted = new HashSet<>();
    private Evidence sent = Evidence.none();
    private long acceptedAtNanos;
    private int reads;

    public OtlpSpanRoundTripProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "otlp-span-round-trip";
    }

    @Override
    public String proves() {
        return "Every collector replica accepts a span over OTLP/HTTP and exports it to Tempo, where the run's trace holds each replica's span.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    /** When the last replica accepted its span (System.nanoTime), 0 before: later probes measure their latency from it. */
    public long acceptedAtNanos() {
        return accepted.size() == spanIds.size() ? acceptedAtNanos : 0;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        String traceId = RunIds.traceId(context.runId());
        if (accepted.isEmpty() || accepted.size() < spanIds.size()) {
            ProbeAttempt refused = send(context, traceId);
            if (refused != null) {
                return refused;
            }
        }
        return readBack(context, traceId);
    }

    /** @return null when every replica accepted its span, else the failed attempt */
    private ProbeAttempt send(ProbeContext context, String traceId) throws InterruptedException {
        List<Replica> replicas = context.replicas("otel-collector");
        for (Replica replica : replicas) {
            spanIds.computeIfAbsent(replica.name(), r -> RunIds.hex(8));
        }
        for (Replica replica : replicas) {
            if (accepted.contains(replica.name())) {
                continue;
            }
            String spanId = spanIds.get(replica.name());
            HttpReply reply = ProbeHttp.postJson(
                    context,
                    ProbeHttp.resolve(replica.url(), "/v1/traces"),
                    request(context.runId(), traceId, spanId, replica.name()),
                    Headers.EMPTY);
            String who = "collector replica " + replica.name();
            if (!reply.answered()) {
                return ProbeAttempt.fail(
                        who + " did not answer the span: " + reply.describe(),
                        "the collector's OTLP/HTTP receiver (port 4318) is not reachable on " + replica.name()
                                + ": is the pod running, and does its"
                                + " config enable receivers.otlp.protocols.http on an address the Service reaches (0.0.0.0:4318)?",
                        sent);
            }
            if (!reply.is(200)) {
                return ProbeAttempt.fail(who + " refused the span: " + reply.describe(), refusalHint(reply), sent);
            }
            JsonNode partial =
                    reply.body().isBlank() ? Json.object() : reply.json().path("partialSuccess");
            long rejected = Json.number(partial.path("rejectedSpans"), 0);
            if (rejected > 0) {
                // defensive: collector 0.158's receiver never fills partial success, but an OTLP gateway in front may
                return ProbeAttempt.fail(
                        who + " answered 200 but rejected " + rejected + " span(s): "
                                + Json.text(partial, "errorMessage"),
                        "something in front of the collector refused part of the export: see errorMessage",
                        sent);
            }
            accepted.add(replica.name());
            acceptedAtNanos = System.nanoTime();
            sent = sent.and("sent.trace-id", traceId)
                    .and(
                            "sent.span." + replica.name(),
                            spanId + " accepted "
                                    + reply.serverTime().map(Object::toString).orElse("(no Date)")
                                    + " (collector's clock)");
        }
        return null;
    }

    private static String refusalHint(HttpReply reply) {
        String message = reply.body().strip().startsWith("{") ? Json.text(reply.json(), "message") : reply.excerpt();
        return switch (reply.code()) {
            case 404 ->
                "no OTLP/HTTP traces receiver answers on /v1/traces: the collector registers it only when a traces pipeline uses the otlp receiver";
            case 405 -> "the receiver takes POST only";
            case 415 -> "the receiver takes application/json or application/x-protobuf only (" + message + ")";
            case 503 ->
                "the collector refuses data for now (" + message
                        + "): the memory_limiter is over its limit or an exporter's queue is full;"
                        + " check the collector's memory and its Tempo exporter";
            case 429 ->
                "the collector is throttling (" + message + "): a pipeline component reports resources exhausted";
            case 400 -> "the collector could not decode the span (" + message + "): a bug in the probe's OTLP/JSON";
            default -> "the collector's traces pipeline fails (" + message + "): check the collector logs";
        };
    }

    private static String request(String runId, String traceId, String spanId, String replica) {
        long end = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long start = end - TimeUnit.MILLISECONDS.toNanos(5);
        ObjectNode body = Json.object();
        ObjectNode resourceSpans = body.putArray("resourceSpans").addObject();
        attribute(resourceSpans.putObject("resource").putArray("attributes"), "service.name", SERVICE_NAME);
        ObjectNode scopeSpans = resourceSpans.putArray("scopeSpans").addObject();
        scopeSpans.putObject("scope").put("name", "obs-bootstrap");
        ObjectNode span = scopeSpans
                .putArray("spans")
                .addObject()
                .put("traceId", traceId)
                .put("spanId", spanId)
                .put("name", SPAN_NAME)
                .put("kind", 1)
                // OTLP/JSON carries int64 as strings
                .put("startTimeUnixNano", Long.toString(start))
                .put("endTimeUnixNano", Long.toString(end));
        ArrayNode attributes = span.putArray("attributes");
        attribute(attributes, RUN_ATTRIBUTE, runId);
        attribute(attributes, "obs_bootstrap.collector_replica", replica);
        return Json.write(body);
    }

    private static void attribute(ArrayNode attributes, String key, String value) {
        attributes.addObject().put("key", key).putObject("value").put("stringValue", value);
    }

    private ProbeAttempt readBack(ProbeContext context, String traceId) throws InterruptedException {
        reads++;
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "tempo", "/api/v2/traces/" + traceId));
        String sentText = spanIds.size() + " span(s) of trace " + traceId + " accepted by the collector replicas "
                + spanIds.keySet();
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    sentText + ", but Tempo did not answer: " + reply.describe(),
                    "Tempo's query API (port 3200) is not reachable: is the tempo pod running?",
                    sent);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    sentText + ", but Tempo's trace lookup failed: " + reply.describe(),
                    "Tempo's query frontend or querier fails: check the tempo pod's logs (storage, querier)",
                    sent);
        }
        Set<String> found = spansIn(reply.json());
        List<String> missing = new ArrayList<>();
        spanIds.forEach((replica, spanId) -> {
            if (!found.contains(spanId)) {
                missing.add(replica);
            }
        });
        String readsText = " after " + reads + (reads == 1 ? " read" : " reads");
        if (missing.isEmpty()) {
            Duration latency = Duration.ofNanos(System.nanoTime() - acceptedAtNanos);
            return ProbeAttempt.pass(
                    "trace " + traceId + " read back from Tempo with the span of every collector replica "
                            + spanIds.keySet() + readsText,
                    sent.and(
                                    "found.tempo",
                                    "GET /api/v2/traces/" + traceId + " at "
                                            + reply.serverTime()
                                                    .map(Object::toString)
                                                    .orElse("?") + " (Tempo's clock), " + found.size() + " span(s)")
                            .latency(latency));
        }
        if (found.isEmpty()) {
            return ProbeAttempt.fail(
                    sentText + ", but Tempo has no such trace" + readsText + " (200 with an empty trace)",
                    "the collector accepted the spans but they never reached Tempo: the collector's otlp_grpc exporter must point at the"
                            + " topology's Tempo OTLP endpoint (tempo-otlp-grpc) with tls insecure, and Tempo's distributor must enable the"
                            + " otlp receiver; look for export errors in the collector logs",
                    sent);
        }
        return ProbeAttempt.fail(
                sentText + ", but Tempo's trace lacks the span(s) of replica(s) " + missing + readsText,
                "those collector replicas accept spans but do not deliver them to Tempo: compare their logs and config with the replicas that do",
                sent);
    }

    /** Span ids (hex) in Tempo's JSON, where jsonpb writes them base64. */
    private static Set<String> spansIn(JsonNode response) {
        Set<String> ids = new HashSet<>();
        JsonNode trace = response.path("trace");
        for (JsonNode resource : trace.path("resourceSpans")) {
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    String id = span.path("spanId").asString("");
                    try {
                        ids.add(HexFormat.of().formatHex(Base64.getDecoder().decode(id)));
                    } catch (IllegalArgumentException e) {
                        ids.add(id.toLowerCase());
                    }
                }
            }
        }
        return ids;
    }
}
