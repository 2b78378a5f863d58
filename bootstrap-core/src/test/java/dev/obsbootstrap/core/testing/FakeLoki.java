package dev.obsbootstrap.core.testing;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.obsbootstrap.core.testing.FakeServer.json;
import static dev.obsbootstrap.core.testing.FakeServer.text;

/**
 * Loki's HTTP API as the probes use it, with state: {@code POST /loki/api/v1/push} (JSON streams, 204) stores
 * lines per tenant, {@code GET /loki/api/v1/query_range} answers a stream selector from what was stored
 * (label matchers =, !=, =~, !~; start/end in ns), {@code GET /ready} answers 503 for the first N calls.
 * With a required tenant, requests without {@code X-Scope-OrgID} get 401 "no org id" as Loki with auth_enabled.
 */
public final class FakeLoki implements AutoCloseable {
    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
    private static final String NO_TENANT = "fake";

    public record Entry(String tenant, Map<String, String> labels, long timestampNanos, String line) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private volatile boolean tenantRequired;
    private volatile boolean dropPushes;
    private final AtomicInteger blindQueries = new AtomicInteger();
    private final FakeServer server;

    public FakeLoki() {
        this.server = new FakeServer("loki", this::handle);
    }

    public HttpUrl url() {
        return server.url();
    }

    /** auth_enabled: every request needs X-Scope-OrgID. */
    public FakeLoki requireTenant(boolean required) {
        this.tenantRequired = required;
        return this;
    }

    /** The next {@code count} calls of /ready answer 503, as an ingester that is still joining the ring. */
    public FakeLoki notReadyFor(int count) {
        notReadyAnswers.set(count);
        return this;
    }

    /** Pushes are acknowledged (204) but never become queryable, as with a broken ingester path. */
    public FakeLoki dropPushes(boolean drop) {
        this.dropPushes = drop;
        return this;
    }

    /**
     * The next {@code count} query_range calls see nothing, as when pushed lines are still only in an ingester the
     * querier has not asked yet.
     */
    public FakeLoki blindQueries(int count) {
        blindQueries.set(count);
        return this;
    }

