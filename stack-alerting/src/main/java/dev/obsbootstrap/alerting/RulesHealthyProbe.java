package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Prometheus has loaded the stack's rule groups and every rule of them evaluates without error
 * ({@code /api/v1/rules}, health ok; "unknown" is not evaluated yet).
 *
 * <p>Only the stack's own groups decide: kube-prometheus-stack's Prometheus loads the PrometheusRules of every
 * namespace (ruleNamespaceSelector {}, ruleSelectorNilUsesHelmValues false), and one broken rule of another team must
 * not fail this phase. The operator writes each PrometheusRule to a file named {@code <namespace>-<name>-<uid>.yaml}
 * (prometheus-operator pkg/operator/rules.go), reported as each group's {@code file}
 * (prometheus/prometheus v3.14.0 web/api/v1/api.go RuleGroup.File); a group is ours when that name starts with
 * {@code <stack namespace>-<kube-prometheus-stack fullname>-}. Foreign failures are reported, not counted.
 */
public final class RulesHealthyProbe implements Probe {
    private final Duration deadline;
    private final Function<StackTopology, Predicate<String>> ours;

    public RulesHealthyProbe(Duration deadline) {
        this(deadline, RulesHealthyProbe::stackRuleFiles);
    }

    /** @param ours which rule files (the group's {@code file}) belong to the stack, from the run's topology */
    public RulesHealthyProbe(Duration deadline, Function<StackTopology, Predicate<String>> ours) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.ours = Objects.requireNonNull(ours, "ours");
    }

    static Predicate<String> stackRuleFiles(StackTopology topology) {
        String prefix = topology.namespace() + "-"
                + topology.component("kube-prometheus-stack").fullname() + "-";
        return file -> Path.of(file).getFileName().toString().startsWith(prefix);
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
            return ProbeAttempt.fail(
                    "Prometheus did not answer: " + reply.describe(),
                    "Prometheus is not reachable: is the Prometheus pod running?");
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Prometheus' rules API failed: " + reply.describe(),
                    "Prometheus answers but not its rules API: is it still starting?");
        }
        List<JsonNode> all = Json.elements(reply.json(), "data", "groups");
        Predicate<String> stack = ours.apply(context.topology());
        List<JsonNode> groups =
                all.stream().filter(g -> stack.test(Json.text(g, "file"))).toList();
        List<String> foreignFailing = new ArrayList<>();
        for (JsonNode group : all) {
            if (!stack.test(Json.text(group, "file"))) {
                for (JsonNode rule : group.path("rules")) {
                    if ("err".equals(Json.text(rule, "health"))) {
                        foreignFailing.add(Json.text(group, "name") + "/" + Json.text(rule, "name") + " ("
                                + Json.text(group, "file") + ")");
                    }
                }
            }
        }
        String foreign = foreignFailing.isEmpty()
                ? ""
                : "; not the stack's, ignored: " + foreignFailing.size() + " failing rule(s) of other"
                        + " PrometheusRules, e.g. " + foreignFailing.get(0);
        if (groups.isEmpty()) {
            return ProbeAttempt.fail(
                    "Prometheus has none of the stack's rule groups loaded (" + all.size() + " group(s) of others; "
                            + reply.describe() + ")" + foreign,
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
            return ProbeAttempt.pass(
                    groups.size() + " rule group(s) of the stack, " + rules + " rule(s), all healthy" + foreign);
        }
        if (!failing.isEmpty()) {
            return ProbeAttempt.fail(
                    failing.size() + " of " + rules + " rule(s) fail to evaluate: "
                            + String.join("; ", failing.subList(0, Math.min(5, failing.size())))
                            + (failing.size() > 5 ? "; ..." : "") + foreign,
                    "fix the rule expression in its PrometheusRule (group/rule named above); evaluation errors also mean its alert can never fire");
        }
        return ProbeAttempt.fail(
                pending.size() + " of " + rules + " rule(s) not evaluated yet (e.g. " + pending.get(0) + ")" + foreign,
                "the rules were loaded moments ago: Prometheus evaluates each group every evaluation interval");
    }
}
