package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.RunIds;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Tempo's search finds the run's trace by TraceQL: {@code GET /api/search?q={ span.obs_bootstrap.run = "<runId>" }},
 * the way Grafana Explore searches. Reading by id (the round trip) is served from the ingester's live traces; search
 * reads the blocks a trace is cut into (grafana/tempo v2.10.8 modules/ingester/instance.go), so this proves a second
 * read path. No start/end is sent: Tempo then searches the recent data in the ingesters only, and the client's clock
 * (which may be skewed) plays no part.
 */
public final class TraceQlSearchProbe implements Probe {
    private final Duration deadline;
    private final OtlpSpanRoundTripProbe spans;
    private int searches;

    /** @param spans the round trip of the same run, whose acceptance time the latency is measured from */
    public TraceQlSearchProbe(Duration deadline, OtlpSpanRoundTripProbe spans) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.spans = Objects.requireNonNull(spans, "spans");
    }

    static String query(String runId) {
        return "{ span." + OtlpSpanRoundTripProbe.RUN_ATTRIBUTE + " = \"" + runId + "\" }";
    }

    @Override
    public String name() {
        return "tempo-traceql-search";
    }

    @Override
    public String proves() {
        return "Tempo's TraceQL search (what Grafana Explore uses) finds the run's trace by its run attribute.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        searches++;
        String traceId = RunIds.traceId(context.runId());
        String query = query(context.runId());
        Evidence evidence = Evidence.of("sent.traceql", query).and("sent.trace-id", traceId);
        HttpReply reply =
                ProbeHttp.get(context, ProbeHttp.url(context, "tempo", "/api/search", "q", query, "limit", "20"));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Tempo did not answer the search: " + reply.describe(),
                    "Tempo's query API (port 3200) is not reachable: is the tempo pod running?",
                    evidence);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Tempo refused the TraceQL search: " + reply.describe(),
                    reply.is(400)
                            ? "Tempo could not parse the TraceQL query: a bug in the probe, or a Tempo too old for TraceQL"
                            : "Tempo's search fails: check the tempo pod's logs (querier, search blocks)",
                    evidence);
        }
        List<JsonNode> traces = Json.elements(reply.json(), "traces");
        // search ids are hex without leading zeros (grafana/tempo v2.10.8 pkg/util/traceid.go TraceIDToHexString)
        String wanted = traceId.replaceFirst("^0+", "");
        for (JsonNode trace : traces) {
            if (wanted.equalsIgnoreCase(Json.text(trace, "traceID").replaceFirst("^0+", ""))) {
                Evidence found = evidence.and(
                        "found.search",
                        "trace " + traceId + ", root service " + Json.text(trace, "rootServiceName") + ", at "
                                + reply.serverTime().map(Object::toString).orElse("?") + " (Tempo's clock)");
                if (spans.acceptedAtNanos() != 0) {
                    found = found.latency(Duration.ofNanos(System.nanoTime() - spans.acceptedAtNanos()));
                }
                return ProbeAttempt.pass(
                        "TraceQL " + query + " found trace " + traceId + " after " + searches
                                + (searches == 1 ? " search" : " searches"),
                        found);
            }
        }
        return ProbeAttempt.fail(
                "TraceQL " + query + " found " + (traces.isEmpty() ? "no trace" : traces.size() + " other trace(s)")
                        + " after " + searches + (searches == 1 ? " search" : " searches"),
                "Tempo serves the trace by id but its search does not find it: traces become searchable once the ingester cuts them"
                        + " into its head block (a few seconds after the last span); if it stays missing, check the ingester's search and"
                        + " block settings and the querier's logs",
                evidence);
    }
}
