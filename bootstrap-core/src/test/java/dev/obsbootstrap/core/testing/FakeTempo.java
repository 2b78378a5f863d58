package dev.obsbootstrap.core.testing;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.obsbootstrap.core.testing.FakeServer.json;
import static dev.obsbootstrap.core.testing.FakeServer.text;

/**
 * Tempo's query side as the probes use it: {@code GET /ready} (503 for the first N calls), {@code GET /api/echo},
 * and {@code GET /api/v2/traces/<traceId>}, which answers 404 until the trace was received (from
 * {@link FakeOtelCollector}) and then read {@code readsUntilQueryable} more times — a trace is not queryable the
 * moment it is ingested. Span and trace ids come back base64-encoded, as Tempo's JSON does.
 */
public final class FakeTempo implements AutoCloseable {
    private final Map<String, JsonNode> traces = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> readsLeft = new ConcurrentHashMap<>();
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private volatile int readsUntilQueryable;
    private final FakeServer server;

    public FakeTempo() {
        this.server = new FakeServer("tempo", this::handle);
    }

    public HttpUrl url() {
        return server.url();
    }

    public FakeTempo notReadyFor(int count) {
        notReadyAnswers.set(count);
        return this;
    }

    /** How many reads of a received trace answer 404 before it is found. */
    public FakeTempo readsUntilQueryable(int reads) {
        this.readsUntilQueryable = reads;
        return this;
    }

    /** Ingests one resourceSpans element (OTLP/JSON, hex ids) for a trace, as the collector's exporter would. */
    public void receive(String traceIdHex, JsonNode resourceSpans) {
        traces.merge(traceIdHex.toLowerCase(), wrap(resourceSpans), (old, added) -> {
            ((ArrayNode) old.path("trace").path("resourceSpans")).addAll((ArrayNode) added.path("trace").path("resourceSpans"));
            return old;
        });
        readsLeft.putIfAbsent(traceIdHex.toLowerCase(), new AtomicInteger(readsUntilQueryable));
    }

    public boolean hasTrace(String traceIdHex) {
        return traces.containsKey(traceIdHex.toLowerCase());
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    private static JsonNode wrap(JsonNode resourceSpans) {
        ObjectNode copy = (ObjectNode) resourceSpans.deepCopy();
        for (JsonNode scope : copy.path("scopeSpans")) {
            for (JsonNode span : scope.path("spans")) {
                ObjectNode s = (ObjectNode) span;
                s.put("traceId", base64(s.path("traceId").asString()));
                s.put("spanId", base64(s.path("spanId").asString()));
            }
        }
        ObjectNode response = FakeServer.JSON.createObjectNode();
        response.putObject("trace").putArray("resourceSpans").add(copy);
        return response;
    }

    private static String base64(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }

    private MockResponse handle(RecordedRequest request) {
        String path = FakeServer.path(request);
        if (path.equals("/ready")) {
            if (notReadyAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return text(503, "Ingester not ready: waiting for 15s after being ready");
            }
            return text(200, "ready");
        }
        if (path.equals("/api/echo")) {
            return text(200, "echo");
        }
        if (path.startsWith("/api/v2/traces/")) {
            String id = path.substring("/api/v2/traces/".length()).toLowerCase();
            if (!id.matches("[0-9a-f]{1,32}")) {
                return text(400, "invalid trace id: " + id);
            }
            JsonNode trace = traces.get(id);
            AtomicInteger left = readsLeft.get(id);
            if (trace == null || left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return text(404, "trace not found");
            }
            return json(200, trace);
        }
        return text(404, "404 page not found");
    }

    @Override
    public void close() {
        server.close();
    }
}
