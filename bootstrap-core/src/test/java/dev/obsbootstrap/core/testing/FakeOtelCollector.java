package dev.obsbootstrap.core.testing;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

import static dev.obsbootstrap.core.testing.FakeServer.json;

/**
 * The OpenTelemetry Collector as the probes use it, on two servers like the real one: the health_check extension
 * ({@code GET /}: 200 "Server available" or 503) and the OTLP/HTTP receiver ({@code POST /v1/traces}, JSON with hex
 * ids). Accepted spans are forwarded to a {@link FakeTempo}; with {@link #rejectSpans} the receiver answers 200 with
 * {@code partialSuccess.rejectedSpans}, with {@link #dropSpans} it answers 200 and never exports.
 */
public final class FakeOtelCollector implements AutoCloseable {
    private final FakeTempo tempo;
    private final FakeServer otlp;
    private final FakeServer health;
    private volatile boolean healthy = true;
    private volatile String rejectReason = "";
    private volatile boolean drop;

    public FakeOtelCollector(FakeTempo tempo) {
        this.tempo = tempo;
        this.otlp = new FakeServer("otel-collector-otlp", this::handleOtlp);
        this.health = new FakeServer("otel-collector-health", this::handleHealth);
    }

    /** The OTLP/HTTP receiver (port 4318 in a cluster). */
    public HttpUrl otlpUrl() {
        return otlp.url();
    }

    /** The health_check extension (port 13133 in a cluster). */
    public HttpUrl healthUrl() {
        return health.url();
    }

    public FakeOtelCollector healthy(boolean healthy) {
        this.healthy = healthy;
        return this;
    }

    /** Every span is refused with this message (as when a processor or the exporter queue refuses data). */
    public FakeOtelCollector rejectSpans(String reason) {
        this.rejectReason = reason;
        return this;
    }

    /** Spans are acknowledged but never reach Tempo (exporter misconfigured). */
    public FakeOtelCollector dropSpans(boolean drop) {
        this.drop = drop;
        return this;
    }

    public List<String> requestLines() {
        return otlp.requestLines();
    }

    private MockResponse handleHealth(RecordedRequest request) {
        if (!FakeServer.path(request).equals("/")) {
            return FakeServer.text(404, "404 page not found");
        }
        return healthy
                ? json(200, "{\"status\":\"Server available\",\"upSince\":\"2026-11-26T10:00:00Z\",\"uptime\":\"1m2s\"}")
                : json(503, "{\"status\":\"Server not available\",\"upSince\":\"0001-01-01T00:00:00Z\",\"uptime\":\"\"}");
    }

    private MockResponse handleOtlp(RecordedRequest request) {
        if (!FakeServer.path(request).equals("/v1/traces") || !request.getMethod().equals("POST")) {
            return FakeServer.text(404, "404 page not found");
        }
        String contentType = request.getHeaders().get("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            return json(415, "{\"code\":3,\"message\":\"unsupported content type " + contentType + "\"}");
        }
        JsonNode body;
        try {
            body = FakeServer.jsonBody(request);
        } catch (RuntimeException e) {
            return json(400, FakeServer.JSON.createObjectNode().put("code", 3).put("message", "unmarshal: " + e.getMessage()));
        }
        int spans = 0;
        for (JsonNode resource : body.path("resourceSpans")) {
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    String traceId = span.path("traceId").asString("");
                    String spanId = span.path("spanId").asString("");
                    if (!traceId.matches("[0-9a-f]{32}") || !spanId.matches("[0-9a-f]{16}")) {
                        return json(400, FakeServer.JSON.createObjectNode().put("code", 3)
                                .put("message", "invalid trace or span id: " + traceId + "/" + spanId));
                    }
                    spans++;
                }
            }
        }
        if (!rejectReason.isEmpty()) {
            ObjectNode response = FakeServer.JSON.createObjectNode();
            // OTLP/JSON encodes int64 as a string
            response.putObject("partialSuccess").put("rejectedSpans", Integer.toString(spans)).put("errorMessage", rejectReason);
            return json(200, response);
        }
        if (!drop) {
            for (JsonNode resource : body.path("resourceSpans")) {
                String traceId = resource.path("scopeSpans").path(0).path("spans").path(0).path("traceId").asString("");
                tempo.receive(traceId, resource);
            }
        }
        return json(200, "{\"partialSuccess\":{}}");
    }

    @Override
    public void close() {
        otlp.close();
        health.close();
    }
}
