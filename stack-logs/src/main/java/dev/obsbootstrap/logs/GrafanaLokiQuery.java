package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import dev.obsbootstrap.metrics.grafana.GrafanaQueryProbe;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Grafana's Loki datasource finds the collector-shipped line of this run: a range query for
 * {@link CollectorLogsProbe#query} (grafana/grafana pkg/tsdb/loki: {@code expr}, {@code queryType "range"}), whose
 * frames carry the log lines in their "Line" column. It goes through the datasource's URL and tenant header, so a
 * datasource that reads another tenant than the collector writes fails here while Loki's health check passes.
 */
final class GrafanaLokiQuery implements GrafanaQueryProbe.Query {
    private final LogCollector collector;

    GrafanaLokiQuery(LogCollector collector) {
        this.collector = Objects.requireNonNull(collector, "collector");
    }

    @Override
    public ObjectNode build(ProbeContext context) {
        return Json.object()
                .put("expr", describe(context))
                .put("queryType", "range")
                .put("maxLines", 20);
    }

    @Override
    public String describe(ProbeContext context) {
        return CollectorLogsProbe.query(context.config().namespace(), collector, context.runId());
    }

    @Override
    public Optional<String> found(List<JsonNode> frames, ProbeContext context) {
        for (JsonNode frame : frames) {
            for (JsonNode line : GrafanaQueryProbe.column(frame, "Line")) {
                if (line.asString("").contains(context.runId())) {
                    String text = line.asString("");
                    return Optional.of(
                            "the shipped line '" + (text.length() > 100 ? text.substring(0, 100) + "..." : text) + "'");
                }
            }
        }
        return Optional.empty();
    }
}
