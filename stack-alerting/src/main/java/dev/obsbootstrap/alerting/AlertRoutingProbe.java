package dev.obsbootstrap.alerting;

import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Synthetic alerts are routed as the config says: one alert for the default route and one per child route whose
 * matchers can be satisfied, each labelled with this run's id, are POSTed to {@code /api/v2/alerts} of every
 * Alertmanager replica (as Prometheus sends to each); then {@code /api/v2/alerts/groups} of every replica must show
 * each in groups whose receivers are exactly the ones the route tree predicts.
 *
 * <p>No receiver is paged. Before any alert is posted, the probe creates a silence for
 * {@code obs_bootstrap_run=<runId>} and reads it back from every replica until its {@code status.state} is
 * {@code active}. Times come from Alertmanager's clock (the Date header): Alertmanager keeps a silence whose startsAt is
 * in its future <em>pending</em>, and only moves a startsAt in its past up to its now (prometheus/alertmanager v0.34.0
 * silence/silence.go Set, getState). A client clock a minute ahead used to leave the silence pending while the
 * "safe to ignore" alerts went out to the real receivers. The silence starts a minute before Alertmanager's now (so it
 * is active at once) and lasts 15 minutes; the alerts end 10 minutes after Alertmanager's now.
 *
 * <p>State: silence and alerts are posted once; later tries only read the groups.
 */
public final class AlertRoutingProbe implements Probe {
    public static final String ALERT = "ObsBootstrapRoutingProbe";
    public static final String RUN_LABEL = "obs_bootstrap_run";
    public static final String CASE_LABEL = "obs_bootstrap_case";

    private final Duration deadline;
    private final List<Case> cases;
    private final List<String> unexercised;
    private boolean posted;
    private String silenceId = "";
    private Evidence evidence = Evidence.none();

    /** One synthetic alert: the labels the route needs and the receivers it must reach. */
    record Case(String id, Map<String, String> labels, Set<String> expectedReceivers) {}

