package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A PromQL instant query, {@value #QUERY}, returns a positive count: Prometheus stores samples of successful scrapes
 * and answers PromQL. {@code up} alone would not do: a failed scrape still writes {@code up=0} (prometheus/prometheus
 * v3.14.0 scrape/scrape.go scrapeLoop.report writes health 0 when the scrape failed; seen on 2.42 with a refusing target), so "up
 * returned series" passes with every target down.
 */
public final class PromQlQueryProbe implements Probe {
    public static final String QUERY = "count(up == 1)";

    private final Duration deadline;

    public PromQlQueryProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "promql-query";
    }

    @Override
    public String proves() {
        return "Prometheus stores samples of successful scrapes and answers PromQL: '" + QUERY + "' is above zero.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        Evidence evidence = Evidence.of("sent.query", QUERY);
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/query", "query", QUERY));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Prometheus did not answer: " + reply.describe(),
                    "Prometheus is not reachable: is the Prometheus pod (created by the operator) running?",
                    evidence);
        }
        JsonNode body = reply.json();
        if (!reply.is(200) || !"success".equals(Json.text(body, "status"))) {
            return ProbeAttempt.fail(
                    "query '" + QUERY + "' failed: " + Json.text(body, "errorType") + " " + Json.text(body, "error")
                            + " (" + reply.describe() + ")",
                    "Prometheus rejected the query: it may still be replaying its WAL after a restart",
                    evidence);
        }
        List<JsonNode> series = Json.elements(body, "data", "result");
        double count = series.isEmpty()
                ? 0
                : Double.parseDouble(series.get(0).path("value").path(1).asString("0"));
        if (count <= 0) {
            return ProbeAttempt.fail(
                    "query '" + QUERY + "' returned no series (" + reply.describe()
                            + "): no target's last scrape succeeded",
                    "Prometheus has no successful scrape: it has no targets, or every scrape fails (see scrape-targets-up)",
                    evidence);
        }
        double at = series.get(0).path("value").path(0).asDouble();
        return ProbeAttempt.pass(
                "query '" + QUERY + "' = " + (long) count + " target(s) whose last scrape succeeded",
                evidence.and("found.value", Long.toString((long) count))
                        .and("found.at", Instant.ofEpochMilli((long) (at * 1000)) + " (Prometheus' evaluation time)"));
    }
}
