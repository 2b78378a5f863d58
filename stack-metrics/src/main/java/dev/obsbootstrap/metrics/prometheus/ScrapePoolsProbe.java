package dev.obsbootstrap.metrics.prometheus;

import dev.obsbootstrap.core.config.StackTopology;
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
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Every expected scrape pool of the stack has targets on every Prometheus replica, and all of them are up
 * ({@code /api/v1/targets?state=active}, asked of each ready Prometheus pod: HA replicas scrape independently).
 *
 * <p>Pools are matched exactly: a ServiceMonitor or PodMonitor pool is {@code serviceMonitor/<namespace>/<name>/<n>}
 * (prometheus-operator's job naming), and an expected pool names the namespace and the monitor's full name (and
 * optionally one endpoint). kube-prometheus-stack selects monitors of the whole cluster (serviceMonitorNamespaceSelector
 * {}, *SelectorNilUsesHelmValues false), so a suffix match would count other teams' {@code *-operator} or
 * {@code *-node-exporter} monitors as ours, and a foreign target that is down would fail our phase. Other teams'
 * pools never decide this verdict.
 *
 * <p>Generic, so every phase can prove Prometheus scrapes its own components (the stack watching itself); the phase
 * names its pools and the hint.
 */
public final class ScrapePoolsProbe implements Probe {
    /** One expected pool: the monitor's namespace and full name; "" namespace matches a plain job name exactly. */
    public record Pool(String label, String namespace, String monitor, String endpoint) {
        public Pool {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(monitor, "monitor");
            Objects.requireNonNull(endpoint, "endpoint");
        }

        /** Every endpoint of the ServiceMonitor {@code namespace/monitor}. */
        public static Pool serviceMonitor(String label, String namespace, String monitor) {
            return new Pool(label, namespace, monitor, "");
        }

        /** A plain scrape job (static scrape_configs), matched by its exact name. */
        public static Pool job(String name) {
            return new Pool(name, "", name, "");
        }

        public boolean matches(String scrapePool) {
            if (namespace.isEmpty()) {
                return scrapePool.equals(monitor);
            }
            for (String kind : List.of("serviceMonitor/", "podMonitor/")) {
                String prefix = kind + namespace + "/" + monitor + "/";
                if (scrapePool.startsWith(prefix) && (endpoint.isEmpty() || scrapePool.equals(prefix + endpoint))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return namespace.isEmpty()
                    ? monitor
                    : namespace + "/" + monitor + (endpoint.isEmpty() ? "" : " endpoint " + endpoint);
        }
    }

    private final String name;
    private final String proves;
    private final Duration deadline;
    private final Function<StackTopology, List<Pool>> pools;
    private final String missingHint;

    /**
     * @param pools       the expected pools, from the run's topology (monitor names derive from release fullnames)
     * @param missingHint what to check when a pool has no targets (which values enable the monitor)
     */
    public ScrapePoolsProbe(
            String name,
            String proves,
            Duration deadline,
            Function<StackTopology, List<Pool>> pools,
            String missingHint) {
        this.name = Objects.requireNonNull(name, "name");
        this.proves = Objects.requireNonNull(proves, "proves");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.missingHint = Objects.requireNonNull(missingHint, "missingHint");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String proves() {
        return proves;
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    public List<Pool> pools(StackTopology topology) {
        return List.copyOf(pools.apply(topology));
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        List<Pool> pools = pools(context.topology());
        List<ProbeContext.Replica> replicas = context.replicas("prometheus");
        Evidence evidence = Evidence.of(
                "expected-pools",
                String.join(", ", pools.stream().map(Pool::toString).toList()));
        List<String> passedOn = new ArrayList<>();
        for (ProbeContext.Replica replica : replicas) {
            ProbeAttempt one = check(context, replica, pools, evidence);
            if (!one.passed()) {
                return replicas.size() == 1
                        ? one
                        : ProbeAttempt.fail(
                                "Prometheus replica " + replica.name() + ": " + one.observed(), one.hint(), evidence);
            }
            passedOn.add(replicas.size() == 1 ? one.observed() : replica.name() + ": " + one.observed());
        }
        return ProbeAttempt.pass(
                String.join("; ", passedOn), evidence.and("replicas", Integer.toString(replicas.size())));
    }

    private ProbeAttempt check(ProbeContext context, ProbeContext.Replica replica, List<Pool> pools, Evidence evidence)
            throws InterruptedException {
        HttpReply reply =
                ProbeHttp.get(context, ProbeHttp.resolve(replica.url(), "/api/v1/targets", "state", "active"));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Prometheus did not answer: " + reply.describe(),
                    "Prometheus is not reachable: is the Prometheus StatefulSet the operator creates running?",
                    evidence);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Prometheus refused the targets query: " + reply.describe(),
                    "Prometheus answers but not its API: is it still starting?",
                    evidence);
        }
        List<JsonNode> targets = Json.elements(reply.json(), "data", "activeTargets");
        List<String> missing = new ArrayList<>();
        List<String> down = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> up = new ArrayList<>();
        for (Pool expected : pools) {
            List<JsonNode> matching = targets.stream()
                    .filter(t -> expected.matches(Json.text(t, "scrapePool")))
                    .toList();
            if (matching.isEmpty()) {
                missing.add(expected.label() + " (" + expected + ")");
                continue;
            }
            long upCount = matching.stream()
                    .filter(t -> "up".equals(Json.text(t, "health")))
                    .count();
            List<JsonNode> failing = matching.stream()
                    .filter(t -> "down".equals(Json.text(t, "health")))
                    .toList();
            String counts = expected.label() + " " + upCount + "/" + matching.size() + " up";
            if (!failing.isEmpty()) {
                JsonNode first = failing.get(0);
                down.add(counts + " (" + Json.text(first, "scrapePool") + " " + Json.text(first, "scrapeUrl") + ": "
                        + Json.text(first, "lastError") + ")");
            } else if (upCount < matching.size()) {
                pending.add(counts + " (not scraped yet)");
            } else {
                up.add(counts);
            }
        }
        if (missing.isEmpty() && down.isEmpty() && pending.isEmpty()) {
            return ProbeAttempt.pass("all expected pools up: " + String.join(", ", up), evidence);
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
            hint =
                    "Prometheus has no targets from these monitors of the stack (matched exactly by namespace and name, never another team's): "
                            + missingHint;
        } else if (!down.isEmpty()) {
            hint =
                    "the targets are discovered but their scrapes fail (lastError above): check the pod, the port/scheme of its"
                            + " ServiceMonitor endpoint, TLS settings and NetworkPolicies between Prometheus and the target";
        } else {
            hint = "targets were just discovered and not scraped yet: Prometheus scrapes every scrapeInterval";
        }
        return ProbeAttempt.fail(String.join("; ", parts), hint, evidence);
    }

    private static String poolsSeen(List<JsonNode> targets) {
        List<String> pools = targets.stream()
                .map(t -> Json.text(t, "scrapePool"))
                .distinct()
                .sorted()
                .toList();
        return pools.isEmpty() ? "none" : String.join(", ", pools);
    }
}
