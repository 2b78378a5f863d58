package dev.obsbootstrap.logs;

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
import java.util.Optional;
import java.util.TreeSet;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;

/**
 * Lines that earlier runs pushed are still readable once they can only come from the store: the push round trip is
 * answered from ingester memory (queriers ask the ingesters for the last {@code query_ingesters_within}, 3h, and chunks
 * flush after {@code max_chunk_age} 2h; grafana/loki v3.7.6), so a wrong bucket or key would pass it and lose data
 * later. This probe asks for the probe lines of earlier runs between 24h and 3h ago (Loki's clock), a range the
 * queriers serve from object storage only, as loki-canary's spot checks do.
 *
 * <p>When no earlier run pushed a line in that range (a first install, or no run in the last day) there is nothing
 * to read back: the probe passes and says in its observation and evidence that durability was not provable on this
 * run. It fails when Loki cannot answer the range (a store it cannot read).
 */
public final class LokiStoreReadBackProbe implements Probe {
    static final Duration NEWEST = Duration.ofHours(3);
    static final Duration OLDEST = Duration.ofHours(24);

    private final Duration deadline;

    public LokiStoreReadBackProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "loki-store-read-back";
    }

    @Override
    public String proves() {
        return "Loki serves earlier runs' probe lines from 3h to 24h ago, a range only its object store holds (nothing to prove on a first run).";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        Headers headers = context.headers("loki");
        Optional<Instant> lokiNow = LokiClock.now(context, headers);
        if (lokiNow.isEmpty()) {
            return ProbeAttempt.fail(
                    "Loki did not answer: " + ProbeHttp.url(context, "loki", "/ready"),
                    "Loki is not reachable at endpoint 'loki': is its pod running?");
        }
        String query = "{job=\"" + LokiPushRoundTripProbe.JOB + "\"}";
        Instant start = lokiNow.get().minus(OLDEST);
        Instant end = lokiNow.get().minus(NEWEST);
        Evidence evidence = Evidence.of("sent.query", query + " from " + start + " to " + end + " (Loki's clock)");
        HttpReply reply = ProbeHttp.get(
                context,
                ProbeHttp.url(
                        context,
                        "loki",
                        "/loki/api/v1/query_range",
                        "query",
                        query,
                        "start",
                        LokiClock.nanos(start),
                        "end",
                        LokiClock.nanos(end),
                        "limit",
                        "20",
                        "direction",
                        "backward"),
                headers);
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Loki did not answer: " + reply.describe(),
                    "Loki is not reachable at endpoint 'loki': is its pod running?",
                    evidence);
        }
        if (LokiAuth.refused(reply)) {
            return ProbeAttempt.fail(
                    "Loki refused the query: " + reply.describe(), LokiAuth.hint(context.config(), reply), evidence);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Loki could not read the range 3h-24h ago, which only its store holds: " + reply.describe(),
                    "Loki's queriers cannot read the object store: check the storage settings (bucket names, endpoint, the keys in the"
                            + " storage Secret) and the Loki pods' logs for flush and fetch errors",
                    evidence);
        }
        TreeSet<String> runs = new TreeSet<>();
        for (JsonNode stream : Json.elements(reply.json(), "data", "result")) {
            String run = Json.text(stream, "stream", LokiPushRoundTripProbe.RUN_LABEL);
            if (!run.isEmpty()
                    && !run.equals(context.runId())
                    && !stream.path("values").isEmpty()) {
                runs.add(run);
            }
        }
        if (runs.isEmpty()) {
            return ProbeAttempt.pass(
                    "nothing to read back: no earlier run pushed a probe line 3h-24h ago, so the store's durability"
                            + " is not provable on this run (the push round trip was served from ingester memory)",
                    evidence.and("found.runs", "none"));
        }
        List<String> some = runs.stream().limit(5).toList();
        return ProbeAttempt.pass(
                "read back probe lines of " + runs.size() + " earlier run(s) from 3h-24h ago, served from the store: "
                        + String.join(", ", some),
                evidence.and("found.runs", String.join(", ", some)));
    }
}