    public AlertRoutingProbe(Duration deadline, AlertingSettings alerting) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        List<Case> planned = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        planned.add(
                new Case("default", Map.of(), RouteMatchers.expectedReceivers(alerting, Map.of("alertname", ALERT))));
        for (int i = 0; i < alerting.routes().size(); i++) {
            Route route = alerting.routes().get(i);
            Optional<Map<String, String>> labels = RouteMatchers.satisfy(RouteMatchers.parseAll(route.matchers()));
            if (labels.isEmpty() || labels.get().containsKey("alertname")) {
                skipped.add("route " + i + " " + route.matchers() + " -> " + route.receiver());
                continue;
            }
            Map<String, String> all = new HashMap<>(labels.get());
            all.put("alertname", ALERT);
            planned.add(new Case("route-" + i, labels.get(), RouteMatchers.expectedReceivers(alerting, all)));
        }
        this.cases = List.copyOf(planned);
        this.unexercised = List.copyOf(skipped);
    }

    @Override
    public String name() {
        return "synthetic-alert-routing";
    }

    @Override
    public String proves() {
        return "Alertmanager routes alerts as configured: synthetic (silenced) alerts for the default route and each child route land on the expected receivers.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    List<Case> cases() {
        return cases;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        if (!posted) {
            ProbeAttempt failed = post(context);
            if (failed != null) {
                return failed;
            }
        }
        return checkGroups(context);
    }

    /** The silence of this run's synthetic alerts, starting a minute before Alertmanager's now. */
    static ObjectNode silence(String runId, Instant alertmanagerNow) {
        ObjectNode silence = Json.object();
        silence.putArray("matchers")
                .addObject()
                .put("name", RUN_LABEL)
                .put("value", runId)
                .put("isRegex", false)
                .put("isEqual", true);
        silence.put("startsAt", alertmanagerNow.minus(Duration.ofMinutes(1)).toString())
                .put("endsAt", alertmanagerNow.plus(Duration.ofMinutes(15)).toString())
                .put("createdBy", "obs-bootstrap")
                .put(
                        "comment",
                        "obs-bootstrap verify: silences its own synthetic routing alerts so no receiver is notified");
        return silence;
    }

    private ProbeAttempt post(ProbeContext context) throws InterruptedException {
        if (silenceId.isEmpty()) {
            ProbeAttempt failed = createSilence(context);
            if (failed != null) {
                return failed;
            }
        }
        List<ProbeContext.Replica> replicas = context.replicas("alertmanager");
        Instant now = Instant.now();
        for (ProbeContext.Replica replica : replicas) {
            HttpReply state = ProbeHttp.get(context, ProbeHttp.resolve(replica.url(), "/api/v2/silence/" + silenceId));
            if (!state.answered()) {
                return ProbeAttempt.fail(
                        "Alertmanager replica " + replica.name() + " did not answer: " + state.describe(),
                        AlertingHints.unreachable(),
                        evidence);
            }
            String status = state.is(200) ? Json.text(state.json(), "status", "state") : "";
            now = state.serverTime().orElse(now);
            if (!"active".equals(status)) {
                return ProbeAttempt.fail(
                        "the probe's silence " + silenceId + " is " + (status.isEmpty() ? "not found" : status)
                                + " on Alertmanager replica " + replica.name() + " (" + state.describe()
                                + "): no synthetic alert was sent, so no receiver is paged",
                        "pending means its startsAt is after Alertmanager's now; not found on one replica means the replicas do not gossip"
                                + " silences (cluster peers): check the alertmanager pods' --cluster.peer settings and logs",
                        evidence);
            }
        }
        evidence = evidence.and(
                "silence.state", "active on " + replicas.size() + " replica(s) at " + now + " (Alertmanager's clock)");
        ArrayNode alerts = Json.array();
        for (Case c : cases) {
            ObjectNode alert = alerts.addObject();
            ObjectNode labels = alert.putObject("labels");
            c.labels().forEach(labels::put);
            labels.put("alertname", ALERT).put(RUN_LABEL, context.runId()).put(CASE_LABEL, c.id());
            alert.putObject("annotations").put("summary", "obs-bootstrap routing probe (silenced); safe to ignore");
            alert.put("startsAt", now.toString())
                    .put("endsAt", now.plus(Duration.ofMinutes(10)).toString());
        }
        for (ProbeContext.Replica replica : replicas) {
            HttpReply reply = ProbeHttp.postJson(
                    context, ProbeHttp.resolve(replica.url(), "/api/v2/alerts"), Json.write(alerts), Headers.EMPTY);
            if (!reply.answered()) {
                return ProbeAttempt.fail(
                        "Alertmanager replica " + replica.name() + " did not answer: " + reply.describe(),
                        AlertingHints.unreachable(),
                        evidence);
            }
            if (!reply.is(200)) {
                return ProbeAttempt.fail(
                        "Alertmanager replica " + replica.name() + " refused the synthetic alerts: " + reply.describe(),
                        "POST /api/v2/alerts must accept alerts: a proxy in front of Alertmanager may block writes",
                        evidence);
            }
        }
        evidence = evidence.and(
                "sent.alerts",
                cases.size() + " alert(s) to " + replicas.size() + " replica(s), startsAt " + now
                        + " (Alertmanager's clock)");
        posted = true;
        return null;
    }

    /** @return null once Alertmanager took the silence */
    private ProbeAttempt createSilence(ProbeContext context) throws InterruptedException {
        HttpReply clock = ProbeHttp.get(context, ProbeHttp.url(context, "alertmanager", "/api/v2/status"));
        if (!clock.answered()) {
            return ProbeAttempt.fail("Alertmanager did not answer: " + clock.describe(), AlertingHints.unreachable());
        }
        Instant alertmanagerNow = clock.serverTime().orElse(Instant.now()).truncatedTo(ChronoUnit.SECONDS);
        ObjectNode silence = silence(context.runId(), alertmanagerNow);
        HttpReply silenced = ProbeHttp.postJson(
                context,
                ProbeHttp.url(context, "alertmanager", "/api/v2/silences"),
                Json.write(silence),
                Headers.EMPTY);
        if (!silenced.answered()) {
            return ProbeAttempt.fail(
                    "Alertmanager did not answer: " + silenced.describe(), AlertingHints.unreachable());
        }
        if (!silenced.is(200)) {
            return ProbeAttempt.fail(
                    "Alertmanager refused the probe's silence (alerts not sent, so no receiver is paged): "
                            + silenced.describe(),
                    "the silences API must accept POST /api/v2/silences: a proxy in front of Alertmanager may block writes");
        }
        silenceId = Json.text(silenced.json(), "silenceID");
        evidence = Evidence.of("silence.id", silenceId)
                .and("silence.startsAt", Json.text(silence, "startsAt") + " (Alertmanager's clock, a minute back)");
        return null;
    }

    private ProbeAttempt checkGroups(ProbeContext context) throws InterruptedException {
        List<ProbeContext.Replica> replicas = context.replicas("alertmanager");
        List<String> routed = new ArrayList<>();
        for (ProbeContext.Replica replica : replicas) {
            ProbeAttempt one = checkGroups(context, replica);
            if (!one.passed()) {
                return replicas.size() == 1
                        ? one
                        : ProbeAttempt.fail(
                                "Alertmanager replica " + replica.name() + ": " + one.observed(), one.hint(), evidence);
            }
            routed.add(replicas.size() == 1 ? one.observed() : replica.name() + ": " + one.observed());
        }
        return ProbeAttempt.pass(String.join("; ", routed), evidence);
    }

    private ProbeAttempt checkGroups(ProbeContext context, ProbeContext.Replica replica) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(
                context,
                ProbeHttp.resolve(
                        replica.url(),
                        "/api/v2/alerts/groups",
                        "filter",
                        RUN_LABEL + "=\"" + context.runId() + "\"",
                        "silenced",
                        "true",
                        "inhibited",
                        "true",
                        "active",
                        "true"));
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Alertmanager did not answer: " + reply.describe(), AlertingHints.unreachable(), evidence);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Alertmanager's alert groups failed: " + reply.describe(),
                    "Alertmanager answers but not its API v2",
                    evidence);
        }
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        for (JsonNode group : reply.json()) {
            String receiver = Json.text(group, "receiver", "name");
            for (JsonNode alert : group.path("alerts")) {
                if (context.runId().equals(Json.text(alert, "labels", RUN_LABEL))) {
                    seen.computeIfAbsent(Json.text(alert, "labels", CASE_LABEL), k -> new LinkedHashSet<>())
                            .add(receiver);
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (Case c : cases) {
            Set<String> receivers = seen.getOrDefault(c.id(), Set.of());
            String text = c.id() + (c.labels().isEmpty() ? "" : " " + c.labels()) + " -> ";
            if (receivers.equals(c.expectedReceivers())) {
                right.add(text + receivers);
            } else {
                wrong.add(text + (receivers.isEmpty() ? "in no group" : receivers) + ", expected "
                        + c.expectedReceivers());
            }
        }
        String notes = unexercised.isEmpty()
                ? ""
                : "; not exercised (matchers too complex to satisfy): " + String.join(", ", unexercised);
        if (wrong.isEmpty()) {
            return ProbeAttempt.pass(
                    "synthetic alerts routed as configured: " + String.join("; ", right) + notes, evidence);
        }
        return ProbeAttempt.fail(
                "synthetic alerts misrouted: " + String.join("; ", wrong) + notes,
                "Alertmanager's route tree differs from the config's alerting.routes (order, matchers, continue): compare"
                        + " /api/v2/status config.original with the rendered alertmanager values",
                evidence);
    }
}
