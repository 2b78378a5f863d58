package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.RunIds;
import dev.obsbootstrap.metrics.grafana.GrafanaQueryProbe;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Grafana's Tempo datasource fetches the run's trace by id ({@code queryType "traceId"}, the query being the trace
 * id): the core datasource (grafana/grafana pkg/tsdb/tempo/trace.go getTrace) and the decoupled
 * grafana-tempo-datasource plugin (pkg/tempo/tempo.go QueryData, TempoQueryTypeTraceId) both answer it with a
 * "Trace" frame whose traceID column holds the id. Neither health check proves this: the core datasource has none,
 * the plugin's only calls {@code /api/echo}.
 */
final class GrafanaTraceQuery implements GrafanaQueryProbe.Query {
    @Override
    public ObjectNode build(ProbeContext context) {
        return Json.object()
                .put("queryType", "traceId")
                .put("query", RunIds.traceId(context.runId()))
                .put("limit", 20);
    }

    @Override
    public String describe(ProbeContext context) {
        return "trace " + RunIds.traceId(context.runId());
    }

    @Override
    public Optional<String> found(List<JsonNode> frames, ProbeContext context) {
        String traceId = RunIds.traceId(context.runId());
        for (JsonNode frame : frames) {
            List<JsonNode> ids = GrafanaQueryProbe.column(frame, "traceID");
            long spans = ids.stream()
                    .filter(id -> traceId.equalsIgnoreCase(id.asString("")))
                    .count();
            if (spans > 0) {
                return Optional.of("trace " + traceId + " with " + spans + " span(s)");
            }
        }
        return Optional.empty();
    }
}
