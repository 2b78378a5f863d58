package dev.obsbootstrap.metrics.grafana;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Grafana reads this run's data through its provisioned datasource: {@code POST /api/ds/query} with a query that
 * can only match what the run wrote (its run id, its trace id), and the answer's data frames must contain it. This is
 * what dashboards and Explore do, so unlike the datasource health check it proves URL, auth, tenant header <em>and</em>
 * the backend's read path as Grafana uses them.
 *
 * <p>Grafana answers 200 with {@code results.<refId>.frames} when every query succeeded and 400 with
 * {@code results.<refId>.error} when one failed (grafana/grafana pkg/api/metrics.go toJsonStreamingResponse). The
 * query window is taken from Grafana's clock (the Date of its {@code /api/health}), not this machine's.
 *
 * <p>Deviation from "probes live in their stack module", as for {@link DatasourceHealthProbe}: every signal's phase
 * queries Grafana, and stack modules may not import each other. The stack module supplies the {@link Query}.
 */
public final class GrafanaQueryProbe implements Probe {
    static final String REF_ID = "A";

    /** The backend-specific part: the query, and what in the frames proves the run's data is there. */
    public interface Query {
        /** The query object (without refId and datasource), e.g. {"expr": ..., "queryType": "range"}. */
        ObjectNode build(ProbeContext context);

        /** What was asked, for messages and evidence. */
        String describe(ProbeContext context);

        /** What in the frames proves the run's data arrived, or empty when it is not there. */
        Optional<String> found(List<JsonNode> frames, ProbeContext context);
    }

    private final String name;
    private final String proves;
    private final Duration deadline;
    private final String grafanaEndpoint;
    private final String datasourceKey;
    private final String datasourceType;
    private final String backend;
    private final Query query;
    private final LongSupplier writtenAtNanos;
    private final String notFoundHint;
    private int queries;

    /**
     * @param datasourceType the plugin type Grafana provisions ("loki", "tempo", "prometheus")
     * @param writtenAtNanos when the data was acknowledged (System.nanoTime of an earlier probe of the run), 0 when unknown
     * @param notFoundHint   the likely causes when Grafana answers but the run's data is not in the frames
     */
    public GrafanaQueryProbe(
            String name,
            String proves,
            Duration deadline,
            String grafanaEndpoint,
            String datasourceKey,
            String datasourceType,
            String backend,
            Query query,
            LongSupplier writtenAtNanos,
            String notFoundHint) {
        this.name = Objects.requireNonNull(name, "name");
        this.proves = Objects.requireNonNull(proves, "proves");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.grafanaEndpoint = Objects.requireNonNull(grafanaEndpoint, "grafanaEndpoint");
        this.datasourceKey = Objects.requireNonNull(datasourceKey, "datasourceKey");
        this.datasourceType = Objects.requireNonNull(datasourceType, "datasourceType");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.query = Objects.requireNonNull(query, "query");
        this.writtenAtNanos = Objects.requireNonNull(writtenAtNanos, "writtenAtNanos");
        this.notFoundHint = Objects.requireNonNull(notFoundHint, "notFoundHint");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String proves() {
        return proves;
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        queries++;
        String uid = context.topology().datasourceUid(datasourceKey);
        Evidence evidence =
                Evidence.of("sent.grafana-query", backend + " datasource " + uid + ": " + query.describe(context));
        HttpReply health = ProbeHttp.get(context, ProbeHttp.url(context, grafanaEndpoint, "/api/health"));
        if (!health.answered()) {
            return ProbeAttempt.fail(
                    "Grafana did not answer: " + health.describe(),
                    "Grafana is not reachable at endpoint '" + grafanaEndpoint
                            + "': is the Grafana pod of the metrics phase running?",
                    evidence);
        }
        Instant grafanaNow = health.serverTime().orElse(Instant.now());
        ObjectNode body = Json.object();
        ObjectNode item = body.putArray("queries").addObject();
        item.put("refId", REF_ID);
        item.putObject("datasource").put("uid", uid).put("type", datasourceType);
        item.setAll(query.build(context));
        body.put("from", Long.toString(grafanaNow.minus(Duration.ofHours(1)).toEpochMilli()))
                .put("to", Long.toString(grafanaNow.plus(Duration.ofMinutes(10)).toEpochMilli()));
        Headers auth = ProbeHttp.basicAuth(context, grafanaEndpoint);
        HttpUrl url = ProbeHttp.url(context, grafanaEndpoint, "/api/ds/query");
        HttpReply reply = ProbeHttp.postJson(context, url, Json.write(body), auth);
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Grafana did not answer the query: " + reply.describe(),
                    "Grafana stopped answering between its health check and the query: check the Grafana pod",
                    evidence);
        }
        GrafanaLogin.requireAccepted(reply, context, grafanaEndpoint, auth);
        JsonNode json = reply.body().strip().startsWith("{") ? reply.json() : Json.object();
        JsonNode result = json.path("results").path(REF_ID);
        String error = Json.text(result, "error");
        if (!reply.is(200) || !error.isEmpty()) {
            String message = error.isEmpty() ? Json.text(json, "message") : error;
            return ProbeAttempt.fail(
                    "Grafana's " + backend + " datasource " + uid + " failed the query " + query.describe(context)
                            + ": " + reply.describe(),
                    reply.is(404)
                                    || message.toLowerCase().contains("not found")
                                            && message.toLowerCase().contains("data source")
                            ? "Grafana has no datasource with uid '" + uid
                                    + "': the provisioned datasources and the topology's UIDs disagree"
                            : "Grafana reached its datasource API but " + backend + " answered with an error ("
                                    + message + "): " + notFoundHint,
                    evidence);
        }
        List<JsonNode> frames = Json.elements(result, "frames");
        Optional<String> found = query.found(frames, context);
        String tries = " after " + queries + (queries == 1 ? " query" : " queries");
        if (found.isPresent()) {
            Evidence passed = evidence.and(
                    "found.grafana",
                    found.get() + " at "
                            + reply.serverTime().map(Object::toString).orElse(grafanaNow.toString())
                            + " (Grafana's clock)");
            long written = writtenAtNanos.getAsLong();
            if (written != 0) {
                passed = passed.latency(Duration.ofNanos(System.nanoTime() - written));
            }
            return ProbeAttempt.pass(
                    "Grafana's " + backend + " datasource " + uid + " returned " + found.get() + tries, passed);
        }
        return ProbeAttempt.fail(
                "Grafana's " + backend + " datasource " + uid + " answered " + query.describe(context) + " with "
                        + frames.size() + " frame(s) and " + rows(frames) + " row(s), none holding what it looks for"
                        + tries,
                notFoundHint,
                evidence);
    }

    private static int rows(List<JsonNode> frames) {
        int rows = 0;
        for (JsonNode frame : frames) {
            rows += Math.max(0, column(frame, 0).size());
        }
        return rows;
    }

    /** The values of the frame's field with this name (data frames keep columns in data.values, fields in schema.fields). */
    public static List<JsonNode> column(JsonNode frame, String field) {
        List<JsonNode> fields = Json.elements(frame, "schema", "fields");
        for (int i = 0; i < fields.size(); i++) {
            if (field.equals(Json.text(fields.get(i), "name"))) {
                return column(frame, i);
            }
        }
        return List.of();
    }

    private static List<JsonNode> column(JsonNode frame, int index) {
        JsonNode values = frame.path("data").path("values").path(index);
        List<JsonNode> column = new ArrayList<>();
        values.forEach(column::add);
        return column;
    }
}
