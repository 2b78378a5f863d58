package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every expected scrape pool has targets and all of them are up ({@code /api/v1/targets}).
 *
 * <p>An expected pool matches a scrape pool that equals it, or whose monitor name (the third part of
 * {@code serviceMonitor/<ns>/<name>/<endpoint>}) or job name equals it or ends with {@code -<expected>}: so
 * "kube-state-metrics" matches {@code serviceMonitor/monitoring/obs-metrics-kube-state-metrics/0} whatever the
 * release's fullname. The list comes from the profile ({@code settings.probes.expectedScrapePools}).
 */
public final class ScrapeTargetsProbe implements Probe {
    /** Pools every kube-prometheus-stack install of phase 1 has: Prometheus itself, the operator, the two exporters. */
    public static final List<String> DEFAULT_POOLS = List.of("prometheus", "operator", "kube-state-metrics", "node-exporter");

    private final Duration deadline;
    private final List<String> expectedPools;

    public ScrapeTargetsProbe(Duration deadline, List<String> expectedPools) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.expectedPools = List.copyOf(expectedPools);
    }

    @Override
    public String name() {
        return "scrape-targets-up";
    }

    @Override
    public String proves() {
        return "Prometheus discovers and successfully scrapes every target of the expected scrape pools (" + String.join(", ", expectedPools) + ").";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    public List<String> expectedPools() {
        return expectedPools;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/targets", "state", "active"));
        if (!reply.answered()) {
            return ProbeAttempt.fail("Prometheus did not answer: " + reply.describe(),
                    "Prometheus is not reachable: is the Prometheus StatefulSet the operator creates running?");
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail("Prometheus refused the targets query: " + reply.describe(), "Prometheus answers but not its API: is it still starting?");
        }
        List<JsonNode> targets = Json.elements(reply.json(), "data", "activeTargets");
        List<String> missing = new ArrayList<>();
        List<String> down = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> up = new ArrayList<>();
        for (String expected : expectedPools) {
            List<JsonNode> matching = targets.stream().filter(t -> poolMatches(expected, Json.text(t, "scrapePool"))).toList();
            if (matching.isEmpty()) {
                missing.add(expected);
                continue;
            }
            long upCount = matching.stream().filter(t -> "up".equals(Json.text(t, "health"))).count();
            List<JsonNode> failing = matching.stream().filter(t -> "down".equals(Json.text(t, "health"))).toList();
            String counts = expected + " " + upCount + "/" + matching.size() + " up";
            if (!failing.isEmpty()) {
                JsonNode first = failing.get(0);
                down.add(counts + " (" + Json.text(first, "scrapePool") + " " + Json.text(first, "scrapeUrl") + ": " + Json.text(first, "lastError") + ")");
            } else if (upCount < matching.size()) {
                pending.add(counts + " (not scraped yet)");
            } else {
                up.add(counts);
            }
        }
        if (missing.isEmpty() && down.isEmpty() && pending.isEmpty()) {
            return ProbeAttempt.pass("all expected pools up: " + String.join(", ", up));
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("no targets for: " + String.join(", ", missing) + " (pools seen: " + poolsSeen(targets) + ")");
        }
        if (!down.isEmpty()) {
            parts.add("down: " + String.join("; ", down));
        }
        if (!pending.isEmpty()) {
            parts.add("pending: " + String.join("; ", pending));
        }
        String hint;
        if (!missing.isEmpty()) {
            hint = "Prometheus selects no ServiceMonitor/PodMonitor for " + String.join(", ", missing)
                    + ": with kube-prometheus-stack set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues and"
                    + " podMonitorSelectorNilUsesHelmValues to false (or match serviceMonitorSelector to the monitor's labels),"
                    + " and check the exporter is enabled; if a pool is not part of your stack, change settings.probes.expectedScrapePools in the profile";
        } else if (!down.isEmpty()) {
            hint = "the targets are discovered but their scrapes fail (lastError above): check the exporter pod, the port/scheme of its"
                    + " ServiceMonitor endpoint, TLS settings and NetworkPolicies between Prometheus and the target";
        } else {
            hint = "targets were just discovered and not scraped yet: Prometheus scrapes every scrapeInterval";
        }
        return ProbeAttempt.fail(String.join("; ", parts), hint);
    }

    static boolean poolMatches(String expected, String scrapePool) {
        if (scrapePool.equals(expected)) {
            return true;
        }
        String[] parts = scrapePool.split("/");
        // serviceMonitor/<ns>/<name>/<n>, podMonitor/<ns>/<name>/<n>, probe/<ns>/<name>, scrapeConfig/<ns>/<name>
        String name = parts.length >= 3 ? parts[2] : scrapePool;
        return name.equals(expected) || name.endsWith("-" + expected);
    }

    private static String poolsSeen(List<JsonNode> targets) {
        List<String> pools = targets.stream().map(t -> Json.text(t, "scrapePool")).distinct().sorted().toList();
        return pools.isEmpty() ? "none" : String.join(", ", pools);
    }
}
