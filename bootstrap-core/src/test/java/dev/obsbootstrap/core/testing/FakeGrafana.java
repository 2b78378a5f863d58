package dev.obsbootstrap.core.testing;

import static dev.obsbootstrap.core.testing.FakeServer.json;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Grafana 13.2's HTTP API as the probes use it. Behaviours and where they come from (grafana/grafana; the pinned
 * v13.2.0 tree is too large to fetch here, so files were read one by one from the index at the commits named):
 * <ul>
 *   <li>{@code GET /api/health}: {"database":"ok","version",...}, 503 "failing" without its database (pkg/api/health.go).</li>
 *   <li>Basic auth on every other {@code /api/}: 401 {"message":"Invalid username or password","messageId":
 *   "password-auth.failed"}; after 5 failed logins of a user within 5 minutes even the right password is refused
 *   (brute-force protection on by default: pkg/setting/setting.go brute_force_login_protection_max_attempts,
 *   pkg/services/loginattempt/loginattemptimpl/login_attempt.go).</li>
 *   <li>{@code GET /api/datasources/uid/{uid}/health}: Prometheus runs {@code 1+1} and answers "Successfully queried
 *   the Prometheus API." (pkg/promlib/healthcheck.go); Loki runs {@code vector(1)+vector(1)} and answers "Data source
 *   successfully connected." (pkg/tsdb/loki/healthcheck.go); neither reads stored data. Tempo: the core datasource has
 *   no CheckHealth, so Grafana answers <b>404</b> {"message":"Method not implemented","messageId":"plugin.notImplemented"}
 *   (pkg/plugins/backendplugin/coreplugin/core_plugin.go, pkg/plugins/errors.go); the decoupled
 *   grafana-tempo-datasource plugin calls Tempo's {@code /api/echo} and answers "Data source is working"
 *   (grafana/grafana-tempo-datasource pkg/tempo/tempo.go CheckHealth, commit 1c2aa65). {@link #tempoHealth} picks one.</li>
 *   <li>{@code GET /api/datasources/proxy/uid/{uid}/...}: forwarded to the datasource's URL (pkg/api/pluginproxy/ds_proxy.go),
 *   an unreachable backend is 502.</li>
 *   <li>{@code POST /api/ds/query}: each query goes to its datasource's backend over HTTP as Grafana's backend does,
 *   with the datasource's headers (X-Scope-OrgID for a Loki tenant): Loki {@code query_range}
 *   (pkg/tsdb/loki/api.go), Tempo the trace by id (pkg/tsdb/tempo/trace.go, index commit 008aba5: v1
 *   {@code /api/traces/<id>}, a non-200 becomes "failed to get trace with id: ... Status: ..."), Prometheus an instant
 *   {@code /api/v1/query}. 200 with {@code results.A.frames} (data frames: schema.fields + data.values), or 400 with
 *   {@code results.A.error} when a query failed (pkg/api/metrics.go toJsonStreamingResponse). The fake asks Tempo
 *   for JSON where Grafana asks for protobuf: the same trace either way.</li>
 * </ul>
 */
public final class FakeGrafana implements AutoCloseable {
    public static final int LOCKOUT_AFTER = 5;

    /** Which Tempo datasource Grafana runs, for its health check. */
    public enum TempoDatasource {
        CORE,
        DECOUPLED_PLUGIN
    }

    private record Datasource(String type, HttpUrl backend, Map<String, String> headers) {}

    private final String user;
    private final String password;
    private final Map<String, Datasource> datasources = new ConcurrentHashMap<>();
    private final Map<String, String> datasourceErrors = new ConcurrentHashMap<>();
    private final AtomicInteger failedLogins = new AtomicInteger();
    private final OkHttpClient backendClient =
            new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private volatile boolean databaseOk = true;
    private volatile TempoDatasource tempoHealth = TempoDatasource.CORE;
    private volatile boolean anonymousAdmin;
    private final FakeServer server;

    public FakeGrafana(String user, String password) {
        this.user = user;
        this.password = password;
        this.server = new FakeServer("grafana", this::handle);
    }

    public HttpUrl url() {
        return server.url();
    }

    public FakeServer server() {
        return server;
    }

    /** A provisioned datasource of this type (prometheus, loki, tempo) with no backend: its health check passes, queries fail. */
    public FakeGrafana datasource(String uid, String type) {
        return datasource(uid, type, HttpUrl.get("http://127.0.0.1:1/"), Map.of());
    }

    /** A provisioned datasource whose backend is at {@code backend}, sending {@code headers} (e.g. X-Scope-OrgID). */
    public FakeGrafana datasource(String uid, String type, HttpUrl backend, Map<String, String> headers) {
        datasources.put(uid, new Datasource(type.toLowerCase(), backend, Map.copyOf(headers)));
        datasourceErrors.remove(uid);
        return this;
    }

    /** A provisioned datasource whose health check fails with Grafana's message. */
    public FakeGrafana unhealthyDatasource(String uid, String type, String message) {
        datasource(uid, type);
        datasourceErrors.put(uid, message);
        return this;
    }

    public FakeGrafana tempoHealth(TempoDatasource which) {
        this.tempoHealth = which;
        return this;
    }

    /**
     * Grafana with {@code [auth.anonymous] enabled = true, org_role = Admin} (pkg/setting/setting.go): requests without
     * credentials are served, for tests that cannot hand the CLI OBS_GRAFANA_* variables.
     */
    public FakeGrafana anonymousAdmin() {
        this.anonymousAdmin = true;
        return this;
    }

    public FakeGrafana databaseOk(boolean ok) {
        this.databaseOk = ok;
        return this;
    }

    public int failedLogins() {
        return failedLogins.get();
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    private MockResponse handle(RecordedRequest request) {
        String path = FakeServer.path(request);
        if (path.equals("/api/health")) {
            return databaseOk
                    ? json(200, "{\"database\":\"ok\",\"version\":\"13.2.0\",\"commit\":\"0123abc\"}")
                    : json(503, "{\"database\":\"failing\",\"version\":\"13.2.0\",\"commit\":\"0123abc\"}");
        }
        if (!path.startsWith("/api/")) {
            return json(404, "{\"message\":\"Not found\"}");
        }
        String authorization = request.getHeaders().get("Authorization");
        if (authorization == null && anonymousAdmin) {
            authorization = Credentials.basic(user, password);
        }
        if (authorization == null) {
            return json(
                    401,
                    "{\"message\":\"Unauthorized\",\"messageId\":\"auth.unauthorized\",\"statusCode\":401,\"traceID\":\"\"}");
        }
        if (failedLogins.get() >= LOCKOUT_AFTER) {
            return json(
                    401,
                    "{\"message\":\"Too many consecutive incorrect login attempts for user - login for user temporarily blocked\","
                            + "\"messageId\":\"password-auth.failed\",\"statusCode\":401,\"traceID\":\"\"}");
        }
        if (!authorization.equals(Credentials.basic(user, password))) {
            failedLogins.incrementAndGet();
            return json(
                    401,
                    "{\"message\":\"Invalid username or password\",\"messageId\":\"password-auth.failed\",\"statusCode\":401,\"traceID\":\"\"}");
        }
        if (path.startsWith("/api/datasources/uid/") && path.endsWith("/health")) {
            return health(path.substring("/api/datasources/uid/".length(), path.length() - "/health".length()));
        }
        if (path.startsWith("/api/datasources/proxy/uid/")) {
            return datasourceProxy(path.substring("/api/datasources/proxy/uid/".length()));
        }
        if (path.equals("/api/ds/query") && request.getMethod().equals("POST")) {
            return query(FakeServer.jsonBody(request));
        }
        return json(404, "{\"message\":\"Not found\"}");
    }

    private MockResponse health(String uid) {
        Datasource datasource = datasources.get(uid);
        if (datasource == null) {
            return json(404, "{\"message\":\"Data source not found\"}");
        }
        String error = datasourceErrors.get(uid);
        if (error != null) {
            return json(
                    400,
                    FakeServer.JSON.createObjectNode().put("message", error).put("status", "ERROR"));
        }
        return switch (datasource.type()) {
            case "prometheus" ->
                json(200, "{\"message\":\"Successfully queried the Prometheus API.\",\"status\":\"OK\"}");
            case "loki" -> json(200, "{\"message\":\"Data source successfully connected.\",\"status\":\"OK\"}");
            case "tempo" ->
                tempoHealth == TempoDatasource.CORE
                        ? json(
                                404,
                                "{\"message\":\"Method not implemented\",\"messageId\":\"plugin.notImplemented\",\"statusCode\":404,\"traceID\":\"\"}")
                        : backendGet(datasource, "api/echo", Map.of()).code() == 200
                                ? json(200, "{\"message\":\"Data source is working\",\"status\":\"OK\"}")
                                : json(
                                        400,
                                        "{\"message\":\"Tempo echo endpoint returned status 503\",\"status\":\"ERROR\"}");
            default -> json(200, "{\"message\":\"ok\",\"status\":\"OK\"}");
        };
    }

    /**
     * The datasource proxy (pkg/api/dataproxy.go, pkg/api/pluginproxy/ds_proxy.go): the rest of the path goes to the
     * datasource's URL with its headers; the backend's answer comes back as it is, an unreachable backend is 502.
     */
    private MockResponse datasourceProxy(String uidAndPath) {
        int slash = uidAndPath.indexOf('/');
        String uid = slash < 0 ? uidAndPath : uidAndPath.substring(0, slash);
        Datasource datasource = datasources.get(uid);
        if (datasource == null) {
            return json(404, "{\"message\":\"Unable to find datasource\"}");
        }
        try {
            BackendReply reply = backendGet(datasource, slash < 0 ? "" : uidAndPath.substring(slash + 1), Map.of());
            return json(reply.code(), reply.body());
        } catch (BackendError e) {
            return FakeServer.text(502, "Bad Gateway");
        }
    }

    private MockResponse query(JsonNode body) {
        ObjectNode response = FakeServer.JSON.createObjectNode();
        ObjectNode results = response.putObject("results");
        boolean failed = false;
        for (JsonNode query : body.path("queries")) {
            String refId = query.path("refId").asString("A");
            String uid = query.path("datasource").path("uid").asString("");
            Datasource datasource = datasources.get(uid);
            if (datasource == null) {
                return json(404, "{\"message\":\"Data source not found\",\"traceID\":\"\"}");
            }
            ObjectNode result = results.putObject(refId);
            try {
                ArrayNode frames = switch (datasource.type()) {
                    case "loki" -> lokiFrames(datasource, query, body);
                    case "tempo" -> tempoFrames(datasource, query);
                    case "prometheus" -> prometheusFrames(datasource, query);
                    default -> throw new BackendError("the fake has no backend for type " + datasource.type());
                };
                result.put("status", 200).set("frames", frames);
            } catch (BackendError e) {
                failed = true;
                result.put("error", e.getMessage())
                        .put("errorSource", "downstream")
                        .put("status", 500);
            }
        }
        return json(failed ? 400 : 200, response);
    }

    private ArrayNode lokiFrames(Datasource datasource, JsonNode query, JsonNode body) {
        long fromMs = Long.parseLong(body.path("from").asString("0"));
        long toMs = Long.parseLong(body.path("to").asString(Long.toString(System.currentTimeMillis())));
        BackendReply reply = backendGet(
                datasource,
                "loki/api/v1/query_range",
                Map.of(
                        "query",
                        query.path("expr").asString(""),
                        "start",
                        Long.toString(fromMs * 1_000_000L),
                        "end",
                        Long.toString(toMs * 1_000_000L),
                        "limit",
                        query.path("maxLines").asString("100"),
                        "direction",
                        "backward"));
        if (reply.code() != 200) {
            throw new BackendError(reply.body().strip());
        }
        ArrayNode frames = FakeServer.JSON.createArrayNode();
        List<ArrayNode> columns = frame(frames, "", "labels", "Time", "Line", "tsNs");
        ArrayNode labels = columns.get(0);
        ArrayNode times = columns.get(1);
        ArrayNode lines = columns.get(2);
        ArrayNode nanos = columns.get(3);
        for (JsonNode stream :
                FakeServer.JSON.readTree(reply.body()).path("data").path("result")) {
            for (JsonNode value : stream.path("values")) {
                labels.add(stream.path("stream"));
                long ns = Long.parseLong(value.path(0).asString("0"));
                times.add(ns / 1_000_000L);
                lines.add(value.path(1).asString(""));
                nanos.add(value.path(0).asString(""));
            }
        }
        return frames;
    }

    private ArrayNode tempoFrames(Datasource datasource, JsonNode query) {
        String traceId = query.path("query").asString("");
        if (traceId.isBlank()) {
            throw new BackendError("trace id is required");
        }
        BackendReply reply = backendGet(datasource, "api/traces/" + traceId, Map.of());
        if (reply.code() != 200) {
            throw new BackendError("failed to get trace with id: " + traceId + " Status: " + reply.code() + " Body: "
                    + reply.body().strip());
        }
        ArrayNode frames = FakeServer.JSON.createArrayNode();
        List<ArrayNode> columns = frame(frames, "Trace", "traceID", "spanID", "operationName", "serviceName");
        ArrayNode traceIds = columns.get(0);
        ArrayNode spanIds = columns.get(1);
        ArrayNode operations = columns.get(2);
        ArrayNode services = columns.get(3);
        for (JsonNode resource :
                FakeServer.JSON.readTree(reply.body()).path("trace").path("resourceSpans")) {
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    traceIds.add(hex(span.path("traceId").asString("")));
                    spanIds.add(hex(span.path("spanId").asString("")));
                    operations.add(span.path("name").asString(""));
                    services.add("obs-bootstrap-probe");
                }
            }
        }
        return frames;
    }

    private ArrayNode prometheusFrames(Datasource datasource, JsonNode query) {
        BackendReply reply = backendGet(
                datasource, "api/v1/query", Map.of("query", query.path("expr").asString("")));
        JsonNode json = reply.body().strip().startsWith("{")
                ? FakeServer.JSON.readTree(reply.body())
                : FakeServer.JSON.createObjectNode();
        if (reply.code() != 200) {
            throw new BackendError(json.path("error").asString(reply.body().strip()));
        }
        ArrayNode frames = FakeServer.JSON.createArrayNode();
        for (JsonNode series : json.path("data").path("result")) {
            ObjectNode frame = frames.addObject();
            ArrayNode fields = frame.putObject("schema").put("name", "").putArray("fields");
            fields.addObject().put("name", "Time");
            fields.addObject().put("name", "Value").set("labels", series.path("metric"));
            ArrayNode values = frame.putObject("data").putArray("values");
            values.addArray().add((long) (series.path("value").path(0).asDouble() * 1000));
            values.addArray()
                    .add(Double.parseDouble(series.path("value").path(1).asString("NaN")));
        }
        return frames;
    }

    /** A data frame (schema.fields + data.values, as the plugin SDK serialises one) appended to frames; its columns, in field order. */
    private static List<ArrayNode> frame(ArrayNode frames, String name, String... fieldNames) {
        ObjectNode frame = frames.addObject();
        ArrayNode fields = frame.putObject("schema").put("name", name).putArray("fields");
        ArrayNode values = frame.putObject("data").putArray("values");
        List<ArrayNode> columns = new java.util.ArrayList<>();
        for (String field : fieldNames) {
            fields.addObject().put("name", field);
            columns.add(values.addArray());
        }
        return columns;
    }

    private static String hex(String base64) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.util.Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }

    private record BackendReply(int code, String body) {}

    private static final class BackendError extends RuntimeException {
        BackendError(String message) {
            super(message);
        }
    }

    private BackendReply backendGet(Datasource datasource, String path, Map<String, String> query) {
        HttpUrl.Builder url = datasource.backend().newBuilder();
        if (!path.isEmpty()) {
            url.addPathSegments(path);
        }
        query.forEach(url::addQueryParameter);
        Request.Builder request = new Request.Builder().url(url.build());
        datasource.headers().forEach(request::header);
        try (Response response = backendClient.newCall(request.build()).execute()) {
            return new BackendReply(response.code(), response.body().string());
        } catch (IOException e) {
            throw new BackendError("Post \"" + url.build() + "\": dial tcp: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        server.close();
        backendClient.dispatcher().executorService().shutdown();
        backendClient.connectionPool().evictAll();
    }
}
