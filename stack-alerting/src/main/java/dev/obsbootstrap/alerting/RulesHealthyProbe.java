package dev.obsbootstrap.alerting;

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

/** Prometheus has loaded rule groups and every rule evaluates without error ({@code /api/v1/rules}, health ok). */
public final class RulesHealthyProbe implements Probe {
    private final Duration deadline;

    public RulesHealthyProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "prometheus-rules-healthy";
    }

    @Override
    public String proves() {
        return "Prometheus has loaded the stack's rule groups and evaluates every rule without error.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/rules"));
        if (!reply.answered()) {
            return ProbeAttempt.fail("Prometheus did not answer: " + reply.describe(), "Prometheus is not reachable: is the Prometheus pod running?");
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail("Prometheus' rules API failed: " + reply.describe(), "Prometheus answers but not its rules API: is it still starting?");
        }
        List<JsonNode> groups = Json.elements(reply.json(), "data", "groups");
        if (groups.isEmpty()) {
            return ProbeAttempt.fail("Prometheus has no rule groups loaded (" + reply.describe() + ")",
                    "Prometheus selects no PrometheusRule: keep kube-prometheus-stack's defaultRules.create on and set"
                            + " prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues to false so rules of other releases are picked up");
        }
        int rules = 0;
        List<String> failing = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                String health = Json.text(rule, "health");
                String where = Json.text(group, "name") + "/" + Json.text(rule, "name");
                if ("err".equals(health)) {
                    failing.add(where + ": " + Json.text(rule, "lastError"));
                } else if (!"ok".equals(health)) {
                    pending.add(where);
                }
            }
        }
        if (failing.isEmpty() && pending.isEmpty()) {
            return ProbeAttempt.pass(groups.size() + " rule group(s), " + rules + " rule(s), all healthy");
        }
        if (!failing.isEmpty()) {
            return ProbeAttempt.fail(failing.size() + " of " + rules + " rule(s) fail to evaluate: " + String.join("; ", failing.subList(0, Math.min(5, failing.size())))
                            + (failing.size() > 5 ? "; ..." : ""),
                    "fix the rule expression in its PrometheusRule (group/rule named above); evaluation errors also mean its alert can never fire");
        }
        return ProbeAttempt.fail(pending.size() + " of " + rules + " rule(s) not evaluated yet (e.g. " + pending.get(0) + ")",
                "the rules were loaded moments ago: Prometheus evaluates each group every evaluation interval");
    }
}
