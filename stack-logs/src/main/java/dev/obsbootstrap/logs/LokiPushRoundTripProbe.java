package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.RunIds;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Pushes one line with this run's label through Loki's push API and reads it back with query_range.
 *
 * <p>State: the push happens once (retried only until Loki answers 204); later tries only query, so a slow
 * ingester path shows as "pushed but not readable yet" instead of duplicate lines. One instance per run.
 */
public final class LokiPushRoundTripProbe implements Probe {
    public static final String RUN_LABEL = "obs_bootstrap_run";
    public static final String JOB = "obs-bootstrap-probe";

    private final Duration deadline;
    private String line = "";
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

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        Headers headers = LokiAuth.headers(context.config());
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
        line = "obs-bootstrap probe " + context.runId() + " " + RunIds.hex(4);
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        ObjectNode body = Json.object();
        ObjectNode stream = body.putArray("streams").addObject();
        stream.putObject("stream").put("job", JOB).put(RUN_LABEL, context.runId());
        stream.putArray("values").addArray().add(Long.toString(now)).add(line);
        HttpReply reply = ProbeHttp.postJson(context, ProbeHttp.url(context, "loki", "/loki/api/v1/push"), Json.write(body), headers);
        if (!reply.answered()) {
            return ProbeAttempt.fail("Loki did not answer the push: " + reply.describe(),
                    "Loki is not reachable at endpoint 'loki': is its pod (the loki release) running?");
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail("Loki refused the push: " + reply.describe(), LokiAuth.hint(context.config(), reply));
        }
        if (!reply.is(204)) {
            return ProbeAttempt.fail("Loki did not take the pushed line: " + reply.describe(), switch (reply.code()) {
                case 400 -> "Loki rejected the stream (labels or timestamp): check its limits_config (reject_old_samples, max_label_names_per_series)";
                case 429 -> "Loki rate-limits this tenant: raise limits_config.ingestion_rate_mb";
                default -> "Loki's write path fails: check the Loki pod's logs (ingester ring, storage, schemaConfig)";
            });
        }
        pushedAtNanos = now;
        return null;
    }

    private ProbeAttempt readBack(ProbeContext context, Headers headers) throws InterruptedException {
        queries++;
        long start = pushedAtNanos - TimeUnit.MINUTES.toNanos(5);
        long end = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) + TimeUnit.MINUTES.toNanos(1);
        String query = "{" + RUN_LABEL + "=\"" + context.runId() + "\"}";
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "loki", "/loki/api/v1/query_range",
                "query", query, "start", Long.toString(start), "end", Long.toString(end), "limit", "100", "direction", "backward"), headers);
        if (!reply.answered()) {
            return ProbeAttempt.fail("line pushed, but Loki did not answer the query: " + reply.describe(),
                    "Loki stopped answering between push and query: check the Loki pod");
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail("Loki refused the query: " + reply.describe(), LokiAuth.hint(context.config(), reply));
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail("line pushed, but query_range failed: " + reply.describe(),
                    "Loki's read path fails: check the querier/query-frontend logs and schemaConfig");
        }
        List<JsonNode> streams = Json.elements(reply.json(), "data", "result");
        for (JsonNode stream : streams) {
            for (JsonNode value : stream.path("values")) {
                if (line.equals(value.path(1).asString(""))) {
                    return ProbeAttempt.pass("pushed '" + line + "' (204) and read it back with " + query
                            + " after " + queries + (queries == 1 ? " query" : " queries"));
                }
            }
        }
        return ProbeAttempt.fail("pushed '" + line + "' (204), but " + query + " returned " + streams.size()
                        + " stream(s) without it after " + queries + (queries == 1 ? " query" : " queries"),
                "Loki acknowledged the push but does not serve it: the querier may not reach the ingesters (ring, memberlist)"
                        + " or the line was written for another tenant than it is read from");
    }
}
