package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.RunIds;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Sends one span to the collector's OTLP/HTTP receiver ({@code POST /v1/traces}, JSON, random 16-byte trace id and
 * 8-byte span id in hex, service.name obs-bootstrap-probe) and reads the trace back from Tempo
 * ({@code GET /api/v2/traces/<traceId>}, 404 until it is queryable).
 *
 * <p>State: the span is sent once — again only while the collector does not accept it (no answer, non-200, or
 * {@code partialSuccess.rejectedSpans > 0}); once accepted, later tries only read Tempo. A 200 from the collector
 * proves receipt, not delivery: only the read-back proves collector -> Tempo. One instance per run.
 */
public final class OtlpSpanRoundTripProbe implements Probe {
    public static final String SERVICE_NAME = "obs-bootstrap-probe";
    public static final String RUN_ATTRIBUTE = "obs_bootstrap.run";

    private final Duration deadline;
    private final String traceId = RunIds.hex(16);
    private final String spanId = RunIds.hex(8);
    private boolean accepted;
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
        return "A span sent to the OpenTelemetry Collector over OTLP/HTTP is exported to Tempo and can be fetched there by its trace id.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    /** The trace id this probe sends (hex), for tests and messages. */
    public String traceId() {
        return traceId;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        if (!accepted) {
            ProbeAttempt refused = send(context);
            if (refused != null) {
                return refused;
            }
        }
        return readBack(context);
    }

    /** @return null when the collector accepted the span, else the failed attempt */
    private ProbeAttempt send(ProbeContext context) throws InterruptedException {
        HttpReply reply = ProbeHttp.postJson(context, ProbeHttp.url(context, "otel-collector", "/v1/traces"), request(context.runId()), Headers.EMPTY);
        if (!reply.answered()) {
            return ProbeAttempt.fail("the OpenTelemetry Collector did not answer the span: " + reply.describe(),
                    "the collector's OTLP/HTTP receiver (port 4318) is not reachable: is the collector pod running, and does its"
                            + " config enable receivers.otlp.protocols.http on 0.0.0.0:4318?");
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail("the OpenTelemetry Collector refused the span: " + reply.describe(), switch (reply.code()) {
                case 404 -> "no OTLP/HTTP traces receiver answers on /v1/traces: enable receivers.otlp.protocols.http and a traces pipeline using it";
                case 415 -> "the receiver does not take OTLP/JSON: the probe sends application/json, which the otlp receiver accepts unless restricted";
                case 429, 503 -> "the collector is shedding load (memory_limiter or a full exporter queue): check its logs and its Tempo exporter";
                default -> "the collector's traces pipeline rejects data: check the collector logs";
            });
        }
        JsonNode partial = reply.body().isBlank() ? Json.object() : reply.json().path("partialSuccess");
        long rejected = Json.number(partial.path("rejectedSpans"), 0);
        if (rejected > 0) {
            return ProbeAttempt.fail("the OpenTelemetry Collector answered 200 but rejected " + rejected + " span(s): "
                            + Json.text(partial, "errorMessage") + " (" + reply.describe() + ")",
                    "a processor or the exporter queue of the collector's traces pipeline refused the span: see errorMessage and the collector logs");
        }
        accepted = true;
        return null;
    }

    private String request(String runId) {
        long end = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long start = end - TimeUnit.MILLISECONDS.toNanos(5);
        ObjectNode body = Json.object();
        ObjectNode resourceSpans = body.putArray("resourceSpans").addObject();
        attribute(resourceSpans.putObject("resource").putArray("attributes"), "service.name", SERVICE_NAME);
        ObjectNode scopeSpans = resourceSpans.putArray("scopeSpans").addObject();
        scopeSpans.putObject("scope").put("name", "obs-bootstrap");
        ObjectNode span = scopeSpans.putArray("spans").addObject()
                .put("traceId", traceId)
                .put("spanId", spanId)
                .put("name", "obs-bootstrap verify")
                .put("kind", 1)
                // OTLP/JSON carries int64 as strings
                .put("startTimeUnixNano", Long.toString(start))
                .put("endTimeUnixNano", Long.toString(end));
        attribute(span.putArray("attributes"), RUN_ATTRIBUTE, runId);
        return Json.write(body);
    }

    private static void attribute(ArrayNode attributes, String key, String value) {
        attributes.addObject().put("key", key).putObject("value").put("stringValue", value);
    }

    private ProbeAttempt readBack(ProbeContext context) throws InterruptedException {
        reads++;
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "tempo", "/api/v2/traces/" + traceId));
        String sent = "span accepted by the collector (200, trace " + traceId + ")";
        if (!reply.answered()) {
            return ProbeAttempt.fail(sent + ", but Tempo did not answer: " + reply.describe(),
                    "Tempo's query API (port 3200) is not reachable: is the tempo pod running?");
        }
        if (reply.is(404)) {
            return ProbeAttempt.fail(sent + ", but Tempo has no such trace yet after " + reads + (reads == 1 ? " read" : " reads") + " (404)",
                    "the collector accepted the span but it never reached Tempo: the collector's otlp exporter must point at the"
                            + " topology's Tempo OTLP endpoint (tempo-otlp-grpc) with tls insecure, and Tempo's distributor must enable the"
                            + " otlp receiver; traces become queryable a few seconds after ingestion");
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(sent + ", but Tempo's trace lookup failed: " + reply.describe(),
                    "Tempo's querier fails: check the tempo pod's logs (storage, querier frontend)");
        }
        if (containsSpan(reply.json())) {
            return ProbeAttempt.pass("span " + spanId + " of trace " + traceId + " sent through the collector and read back from Tempo after "
                    + reads + (reads == 1 ? " read" : " reads"));
        }
        return ProbeAttempt.fail(sent + ", and Tempo answered 200 for the trace, but without span " + spanId + ": " + reply.excerpt(),
                "Tempo returned a trace without the probe's span: another writer used the same trace id, which should not happen");
    }

    /** Tempo's JSON carries ids base64-encoded; accept hex as well. */
    private boolean containsSpan(JsonNode response) {
        String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(spanId));
        JsonNode trace = response.has("trace") ? response.path("trace") : response;
        for (JsonNode resource : trace.path(trace.has("resourceSpans") ? "resourceSpans" : "batches")) {
            for (JsonNode scope : resource.path(resource.has("scopeSpans") ? "scopeSpans" : "instrumentationLibrarySpans")) {
                for (JsonNode span : scope.path("spans")) {
                    String id = span.path("spanId").asString("");
                    if (id.equalsIgnoreCase(spanId) || id.equals(base64)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
