package dev.obsbootstrap.core.testing;

import static dev.obsbootstrap.core.testing.FakeServer.json;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parts of Prometheus v3.14.0 that the real 2.42 test binary cannot play, each from prometheus/prometheus at
 * v3.14.0 (the real-process tests cover everything else):
 * <ul>
 *   <li>{@code GET /api/v1/targets?state=active}: the operator-named pools the stack's ServiceMonitors produce,
 *   {@code {"status":"success","data":{"activeTargets":[{"scrapePool","scrapeUrl","health","lastError"}]}}}
 *   (web/api/v1/api.go Target).</li>
 *   <li>{@code POST /api/v1/otlp/v1/metrics}: 404 "otlp write receiver needs to be enabled with
 *   --web.enable-otlp-receiver" unless enabled (web/api/v1/api.go otlpWrite); enabled, gauge data points become
 *   samples, attribute names with dots become underscores and service.name becomes the job label
 *   (storage/remote/otlptranslator/prometheusremotewrite/helper.go createAttributes).</li>
 *   <li>{@code GET /api/v1/query?query=name{label="value",...}}: an instant vector of the newest sample per series
 *   no older than the 5m lookback and not after the evaluation time (Prometheus' clock).</li>
 * </ul>
 */
public final class FakePrometheus implements AutoCloseable {
    private static final Pattern SELECTOR = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}$");
    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"\\s*,?");
    private static final Duration LOOKBACK = Duration.ofMinutes(5);

    private record Sample(String name, Map<String, String> labels, Instant at, double value) {}

    private final List<ObjectNode> targets = new CopyOnWriteArrayList<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private volatile boolean otlpReceiver = true;
    private final FakeServer server;

    public FakePrometheus() {
        this.server = new FakeServer("prometheus", this::handle);
    }

    public HttpUrl url() {
        return server.url();
    }

    public FakeServer server() {
        return server;
    }

    /** An active target of this pool (e.g. serviceMonitor/monitoring/obs-loki/0), "up" or "down" with its error. */
    public FakePrometheus target(String scrapePool, String health, String lastError) {
        targets.add(FakeServer.JSON
                .createObjectNode()
                .put("scrapePool", scrapePool)
                .put("scrapeUrl", "http://10.42.0.7:3100/metrics")
                .put("health", health)
                .put("lastError", lastError)
                .put("globalUrl", "http://10.42.0.7:3100/metrics"));
        return this;
    }

    /** Whether --web.enable-otlp-receiver (prometheusSpec.enableOTLPReceiver) is on. */
    public FakePrometheus otlpReceiver(boolean enabled) {
        this.otlpReceiver = enabled;
        return this;
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    private MockResponse handle(RecordedRequest request) {
        String path = FakeServer.path(request);
        return switch (path) {
            case "/-/ready" -> FakeServer.text(200, "Prometheus Server is Ready.\n");
            case "/api/v1/targets" -> targets();
            case "/api/v1/otlp/v1/metrics" -> otlp(request);
            case "/api/v1/query" -> query(request.getUrl().queryParameter("query"));
            default -> FakeServer.text(404, "404 page not found\n");
        };
    }

    private MockResponse targets() {
        ObjectNode response = FakeServer.JSON.createObjectNode().put("status", "success");
        ObjectNode data = response.putObject("data");
        ArrayNode active = data.putArray("activeTargets");
        targets.forEach(active::add);
        data.putArray("droppedTargets");
        return json(200, response);
    }

    /** Also the sink a {@link FakeOtelCollector} metrics pipeline exports to. */
    public void receive(JsonNode exportMetricsRequest) {
        for (JsonNode resource : exportMetricsRequest.path("resourceMetrics")) {
            String job = "";
            for (JsonNode attribute : resource.path("resource").path("attributes")) {
                if ("service.name".equals(attribute.path("key").asString(""))) {
                    job = attribute.path("value").path("stringValue").asString("");
                }
            }
            for (JsonNode scope : resource.path("scopeMetrics")) {
                for (JsonNode metric : scope.path("metrics")) {
                    String name = metric.path("name").asString("").replace('.', '_');
                    for (JsonNode point : metric.path("gauge").path("dataPoints")) {
                        Map<String, String> labels = new LinkedHashMap<>();
                        labels.put("job", job);
                        for (JsonNode attribute : point.path("attributes")) {
                            labels.put(
                                    attribute.path("key").asString("").replace('.', '_'),
                                    attribute.path("value").path("stringValue").asString(""));
                        }
                        long nanos = Long.parseLong(point.path("timeUnixNano").asString("0"));
                        samples.add(new Sample(
                                name,
                                labels,
                                Instant.ofEpochSecond(0, nanos),
                                point.path("asDouble").asDouble()));
                    }
                }
            }
        }
    }

    /**
     * What a collector's otlp_http exporter achieves: the request lands when the OTLP receiver is on; otherwise
     * Prometheus answers 404, a permanent error the exporter drops the data on.
     */
    public void export(JsonNode exportMetricsRequest) {
        if (otlpReceiver) {
            receive(exportMetricsRequest);
        }
    }

    private MockResponse otlp(RecordedRequest request) {
        if (!otlpReceiver) {
            return FakeServer.text(404, "otlp write receiver needs to be enabled with --web.enable-otlp-receiver\n");
        }
        receive(FakeServer.jsonBody(request));
        return FakeServer.empty(200);
    }

    private MockResponse query(String query) {
        Matcher selector = query == null ? null : SELECTOR.matcher(query.strip());
        if (selector == null || !selector.matches()) {
            return json(
                    400,
                    "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"the fake understands only name{label=\\\"value\\\"}\"}");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        Matcher matcher = MATCHER.matcher(selector.group(2));
        while (matcher.find()) {
            wanted.put(matcher.group(1), matcher.group(2));
        }
        Instant now = server.now();
        ObjectNode response = FakeServer.JSON.createObjectNode().put("status", "success");
        ObjectNode data = response.putObject("data").put("resultType", "vector");
        ArrayNode result = data.putArray("result");
        Map<Map<String, String>, Sample> newest = new LinkedHashMap<>();
        for (Sample sample : samples) {
            if (sample.name().equals(selector.group(1))
                    && sample.labels().entrySet().containsAll(wanted.entrySet())
                    && !sample.at().isAfter(now)
                    && !sample.at().isBefore(now.minus(LOOKBACK))) {
                newest.merge(sample.labels(), sample, (a, b) -> a.at().isAfter(b.at()) ? a : b);
            }
        }
        newest.values().forEach(sample -> {
            ObjectNode series = result.addObject();
            ObjectNode metric = series.putObject("metric").put("__name__", sample.name());
            sample.labels().forEach(metric::put);
            series.putArray("value").add(now.toEpochMilli() / 1000.0).add(Double.toString(sample.value()));
        });
        return json(200, response);
    }

    @Override
    public void close() {
        server.close();
    }
}
