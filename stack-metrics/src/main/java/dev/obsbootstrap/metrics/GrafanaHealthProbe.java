package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Every Grafana replica answers {@code /api/health} with {@code "database": "ok"}: with more than one replica each has
 * its own connection to the database, and the Service would route around a broken one.
 */
public final class GrafanaHealthProbe implements Probe {
    private final Duration deadline;

    public GrafanaHealthProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "grafana-health";
    }

    @Override
    public String proves() {
        return "Every Grafana replica is up and its database answers (/api/health reports database ok).";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        List<ProbeContext.Replica> replicas = context.replicas("grafana");
        List<String> healthy = new ArrayList<>();
        for (ProbeContext.Replica replica : replicas) {
            ProbeAttempt one = check(context, replica);
            if (!one.passed()) {
                return replicas.size() == 1
                        ? one
                        : ProbeAttempt.fail("Grafana replica " + replica.name() + ": " + one.observed(), one.hint());
            }
            healthy.add(replicas.size() == 1 ? one.observed() : replica.name() + ": " + one.observed());
        }
        return ProbeAttempt.pass(
                String.join("; ", healthy), Evidence.of("replicas", Integer.toString(replicas.size())));
    }

    private ProbeAttempt check(ProbeContext context, ProbeContext.Replica replica) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.resolve(replica.url(), "/api/health"));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Grafana did not answer: " + reply.describe(),
                    "Grafana (the kube-prometheus-stack grafana subchart) is not reachable: is its pod running? It waits for its datasource and dashboard sidecars on start");
        }
        JsonNode body = reply.json();
        String database = Json.text(body, "database");
        if (reply.is(200) && "ok".equals(database)) {
            return ProbeAttempt.pass("Grafana " + Json.text(body, "version") + " healthy, database ok");
        }
        return ProbeAttempt.fail(
                "Grafana is unhealthy (database " + (database.isEmpty() ? "not reported" : database) + "): "
                        + reply.describe(),
                "Grafana's database is unavailable: with the default sqlite, check Grafana's volume (persistence) and its logs for 'database is locked' or migration errors");
    }
}
