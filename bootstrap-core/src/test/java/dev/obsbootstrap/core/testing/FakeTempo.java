package dev.obsbootstrap.core.testing;

import static dev.obsbootstrap.core.testing.FakeServer.json;
import static dev.obsbootstrap.core.testing.FakeServer.text;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tempo 2.10.8's query side as the probes and Grafana use it, each behaviour from grafana/tempo at v2.10.8:
 * <ul>
 *   <li>{@code GET /ready}: 503 "Ingester not ready: waiting for 15s after being ready" for the first N calls
 *   (dskit ring lifecycler readiness, as cmd/tempo/app/app.go readyHandler reports it).</li>
 *   <li>{@code GET /api/echo}: 200 "echo" (cmd/tempo/app/modules.go echoHandler).</li>
 *   <li>{@code GET /api/v2/traces/<id>}: a trace Tempo does not have is <b>200</b> {@code {"trace":{},"metrics":{...}}},
 *   never 404: modules/querier/http.go TraceByIDHandlerV2 writes no 404, and
 *   modules/frontend/combiner/trace_by_id_v2.go finalize puts an empty {@code Trace{}} in. JSON is the default
 *   without an Accept header (pkg/api/http.go), span and trace ids are base64 (gogo jsonpb on bytes).</li>
 *   <li>{@code GET /api/traces/<id>} (v1): 404 with the metrics body for an unknown trace (modules/querier/http.go
 *   lines 79-83).</li>
 *   <li>{@code GET /api/search?q=<TraceQL>&start=&end=}: {@code {"traces":[{"traceID","rootServiceName",
 *   "rootTraceName","startTimeUnixNano","durationMs"}],"metrics":{}}} (pkg/tempopb/tempo.proto SearchResponse),
 *   traceID in hex without leading zeros (pkg/util/traceid.go TraceIDToHexString). Only the
 *   {@code { span.ATTR = "VALUE" }} form is understood here; other TraceQL is a 400 as a parse error would be.
 *   A received trace is searchable only after {@link #readsUntilSearchable} searches: search reads the ingester's
 *   head block, which a trace reaches after it went idle (modules/ingester/instance.go CutCompleteTraces).</li>
 *   <li>A received trace is found by id after {@link #readsUntilQueryable} more reads (live traces in
 *   modules/ingester/instance.go are found at once; the knob lets tests poll).</li>
 * </ul>
 */
public final class FakeTempo implements AutoCloseable {
    private static final Pattern SPAN_ATTRIBUTE =
            Pattern.compile("^\\{\\s*span\\.([A-Za-z0-9_.]+)\\s*=\\s*\"([^\"]*)\"\\s*}$");
    private static final String METRICS = "{\"inspectedBytes\":\"0\",\"completedJobs\":1,\"totalJobs\":1}";

    private final Map<String, ObjectNode> traces = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> readsLeft = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> searchesLeft = new ConcurrentHashMap<>();
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private volatile int readsUntilQueryable;
    private volatile int readsUntilSearchable;
    private volatile boolean searchBroken;
    private final FakeServer server;

    public FakeTempo() {
        this.server = new FakeServer("tempo", this::handle);
    }

    public HttpUrl url() {
        return server.url();
    }

    public FakeServer server() {
        return server;
    }

    public FakeTempo notReadyFor(int count) {
        notReadyAnswers.set(count);
        return this;
    }

    /** How many reads by id of a received trace still find nothing. */
    public FakeTempo readsUntilQueryable(int reads) {
        this.readsUntilQueryable = reads;
        return this;
    }

    /** How many searches still miss a received trace. */
    public FakeTempo readsUntilSearchable(int reads) {
        this.readsUntilSearchable = reads;
        return this;
    }

    /** Search never finds anything (a querier that cannot read the ingesters' blocks), while reads by id work. */
    public FakeTempo searchBroken(boolean broken) {
        this.searchBroken = broken;
        return this;
    }

    /** Ingests one resourceSpans element (OTLP/JSON, hex ids) for a trace, as the collector's exporter would. */
    public void receive(String traceIdHex, JsonNode resourceSpans) {
        String id = traceIdHex.toLowerCase();
        ObjectNode copy = (ObjectNode) resourceSpans.deepCopy();
        traces.compute(id, (key, trace) -> {
            ObjectNode result = trace == null ? emptyTrace() : trace;
            ((ArrayNode) result.path("trace").path("resourceSpans")).add(copy);
            return result;
        });
        readsLeft.putIfAbsent(id, new AtomicInteger(readsUntilQueryable));
        searchesLeft.putIfAbsent(id, new AtomicInteger(readsUntilSearchable));
    }

    public boolean hasTrace(String traceIdHex) {
        return traces.containsKey(traceIdHex.toLowerCase());
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    private static ObjectNode emptyTrace() {
        ObjectNode response = FakeServer.JSON.createObjectNode();
        response.putObject("trace").putArray("resourceSpans");
        return response;
    }

    /** What Tempo's JSON says for a trace: ids base64, as jsonpb writes bytes. */
    private static ObjectNode asTempoJson(ObjectNode stored) {
        ObjectNode copy = stored.deepCopy();
        for (JsonNode resource : copy.path("trace").path("resourceSpans")) {
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    ObjectNode s = (ObjectNode) span;
                    s.put("traceId", base64(s.path("traceId").asString()));
                    s.put("spanId", base64(s.path("spanId").asString()));
                }
            }
        }
        copy.set("metrics", FakeServer.JSON.readTree(METRICS));
        return copy;
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
            return byId(path.substring("/api/v2/traces/".length()), true);
        }
        if (path.startsWith("/api/traces/")) {
            return byId(path.substring("/api/traces/".length()), false);
        }
        if (path.equals("/api/search")) {
            return search(request.getUrl());
        }
        return text(404, "404 page not found\n");
    }

    private MockResponse byId(String rawId, boolean v2) {
        String id = rawId.toLowerCase();
        if (!id.matches("[0-9a-f]{1,32}")) {
            return text(400, "invalid trace id: " + rawId);
        }
        String padded = "0".repeat(32 - id.length()) + id;
        ObjectNode trace = traces.get(padded);
        AtomicInteger left = readsLeft.get(padded);
        boolean found = trace != null && left.getAndUpdate(n -> Math.max(0, n - 1)) == 0;
        if (found) {
            return json(200, asTempoJson(trace));
        }
        ObjectNode empty = FakeServer.JSON.createObjectNode();
        empty.putObject("trace");
        empty.set("metrics", FakeServer.JSON.readTree(METRICS));
        // v2: 200 with an empty trace; v1: 404 with the same body
        return json(v2 ? 200 : 404, empty);
    }

    private MockResponse search(HttpUrl url) {
        String query = url.queryParameter("q");
        if (query == null || query.isBlank()) {
            return text(400, "invalid TraceQL query: parse error at line 1, col 1: syntax error: unexpected $end");
        }
        Matcher matcher = SPAN_ATTRIBUTE.matcher(query.strip());
        if (!matcher.matches()) {
            return text(400, "the fake understands only { span.ATTR = \"VALUE\" }: " + query);
        }
        ObjectNode response = FakeServer.JSON.createObjectNode();
        ArrayNode found = response.putArray("traces");
        response.set("metrics", FakeServer.JSON.readTree(METRICS));
        if (searchBroken) {
            return json(200, response);
        }
        traces.forEach((id, trace) -> {
            for (JsonNode resource : trace.path("trace").path("resourceSpans")) {
                for (JsonNode scope : resource.path("scopeSpans")) {
                    for (JsonNode span : scope.path("spans")) {
                        if (hasAttribute(span, matcher.group(1), matcher.group(2))
                                && searchesLeft.get(id).getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                            found.addObject()
                                    .put("traceID", id.replaceFirst("^0+", ""))
                                    .put("rootServiceName", serviceName(resource))
                                    .put("rootTraceName", span.path("name").asString(""))
                                    .put(
                                            "startTimeUnixNano",
                                            span.path("startTimeUnixNano").asString(""))
                                    .put("durationMs", 0);
                            return;
                        }
                    }
                }
            }
        });
        return json(200, response);
    }

    private static boolean hasAttribute(JsonNode span, String key, String value) {
        for (JsonNode attribute : span.path("attributes")) {
            if (key.equals(attribute.path("key").asString(""))
                    && value.equals(attribute.path("value").path("stringValue").asString(""))) {
                return true;
            }
        }
        return false;
    }

    private static String serviceName(JsonNode resource) {
        for (JsonNode attribute : resource.path("resource").path("attributes")) {
            if ("service.name".equals(attribute.path("key").asString(""))) {
                return attribute.path("value").path("stringValue").asString("");
            }
        }
        return "<root span not yet received>";
    }

    @Override
    public void close() {
        server.close();
    }
}
