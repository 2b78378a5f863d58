package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** A PromQL instant query ({@code up}) returns series: scraped samples are stored and queryable. */
public final class PromQlQueryProbe implements Probe {
    public static final String QUERY = "up";

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
        return "Prometheus stores scraped samples and answers PromQL: the query '" + QUERY + "' returns series.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/query", "query", QUERY));
        if (!reply.answered()) {
            return ProbeAttempt.fail("Prometheus did not answer: " + reply.describe(),
                    "Prometheus is not reachable: is the Prometheus pod (created by the operator) running?");
        }
        JsonNode body = reply.json();
        if (!reply.is(200) || !"success".equals(Json.text(body, "status"))) {
            return ProbeAttempt.fail("query '" + QUERY + "' failed: " + Json.text(body, "errorType") + " " + Json.text(body, "error") + " (" + reply.describe() + ")",
                    "Prometheus rejected the query: it may still be replaying its WAL after a restart");
        }
        List<JsonNode> series = Json.elements(body, "data", "result");
        if (series.isEmpty()) {
            return ProbeAttempt.fail("query '" + QUERY + "' returned no series (" + reply.describe() + ")",
                    "Prometheus has stored no scraped samples yet: it has no targets or has not scraped them (see scrape-targets-up)");
        }
        return ProbeAttempt.pass("query '" + QUERY + "' returned " + series.size() + " series, e.g. " + Json.write(series.get(0).path("metric")));
    }
}
