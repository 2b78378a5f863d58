package dev.obsbootstrap.core.testing;

import static dev.obsbootstrap.core.testing.FakeServer.json;
import static dev.obsbootstrap.core.testing.FakeServer.text;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * Loki 3.7.6's HTTP API as the probes and Grafana use it, with state; each behaviour from grafana/loki at v3.7.6:
 * <ul>
 *   <li>{@code POST /loki/api/v1/push} (JSON streams): 204 (pkg/distributor/http.go). An entry more than
 *   {@code creation_grace_period} (10m) ahead of <em>Loki's</em> clock is refused with 400 "entry for stream '...' has
 *   timestamp too new: ..."; one older than {@code reject_old_samples_max_age} (7d) with "... has timestamp too old:
 *   ..." (pkg/validation/validate.go TooFarInFutureErrorMsg/GreaterThanMaxSampleAgeErrorMsg, limits.go defaults),
 *   written as the 400's plain-text body (distributor/http.go errorWriter).</li>
 *   <li>{@code GET /loki/api/v1/query_range}: a stream selector (=, !=, =~, !~) and {@code |= "text"} line filters,
 *   start/end in ns, answered from what was stored for the tenant.</li>
 *   <li>Every query_range is logged by Loki as an info line carrying the query text
 *   (pkg/logql/metrics.go RecordRangeAndInstantQueryMetrics: {@code latency=... query="..." ...}). With
 *   {@link #collectorShipsOwnLogs} the fake plays the log collector too: that line is stored as Alloy would ship
 *   Loki's stdout, labelled with namespace, pod, container and the collector label the values give it.</li>
 *   <li>{@code GET /ready}: 503 "Ingester not ready: ..." for the first N calls (pkg/loki/loki.go readyHandler, with the
 *   ring lifecycler's "waiting for 15s after being ready").</li>
 *   <li>auth_enabled: a request without {@code X-Scope-OrgID} is 401 "no org id" (vendored dskit user/id.go ErrNoOrgID,
 *   written by middleware/http_auth.go).</li>
 * </ul>
 * Every answer carries the fake's Date ({@link FakeServer}); {@link #clockOffset} skews Loki's clock.
 */
public final class FakeLoki implements AutoCloseable {
    private static final Duration CREATION_GRACE_PERIOD = Duration.ofMinutes(10);
    private static final Duration REJECT_OLD_SAMPLES_MAX_AGE = Duration.ofDays(7);
    private static final Pattern LINE_FILTER = Pattern.compile("\\|=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern MATCHER =
            Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
    private static final String NO_TENANT = "fake";

    public record Entry(String tenant, Map<String, String> labels, long timestampNanos, String line) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private volatile boolean tenantRequired;
    private volatile boolean dropPushes;
    private final AtomicInteger blindQueries = new AtomicInteger();
    private volatile Map<String, String> ownLogLabels = Map.of();
    private volatile String storeError = "";
    private volatile String ownLogTenant = "";
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

    /** A line as a log collector would ship it (e.g. labels namespace, pod, container), stamped now on Loki's clock. */
    public FakeLoki ship(String tenant, Map<String, String> labels, String line) {
        return ship(tenant, labels, line, server.now());
    }

    /** A line shipped with this timestamp (an old line of an earlier run, a line shipped before the collector broke). */
    public FakeLoki ship(String tenant, Map<String, String> labels, String line, Instant at) {
        entries.add(new Entry(tenant, Map.copyOf(labels), at.getEpochSecond() * 1_000_000_000L + at.getNano(), line));
        return this;
    }

    /**
     * The log collector works: Loki's own query log lines (one per query_range) are shipped back into Loki with these
     * labels for this tenant, as Alloy tails Loki's container log. Empty labels: nothing ships them.
     */
    public FakeLoki collectorShipsOwnLogs(String tenant, Map<String, String> labels) {
        this.ownLogTenant = tenant;
        this.ownLogLabels = Map.copyOf(labels);
        return this;
    }

    /**
     * The object store cannot be read: a query reaching back past query_ingesters_within (3h), which the queriers
     * answer from the store, fails with 500 and the store's error, as a querier does when fetching chunks fails.
     */
    public FakeLoki storeUnreadable(String error) {
        this.storeError = error;
        return this;
    }

    /** Puts Loki's clock this far ahead (negative: behind) of this machine's. */
    public FakeLoki clockOffset(Duration offset) {
        server.clockOffset(offset);
        return this;
    }

    /**
     * Loki's native OTLP intake ({@code /otlp/v1/logs}), as a {@link FakeOtelCollector} logs pipeline exports to it:
     * each log record becomes a line labelled with the resource's service.name as {@code service_name}, one of the
     * resource attributes Loki indexes by default (grafana/loki v3.7.6 pkg/loghttp/push/otlp_config.go), for this tenant.
     */
    public void receiveOtlp(String tenant, JsonNode exportLogsRequest) {
        for (JsonNode resource : exportLogsRequest.path("resourceLogs")) {
            Map<String, String> labels = new LinkedHashMap<>();
            for (JsonNode attribute : resource.path("resource").path("attributes")) {
                if ("service.name".equals(attribute.path("key").asString(""))) {
                    labels.put(
                            "service_name",
                            attribute.path("value").path("stringValue").asString(""));
                }
            }
            for (JsonNode scope : resource.path("scopeLogs")) {
                for (JsonNode record : scope.path("logRecords")) {
                    long nanos = Long.parseLong(record.path("timeUnixNano").asString("0"));
                    entries.add(new Entry(
                            tenant,
                            Map.copyOf(labels),
                            nanos,
                            record.path("body").path("stringValue").asString("")));
                }
            }
        }
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
            stream.path("stream")
                    .properties()
                    .forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
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
                Instant at = Instant.ofEpochSecond(0, ts);
                Instant now = server.now();
                String streamText = "{"
                        + String.join(
                                ", ",
                                labels.entrySet().stream()
                                        .map(l -> l.getKey() + "=\"" + l.getValue() + "\"")
                                        .toList())
                        + "}";
                if (at.isAfter(now.plus(CREATION_GRACE_PERIOD))) {
                    return text(400, "entry for stream '" + streamText + "' has timestamp too new: " + at);
                }
                if (at.isBefore(now.minus(REJECT_OLD_SAMPLES_MAX_AGE))) {
                    return text(
                            400,
                            "entry for stream '" + streamText + "' has timestamp too old: " + at
                                    + ", oldest acceptable timestamp is: " + now.minus(REJECT_OLD_SAMPLES_MAX_AGE));
                }
                received.add(
                        new Entry(tenant, Map.copyOf(labels), ts, value.get(1).asString()));
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
        List<String> lineFilters = new ArrayList<>();
        try {
            int close = query.indexOf('}');
            if (close < 0) {
                throw new IllegalArgumentException("syntax error: unexpected $end, expecting } in " + query);
            }
            matchers = parseSelector(query.substring(0, close + 1));
            String pipeline = query.substring(close + 1).strip();
            Matcher filter = LINE_FILTER.matcher(pipeline);
            int position = 0;
            while (position < pipeline.length()) {
                if (!filter.find(position) || filter.start() != position) {
                    throw new IllegalArgumentException(
                            "the fake understands only |= \"text\" line filters: " + pipeline);
                }
                lineFilters.add(filter.group(1).replace("\\\"", "\""));
                position = filter.end();
                while (position < pipeline.length() && pipeline.charAt(position) == ' ') {
                    position++;
                }
            }
        } catch (IllegalArgumentException e) {
            return text(400, "parse error : " + e.getMessage());
        }
        long end = parseNanos(url.queryParameter("end"), System.currentTimeMillis() * 1_000_000L);
        long start = parseNanos(url.queryParameter("start"), end - 3_600_000_000_000L);
        Instant now = server.now();
        if (!storeError.isEmpty()
                && start < (now.getEpochSecond() - Duration.ofHours(3).toSeconds()) * 1_000_000_000L) {
            return text(500, storeError);
        }
        int limit = url.queryParameter("limit") == null ? 100 : Integer.parseInt(url.queryParameter("limit"));
        Map<Map<String, String>, List<Entry>> streams = new LinkedHashMap<>();
        boolean blind = blindQueries.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        entries.stream()
                .filter(e -> !blind)
                .filter(e -> e.tenant().equals(tenant))
                .filter(e -> e.timestampNanos() >= start && e.timestampNanos() <= end)
                .filter(e -> matches(e.labels(), matchers))
                .filter(e -> lineFilters.stream().allMatch(e.line()::contains))
                .sorted(Comparator.comparingLong(Entry::timestampNanos).reversed())
                .limit(limit)
                .forEach(e -> streams.computeIfAbsent(e.labels(), k -> new ArrayList<>())
                        .add(e));
        ObjectNode response = FakeServer.JSON.createObjectNode().put("status", "success");
        ObjectNode data = response.putObject("data").put("resultType", "streams");
        ArrayNode result = data.putArray("result");
        streams.forEach((labels, lines) -> {
            ObjectNode stream = result.addObject();
            ObjectNode streamLabels = stream.putObject("stream");
            labels.forEach(streamLabels::put);
            ArrayNode values = stream.putArray("values");
            lines.forEach(e ->
                    values.addArray().add(Long.toString(e.timestampNanos())).add(e.line()));
        });
        data.putObject("stats");
        // logged after it ran, as Loki does: a query never finds its own log line
        logQuery(tenant, query);
        return json(200, response);
    }

    /** Loki's query log line (pkg/logql/metrics.go), shipped back by the collector when one works. */
    private void logQuery(String tenant, String query) {
        if (ownLogLabels.isEmpty()) {
            return;
        }
        Instant now = server.now();
        String line = "level=info ts=" + now + " caller=metrics.go:237 component=frontend org_id=" + tenant
                + " latency=fast query=\"" + query.replace("\"", "\\\"")
                + "\" query_type=limited range_type=range status=200";
        entries.add(new Entry(ownLogTenant, ownLogLabels, now.getEpochSecond() * 1_000_000_000L + now.getNano(), line));
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
            matchers.put(
                    matcher.group(1),
                    new String[] {matcher.group(2), matcher.group(3).replace("\\\"", "\"")});
            position = matcher.end();
            if (position < inner.length()) {
                if (inner.charAt(position) != ',') {
                    throw new IllegalArgumentException("syntax error in selector " + query);
                }
                position++;
            }
        }
        if (matchers.values().stream()
                .noneMatch(
                        m -> m[0].equals("=") && !m[1].isEmpty() || m[0].equals("=~") && !Pattern.matches(m[1], ""))) {
            throw new IllegalArgumentException(
                    "queries require at least one regexp or equality matcher that does not have an empty-compatible value");
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
