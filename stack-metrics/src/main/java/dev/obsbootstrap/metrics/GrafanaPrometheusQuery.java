package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.metrics.grafana.GrafanaQueryProbe;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Grafana's Prometheus datasource answers {@value PromQlQueryProbe#QUERY} as an instant query with a positive value:
 * a frame per series whose "Value" column holds the count (grafana/grafana pkg/promlib). Its health check runs
 * {@code 1+1} (pkg/promlib/healthcheck.go), which reads nothing stored.
 */
final class GrafanaPrometheusQuery implements GrafanaQueryProbe.Query {
    @Override
    public ObjectNode build(ProbeContext context) {
        return Json.object()
                .put("expr", PromQlQueryProbe.QUERY)
                .put("instant", true)
                .put("range", false);
    }

    @Override
    public String describe(ProbeContext context) {
        return PromQlQueryProbe.QUERY;
    }

    @Override
    public Optional<String> found(List<JsonNode> frames, ProbeContext context) {
        for (JsonNode frame : frames) {
            for (JsonNode value : GrafanaQueryProbe.column(frame, "Value")) {
                if (value.isNumber() && value.asDouble() > 0) {
                    return Optional.of(PromQlQueryProbe.QUERY + " = " + value.asLong());
                }
            }
        }
        return Optional.empty();
    }
}
