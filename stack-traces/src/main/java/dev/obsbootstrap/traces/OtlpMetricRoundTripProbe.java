package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The collector's metrics pipeline works on every replica: a gauge {@value #METRIC} with attribute
 * {@value #RUN_ATTRIBUTE} = run id and {@value #REPLICA_ATTRIBUTE} = the replica, sent over OTLP/HTTP
 * ({@code POST /v1/metrics}) to each ready collector pod, is exported to Prometheus' OTLP receiver and answered by
 * {@code obs_bootstrap_probe{obs_bootstrap_run="<runId>"}} with one series per replica (Prometheus turns the dots of attribute names into
 * underscores and service.name into job: prometheus/prometheus v3.14.0 storage/remote/otlptranslator). The data
 * point is stamped with Prometheus' clock (the Date of its {@code /-/ready}): an instant query only sees samples of
 * the last 5 minutes up to its own now, so a sample stamped by a skewed client clock would be invisible.
 */
public final class OtlpMetricRoundTripProbe implements Probe {
    public static final String METRIC = "obs_bootstrap_probe";
    public static final String RUN_ATTRIBUTE = "obs_bootstrap.run";
    public static final String REPLICA_ATTRIBUTE = "obs_bootstrap.collector_replica";

    private final Duration deadline;
    private final Set<String> acceptedBy = new LinkedHashSet<>();
    private final Set<String> replicas = new LinkedHashSet<>();
    private long acceptedAtNanos;
    private Evidence sent = Evidence.none();
    private int reads;

    public OtlpMetricRoundTripProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    static String query(String runId) {
        return METRIC + "{" + RUN_ATTRIBUTE.replace('.', '_') + "=\"" + runId + "\"}";
    }

    @Override
    public String name() {
        return "otlp-metric-round-trip";
    }

    @Override
    public String proves() {
        return "The collector's metrics pipeline accepts an OTLP gauge and exports it to Prometheus, where PromQL finds it by the run id.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        if (replicas.isEmpty() || !acceptedBy.containsAll(replicas)) {
            ProbeAttempt refused = send(context);
            if (refused != null) {
                return refused;
            }
        }
        reads++;
        String query = query(context.runId());
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/query", "query", query));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "gauge accepted by the collector, but Prometheus did not answer: " + reply.describe(),
                    "Prometheus is not reachable: is its pod running?",
                    sent);
        }
        List<JsonNode> series = reply.is(200) ? Json.elements(reply.json(), "data", "result") : List.of();
        Set<String> found = new LinkedHashSet<>();
        series.forEach(s -> found.add(Json.text(s, "metric", REPLICA_ATTRIBUTE.replace('.', '_'))));
        if (found.containsAll(replicas)) {
            return ProbeAttempt.pass(
                    "gauge sent through every collector replica " + replicas + " and found in Prometheus with " + query
                            + " after " + reads + (reads == 1 ? " query" : " queries"),
                    sent.and(
                                    "found.series",
                                    series.size() + ", e.g. "
                                            + Json.write(series.get(0).path("metric")))
                            .latency(Duration.ofNanos(System.nanoTime() - acceptedAtNanos)));
        }
        List<String> missing = replicas.stream().filter(r -> !found.contains(r)).toList();
        return ProbeAttempt.fail(
                "gauge accepted by the collector replicas " + replicas + ", but " + query + " has no series from "
                        + missing + " in Prometheus after " + reads + (reads == 1 ? " query" : " queries") + " ("
                        + reply.describe() + ")",
                "the collector's metrics pipeline does not reach Prometheus: its otlp_http/prometheus exporter must point at the topology's"
                        + " Prometheus /api/v1/otlp/v1/metrics, and Prometheus needs its OTLP receiver"
                        + " (prometheus.prometheusSpec.enableOTLPReceiver; without it Prometheus answers the exporter 404); see the collector logs",
                sent);
    }

    /** @return null when every collector replica accepted its gauge */
    private ProbeAttempt send(ProbeContext context) throws InterruptedException {
        HttpReply ready = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/-/ready"));
        if (!ready.answered()) {
            return ProbeAttempt.fail(
                    "Prometheus did not answer: " + ready.describe(),
                    "Prometheus is not reachable: is its pod running?");
        }
        Instant prometheusNow = ready.serverTime().orElse(Instant.now());
        Evidence evidence = Evidence.of("sent.metric", query(context.runId()))
                .and("sent.at", prometheusNow + " (Prometheus' clock)");
        for (ProbeContext.Replica replica : context.replicas("otel-collector")) {
            replicas.add(replica.name());
            if (acceptedBy.contains(replica.name())) {
                continue;
            }
            ProbeAttempt refused = sendTo(context, replica, prometheusNow, evidence);
            if (refused != null) {
                return refused;
            }
            acceptedBy.add(replica.name());
        }
        acceptedAtNanos = System.nanoTime();
        sent = evidence.and("sent.replicas", String.join(", ", replicas));
        return null;
    }

    private ProbeAttempt sendTo(
            ProbeContext context, ProbeContext.Replica replica, Instant prometheusNow, Evidence evidence)
            throws InterruptedException {
        ObjectNode body = Json.object();
        ObjectNode resource = body.putArray("resourceMetrics").addObject();
        resource.putObject("resource")
                .putArray("attributes")
                .addObject()
                .put("key", "service.name")
                .putObject("value")
                .put("stringValue", OtlpSpanRoundTripProbe.SERVICE_NAME);
        ObjectNode point = resource.putArray("scopeMetrics")
                .addObject()
                .putArray("metrics")
                .addObject()
                .put("name", METRIC)
                .put("description", "obs-bootstrap verify: one point per run")
                .putObject("gauge")
                .putArray("dataPoints")
                .addObject()
                .put("asDouble", 1.0)
                .put(
                        "timeUnixNano",
                        Long.toString(prometheusNow.getEpochSecond() * 1_000_000_000L + prometheusNow.getNano()));
        ArrayNode attributes = point.putArray("attributes");
        attributes.addObject().put("key", RUN_ATTRIBUTE).putObject("value").put("stringValue", context.runId());
        attributes.addObject().put("key", REPLICA_ATTRIBUTE).putObject("value").put("stringValue", replica.name());
        HttpReply reply = ProbeHttp.postJson(
                context, ProbeHttp.resolve(replica.url(), "/v1/metrics"), Json.write(body), Headers.EMPTY);
        return CollectorReceipt.refusal(reply, replica.name(), "gauge", "metrics", evidence)
                .orElse(null);
    }
}
