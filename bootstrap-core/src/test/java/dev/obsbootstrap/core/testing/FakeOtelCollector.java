package dev.obsbootstrap.core.testing;

import static dev.obsbootstrap.core.testing.FakeServer.json;

import java.util.List;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * The OpenTelemetry Collector 0.158.0 (otelcol-k8s) as the probes use it, on two servers like the real one, each
 * behaviour from open-telemetry/opentelemetry-collector at v0.158.0 unless said otherwise:
 * <ul>
 *   <li>health_check extension {@code GET /}: 200 {"status":"Server available",...} or 503 "Server not available"
 *   (opentelemetry-collector-contrib extension/healthcheckextension, the legacy extension the chart enables: process
 *   readiness only, it stays 200 while an exporter fails).</li>
 *   <li>OTLP/HTTP {@code POST /v1/traces}, and {@code /v1/metrics} and {@code /v1/logs} only when the matching
 *   pipeline exists (receiver/otlpreceiver/otlp.go registers each path only for a next consumer): otherwise 404
 *   "404 page not found" from Go's mux.</li>
 *   <li>Success: 200 with an empty export response, {@code {"partialSuccess":{}}} in JSON
 *   (receiver/otlpreceiver/internal/trace/otlp.go Export never fills partial success).</li>
 *   <li>A content type other than application/json or application/x-protobuf: 415 <b>text/plain</b> "415 unsupported
 *   media type, supported: [application/json, application/x-protobuf]"; a method other than POST: 405 text/plain
 *   (otlphttp.go handleUnmatchedContentType, handleUnmatchedMethod).</li>
 *   <li>A refusal from the pipeline becomes a JSON {@code Status} with the HTTP code of its gRPC code
 *   (otlphttp.go writeError, internal/errors/errors.go GetHTTPStatusCodeFromStatus): a plain error such as the
 *   memory limiter's "data refused due to high memory usage" (internal/memorylimiter/memorylimiter.go) is
 *   Unavailable, <b>503</b>; ResourceExhausted is 429; InvalidArgument (a body that does not unmarshal, bad ids) 400.</li>
 * </ul>
 * Accepted spans go to a {@link FakeTempo}, logs and metrics to the sinks a test gives ({@link #exportLogsTo},
 * {@link #exportMetricsTo}); with {@link #dropSpans} the exporter loses them silently (wrong endpoint, retries
 * exhausted: the receiver has already answered 200).
 */
public final class FakeOtelCollector implements AutoCloseable {
    public static final String MEMORY_LIMITER_REFUSAL = "data refused due to high memory usage";

    private final FakeTempo tempo;
    private final FakeServer otlp;
    private final FakeServer health;
    private volatile boolean healthy = true;
    private volatile int refusalCode;
    private volatile String refusalMessage = "";
    private volatile boolean drop;
    private volatile boolean tracesPipeline = true;
    private volatile Consumer<JsonNode> logsSink;
    private volatile Consumer<JsonNode> metricsSink;

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

    /** The memory limiter refuses everything: 503 with the collector's Status body. */
    public FakeOtelCollector refuseForMemory() {
        return refuse(503, 14, MEMORY_LIMITER_REFUSAL);
    }

    /** A pipeline component reports ResourceExhausted: 429. */
    public FakeOtelCollector refuseAsExhausted(String message) {
        return refuse(429, 8, message);
    }

    private FakeOtelCollector refuse(int httpCode, int grpcCode, String message) {
        this.refusalCode = httpCode;
        this.refusalMessage =
                "{\"code\":" + grpcCode + ",\"message\":" + FakeServer.JSON.writeValueAsString(message) + "}";
        return this;
    }

    /** No traces pipeline uses the otlp receiver: /v1/traces is not registered. */
    public FakeOtelCollector tracesPipeline(boolean present) {
        this.tracesPipeline = present;
        return this;
    }

    /** Spans are acknowledged but never reach Tempo (exporter misconfigured). */
    public FakeOtelCollector dropSpans(boolean drop) {
        this.drop = drop;
        return this;
    }

    /** A logs pipeline exists and exports each accepted ExportLogsServiceRequest (OTLP/JSON) here. */
    public FakeOtelCollector exportLogsTo(Consumer<JsonNode> sink) {
        this.logsSink = sink;
        return this;
    }

    /** A metrics pipeline exists and exports each accepted ExportMetricsServiceRequest (OTLP/JSON) here. */
    public FakeOtelCollector exportMetricsTo(Consumer<JsonNode> sink) {
        this.metricsSink = sink;
        return this;
    }

    public List<String> requestLines() {
        return otlp.requestLines();
    }

    private MockResponse handleHealth(RecordedRequest request) {
        if (!FakeServer.path(request).equals("/")) {
            return FakeServer.text(404, "404 page not found\n");
        }
        return healthy
                ? json(
                        200,
                        "{\"status\":\"Server available\",\"upSince\":\"2026-11-26T10:00:00Z\",\"uptime\":\"1m2s\"}")
                : json(
                        503,
                        "{\"status\":\"Server not available\",\"upSince\":\"0001-01-01T00:00:00Z\",\"uptime\":\"\"}");
    }

    private MockResponse handleOtlp(RecordedRequest request) {
        String path = FakeServer.path(request);
        Consumer<JsonNode> next = switch (path) {
            case "/v1/traces" -> tracesPipeline ? this::exportSpans : null;
            case "/v1/logs" -> logsSink;
            case "/v1/metrics" -> metricsSink;
            default -> null;
        };
        if (next == null) {
            return FakeServer.text(404, "404 page not found\n");
        }
        if (!request.getMethod().equals("POST")) {
            return FakeServer.text(405, "405 method not allowed, supported: [POST]");
        }
        String contentType = request.getHeaders().get("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        if (!mediaType.equals("application/json") && !mediaType.equals("application/x-protobuf")) {
            return FakeServer.text(
                    415, "415 unsupported media type, supported: [application/json, application/x-protobuf]");
        }
        if (mediaType.equals("application/x-protobuf")) {
            return FakeServer.text(415, "the fake speaks OTLP/JSON only");
        }
        JsonNode body;
        try {
            body = FakeServer.jsonBody(request);
        } catch (RuntimeException e) {
            return json(
                    400,
                    FakeServer.JSON
                            .createObjectNode()
                            .put("code", 3)
                            .put("message", "proto: syntax error: " + e.getMessage()));
        }
        for (JsonNode resource : body.path("resourceSpans")) {
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    String traceId = span.path("traceId").asString("");
                    String spanId = span.path("spanId").asString("");
                    if (!traceId.matches("[0-9a-fA-F]{32}") || !spanId.matches("[0-9a-fA-F]{16}")) {
                        return json(
                                400,
                                FakeServer.JSON
                                        .createObjectNode()
                                        .put("code", 3)
                                        .put("message", "proto: invalid trace or span id: " + traceId + "/" + spanId));
                    }
                }
            }
        }
        if (refusalCode != 0) {
            return json(refusalCode, refusalMessage);
        }
        next.accept(body);
        return json(200, "{\"partialSuccess\":{}}");
    }

    private void exportSpans(JsonNode body) {
        if (drop) {
            return;
        }
        for (JsonNode resource : body.path("resourceSpans")) {
            String traceId = resource.path("scopeSpans")
                    .path(0)
                    .path("spans")
                    .path(0)
                    .path("traceId")
                    .asString("");
            tempo.receive(traceId, resource);
        }
    }

    @Override
    public void close() {
        otlp.close();
        health.close();
    }
}