    /** A line as a log collector would ship it (e.g. labels namespace, pod, container). */
    public FakeLoki ship(String tenant, Map<String, String> labels, String line) {
        entries.add(new Entry(tenant, Map.copyOf(labels), System.currentTimeMillis() * 1_000_000L, line));
        return this;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    private MockResponse handle(RecordedRequest request) {
        String path = FakeServer.path(request);
        if (path.equals("/ready")) {
            if (notReadyAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return text(503, "Ingester not ready: waiting for 15s after being ready");
            }
            return text(200, "ready");
        }
        String tenant = request.getHeaders().get("X-Scope-OrgID");
        if (tenant == null) {
            if (tenantRequired) {
                return text(401, "no org id\n");
            }
            tenant = NO_TENANT;
        }
        if (path.equals("/loki/api/v1/push") && request.getMethod().equals("POST")) {
            return push(tenant, request);
        }
        if (path.equals("/loki/api/v1/query_range") && request.getMethod().equals("GET")) {
            return queryRange(tenant, request.getUrl());
        }
        return text(404, "404 page not found");
    }

    private MockResponse push(String tenant, RecordedRequest request) {
        String contentType = request.getHeaders().get("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            return text(415, "unsupported Content-Type: " + contentType + " (the fake speaks JSON only)");
        }
        JsonNode body;
        try {
            body = FakeServer.jsonBody(request);
        } catch (RuntimeException e) {
            return text(400, "loghttp.PushRequest: " + e.getMessage());
        }
        List<Entry> received = new ArrayList<>();
        for (JsonNode stream : body.path("streams")) {
            Map<String, String> labels = new LinkedHashMap<>();
            stream.path("stream").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            if (labels.isEmpty()) {
                return text(400, "error at least one label pair is required per stream");
            }
            for (JsonNode value : stream.path("values")) {
                if (!value.isArray() || value.size() < 2) {
                    return text(400, "each value must be [\"<unix epoch in ns>\", \"<log line>\"]");
                }
                long ts;
                try {
                    ts = Long.parseLong(value.get(0).asString());
                } catch (NumberFormatException e) {
                    return text(400, "timestamp must be a string of nanoseconds: " + value.get(0));
                }
                received.add(new Entry(tenant, Map.copyOf(labels), ts, value.get(1).asString()));
            }
        }
        if (!dropPushes) {
            entries.addAll(received);
        }
        return FakeServer.empty(204);
    }

    private MockResponse queryRange(String tenant, HttpUrl url) {
        String query = url.queryParameter("query");
        if (query == null || query.isBlank()) {
            return text(400, "parse error : syntax error: unexpected $end");
        }
        Map<String, String[]> matchers;
        try {
            matchers = parseSelector(query);
        } catch (IllegalArgumentException e) {
            return text(400, "parse error : " + e.getMessage());
        }
        long end = parseNanos(url.queryParameter("end"), System.currentTimeMillis() * 1_000_000L);
        long start = parseNanos(url.queryParameter("start"), end - 3_600_000_000_000L);
        int limit = url.queryParameter("limit") == null ? 100 : Integer.parseInt(url.queryParameter("limit"));
        Map<Map<String, String>, List<Entry>> streams = new LinkedHashMap<>();
        boolean blind = blindQueries.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        entries.stream()
                .filter(e -> !blind)
                .filter(e -> e.tenant().equals(tenant))
                .filter(e -> e.timestampNanos() >= start && e.timestampNanos() <= end)
                .filter(e -> matches(e.labels(), matchers))
                .sorted(Comparator.comparingLong(Entry::timestampNanos).reversed())
                .limit(limit)
                .forEach(e -> streams.computeIfAbsent(e.labels(), k -> new ArrayList<>()).add(e));
        ObjectNode response = FakeServer.JSON.createObjectNode().put("status", "success");
        ObjectNode data = response.putObject("data").put("resultType", "streams");
        ArrayNode result = data.putArray("result");
        streams.forEach((labels, lines) -> {
            ObjectNode stream = result.addObject();
            ObjectNode streamLabels = stream.putObject("stream");
            labels.forEach(streamLabels::put);
            ArrayNode values = stream.putArray("values");
            lines.forEach(e -> values.addArray().add(Long.toString(e.timestampNanos())).add(e.line()));
        });
        data.putObject("stats");
        return json(200, response);
    }

    private static long parseNanos(String value, long fallback) {
        return value == null ? fallback : Long.parseLong(value);
    }

    /** label -> {operator, value}; only one matcher per label, which is all the probes use. */
    static Map<String, String[]> parseSelector(String query) {
        String trimmed = query.trim();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            throw new IllegalArgumentException("only a stream selector {...} is supported by the fake: " + query);
        }
        String inner = trimmed.substring(1, trimmed.length() - 1);
        Map<String, String[]> matchers = new LinkedHashMap<>();
        Matcher matcher = MATCHER.matcher(inner);
        int position = 0;
        while (position < inner.length()) {
            if (!matcher.find(position) || matcher.start() != position) {
                throw new IllegalArgumentException("syntax error in selector " + query);
            }
            matchers.put(matcher.group(1), new String[]{matcher.group(2), matcher.group(3).replace("\\\"", "\"")});
            position = matcher.end();
            if (position < inner.length()) {
                if (inner.charAt(position) != ',') {
                    throw new IllegalArgumentException("syntax error in selector " + query);
                }
                position++;
            }
        }
        if (matchers.values().stream().noneMatch(m -> m[0].equals("=") && !m[1].isEmpty()
                || m[0].equals("=~") && !Pattern.matches(m[1], ""))) {
            throw new IllegalArgumentException("queries require at least one regexp or equality matcher that does not have an empty-compatible value");
        }
        return matchers;
    }

    private static boolean matches(Map<String, String> labels, Map<String, String[]> matchers) {
        for (Map.Entry<String, String[]> m : matchers.entrySet()) {
            String actual = labels.getOrDefault(m.getKey(), "");
            String op = m.getValue()[0];
            String expected = m.getValue()[1];
            boolean ok = switch (op) {
                case "=" -> actual.equals(expected);
                case "!=" -> !actual.equals(expected);
                case "=~" -> Pattern.matches(expected, actual);
                default -> !Pattern.matches(expected, actual);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        server.close();
    }
}
