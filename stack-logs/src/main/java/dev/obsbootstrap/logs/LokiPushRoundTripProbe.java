package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.RunIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pushes one line with this run's label through Loki's push API and reads it back with query_range.
 *
 * <p>The line's timestamp is Loki's clock (the Date of its {@code /ready}), not this machine's: Loki refuses an entry
 * more than 10 minutes ahead of its clock (400 "timestamp too new") and one older than 7 days, so a laptop clock
 * that is off would fail the push or push a line no query window finds.
 *
 * <p>State: the push happens once (retried only until Loki answers 204); later tries only query, so a slow
 * ingester path shows as "pushed but not readable yet" instead of duplicate lines. The evidence holds the line,
 * its timestamp and the write-to-read latency from the 204 to the first read that returned it. One instance per run.
 */
public final class LokiPushRoundTripProbe implements Probe {
    public static final String RUN_LABEL = "obs_bootstrap_run";
    public static final String JOB = "obs-bootstrap-probe";

    private final Duration deadline;
    private String line = "";
    private Instant pushedAt = Instant.EPOCH;
    private long pushedAtNanos;
    private int queries;

    public LokiPushRoundTripProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "loki-push-round-trip";
    }

    @Override
    public String proves() {
        return "Loki accepts a pushed log line (POST /loki/api/v1/push) and returns it from query_range: its write and read paths work.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    /** When Loki acknowledged the push (System.nanoTime), 0 before: later probes measure their latency from it. */
    public long pushedAtNanos() {
        return pushedAtNanos;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        Headers headers = context.headers("loki");
        if (pushedAtNanos == 0) {
            ProbeAttempt failedPush = push(context, headers);
            if (failedPush != null) {
                return failedPush;
            }
        }
        return readBack(context, headers);
    }

    /** @return null when Loki took the line (204), else the failed attempt */
    private ProbeAttempt push(ProbeContext context, Headers headers) throws InterruptedException {
        Optional<Instant> lokiNow = LokiClock.now(context, headers);
        if (lokiNow.isEmpty()) {
            return ProbeAttempt.fail(
                    "Loki did not answer: " + ProbeHttp.url(context, "loki", "/ready"),
                    "Loki is not reachable at endpoint 'loki': is its pod (the loki release) running?");
        }
        line = "obs-bootstrap probe " + context.runId() + " " + RunIds.hex(4);
        Instant now = lokiNow.get();
        ObjectNode body = Json.object();
        ObjectNode stream = body.putArray("streams").addObject();
        stream.putObject("stream").put("job", JOB).put(RUN_LABEL, context.runId());
        stream.putArray("values").addArray().add(LokiClock.nanos(now)).add(line);
        HttpReply reply = ProbeHttp.postJson(
                context, ProbeHttp.url(context, "loki", "/loki/api/v1/push"), Json.write(body), headers);
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Loki did not answer the push: " + reply.describe(),
                    "Loki is not reachable at endpoint 'loki': is its pod (the loki release) running?");
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail(
                    "Loki refused the push: " + reply.describe(), LokiAuth.hint(context.config(), reply));
        }
        if (!reply.is(204)) {
            return ProbeAttempt.fail(
                    "Loki did not take the pushed line: " + reply.describe(),
                    switch (reply.code()) {
                        case 400 ->
                            reply.body().contains("timestamp too")
                                    ? "Loki refused the line's timestamp, taken from Loki's own clock (its Date header): the gateway's and Loki's clocks"
                                            + " disagree, or limits_config (creation_grace_period, reject_old_samples_max_age) is set very tight"
                                    : "Loki rejected the stream: check its limits_config (max_label_names_per_series, max_line_size)";
                        case 429 -> "Loki rate-limits this tenant: raise limits_config.ingestion_rate_mb";
                        default ->
                            "Loki's write path fails: check the Loki pod's logs (ingester ring, storage, schemaConfig)";
                    });
        }
        pushedAt = now;
        pushedAtNanos = System.nanoTime();
        return null;
    }

    private ProbeAttempt readBack(ProbeContext context, Headers headers) throws InterruptedException {
        queries++;
        String query = "{" + RUN_LABEL + "=\"" + context.runId() + "\"}";
        Evidence sent = Evidence.of("sent.line", line).and("sent.at", pushedAt + " (Loki's clock)");
        HttpReply reply = ProbeHttp.get(
                context,
                ProbeHttp.url(
                        context,
                        "loki",
                        "/loki/api/v1/query_range",
                        "query",
                        query,
                        "start",
                        LokiClock.nanos(pushedAt.minus(Duration.ofMinutes(5))),
                        "end",
                        LokiClock.nanos(pushedAt.plus(Duration.ofMinutes(15))),
                        "limit",
                        "100",
                        "direction",
                        "backward"),
                headers);
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "line pushed, but Loki did not answer the query: " + reply.describe(),
                    "Loki stopped answering between push and query: check the Loki pod");
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail(
                    "Loki refused the query: " + reply.describe(), LokiAuth.hint(context.config(), reply));
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "line pushed, but query_range failed: " + reply.describe(),
                    "Loki's read path fails: check the querier/query-frontend logs and schemaConfig");
        }
        List<JsonNode> streams = Json.elements(reply.json(), "data", "result");
        for (JsonNode stream : streams) {
            for (JsonNode value : stream.path("values")) {
                if (line.equals(value.path(1).asString(""))) {
                    Duration latency = Duration.ofNanos(System.nanoTime() - pushedAtNanos);
                    return ProbeAttempt.pass(
                            "pushed '" + line + "' (204) and read it back with " + query + " after " + queries
                                    + (queries == 1 ? " query" : " queries"),
                            sent.and(
                                            "found.query",
                                            query + " at "
                                                    + reply.serverTime()
                                                            .map(Object::toString)
                                                            .orElse("?") + " (Loki's clock)")
                                    .latency(latency));
                }
            }
        }
        return ProbeAttempt.fail(
                "pushed '" + line + "' (204), but " + query + " returned " + streams.size()
                        + " stream(s) without it after " + queries + (queries == 1 ? " query" : " queries"),
                "Loki acknowledged the push but does not serve it: the querier may not reach the ingesters (ring, memberlist)"
                        + " or the line was written for another tenant than it is read from",
                sent);
    }
}
