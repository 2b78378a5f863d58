package dev.obsbootstrap.core.testing;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import okhttp3.HttpUrl;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.obsbootstrap.core.testing.FakeServer.json;

/**
 * Grafana's HTTP API as the probes use it: {@code GET /api/health} (database ok/failing), and, behind basic auth,
 * {@code GET /api/datasources/uid/{uid}/health} (200 {"status":"OK"}, 400 {"status":"ERROR"}, 404 unknown uid),
 * answering 401 like Grafana without or with wrong credentials.
 */
public final class FakeGrafana implements AutoCloseable {
    private final String user;
    private final String password;
    private final Map<String, String> datasourceErrors = new ConcurrentHashMap<>();
    private final Map<String, String> datasourceTypes = new ConcurrentHashMap<>();
    private volatile boolean databaseOk = true;
    private final FakeServer server;

    public FakeGrafana(String user, String password) {
        this.user = user;
        this.password = password;
        this.server = new FakeServer("grafana", this::handle);
    }

    public HttpUrl url() {
        return server.url();
    }

    /** A provisioned datasource whose health check passes. */
    public FakeGrafana datasource(String uid, String type) {
        datasourceTypes.put(uid, type);
        datasourceErrors.remove(uid);
        return this;
    }

    /** A provisioned datasource whose health check fails with Grafana's message. */
    public FakeGrafana unhealthyDatasource(String uid, String type, String message) {
        datasourceTypes.put(uid, type);
        datasourceErrors.put(uid, message);
        return this;
    }

    public FakeGrafana databaseOk(boolean ok) {
        this.databaseOk = ok;
        return this;
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
        if (authorization == null) {
            return json(401, "{\"message\":\"Unauthorized\"}");
        }
        if (!authorization.equals(Credentials.basic(user, password))) {
            return json(401, "{\"message\":\"Invalid username or password\",\"messageId\":\"password-auth.failed\",\"statusCode\":401,\"traceID\":\"\"}");
        }
        if (path.startsWith("/api/datasources/uid/") && path.endsWith("/health")) {
            String uid = path.substring("/api/datasources/uid/".length(), path.length() - "/health".length());
            String type = datasourceTypes.get(uid);
            if (type == null) {
                return json(404, "{\"message\":\"Data source not found\"}");
            }
            String error = datasourceErrors.get(uid);
            if (error != null) {
                return json(400, FakeServer.JSON.createObjectNode().put("message", error).put("status", "ERROR"));
            }
            return json(200, FakeServer.JSON.createObjectNode().put("message", "Successfully queried the " + type + " API.").put("status", "OK"));
        }
        return json(404, "{\"message\":\"Not found\"}");
    }

    @Override
    public void close() {
        server.close();
    }
}
