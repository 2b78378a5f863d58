package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.TerminalProbeFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A <em>fresh</em> always-firing Watchdog is in every Alertmanager replica
 * ({@code GET /api/v2/alerts?filter=alertname="Watchdog"}): Prometheus evaluates its rules and delivers alerts to each
 * Alertmanager now, not minutes ago. Prometheus sends a firing alert with endsAt = now + 4 x max(resend delay,
 * evaluation interval) (prometheus/prometheus v3.14.0 rules/alerting.go sendAlerts, ValidUntil), so Alertmanager keeps
 * showing a Watchdog as active for about 4 minutes after the last send; only {@code updatedAt}, which Alertmanager
 * sets on every receipt from its own clock (prometheus/alertmanager v0.34.0 api/v2/api.go postAlertsHandler), tells
 * whether sends still arrive. It must be younger than {@code maxAge} (resend delay + evaluation interval + margin),
 * measured against Alertmanager's clock (the Date of the same answer), never this machine's.
 *
 * <p>When it is missing, asks Prometheus which half is broken: no Watchdog firing there (rules not loaded) or no
 * Alertmanager known to it (alerting config).
 */
public final class WatchdogProbe implements Probe {
    public static final String ALERT = "Watchdog";

    private final Duration deadline;
    private final Duration maxAge;

    /** @param maxAge how old the last receipt of Watchdog may be (resend delay + evaluation interval + margin) */
    public WatchdogProbe(Duration deadline, Duration maxAge) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    @Override
    public String name() {
        return "watchdog-in-alertmanager";
    }

    @Override
    public String proves() {
        return "Prometheus evaluates alerting rules and delivers their alerts to every Alertmanager replica now: the always-firing Watchdog"
                + " was received there within " + maxAge.toSeconds() + "s (Alertmanager's clock).";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        List<ProbeContext.Replica> replicas = context.replicas("alertmanager");
        Evidence evidence = Evidence.none();
        List<String> fresh = new ArrayList<>();
        for (ProbeContext.Replica replica : replicas) {
            String where = replicas.size() == 1 ? "Alertmanager" : "Alertmanager replica " + replica.name();
            HttpReply reply = ProbeHttp.get(
                    context,
                    ProbeHttp.resolve(
                            replica.url(),
                            "/api/v2/alerts",
                            "filter",
                            "alertname=\"" + ALERT + "\"",
                            "active",
                            "true"));
            if (!reply.answered()) {
                return ProbeAttempt.fail(
                        where + " did not answer: " + reply.describe(), AlertingHints.unreachable(), evidence);
            }
            if (!reply.is(200)) {
                return ProbeAttempt.fail(
                        where + "'s alert list failed: " + reply.describe(),
                        "Alertmanager answers but not its API v2: is it still starting?",
                        evidence);
            }
            JsonNode alerts = reply.json();
            if (!alerts.isArray() || alerts.isEmpty()) {
                Diagnosis diagnosis = prometheusSide(context);
                return ProbeAttempt.fail(
                        ALERT + " is not in " + where + ": " + reply.describe() + diagnosis.observed(),
                        diagnosis.hint(),
                        evidence);
            }
            JsonNode newest = newest(alerts);
            Instant updatedAt = Instant.parse(Json.text(newest, "updatedAt"));
            Instant amNow = reply.serverTime().orElse(Instant.now());
            Duration age = Duration.between(updatedAt, amNow);
            evidence = evidence.and(
                    "found." + replica.name(),
                    ALERT + " updatedAt " + updatedAt + ", " + age.toSeconds() + "s before " + amNow
                            + " (Alertmanager's clock)");
            if (age.compareTo(maxAge) > 0) {
                return ProbeAttempt.fail(
                        ALERT + " in " + where + " is stale: last received " + updatedAt + ", " + age.toSeconds()
                                + "s before Alertmanager's now (" + amNow + "), more than " + maxAge.toSeconds()
                                + "s; it stays active until its endsAt "
                                + Json.text(newest, "endsAt"),
                        "Prometheus stopped delivering alerts to this Alertmanager: Alertmanager keeps the last Watchdog active for about 4"
                                + " resend intervals; check Prometheus' /api/v1/alertmanagers, its notification errors"
                                + " (prometheus_notifications_errors_total) and NetworkPolicies between Prometheus and Alertmanager",
                        evidence);
            }
            List<String> receivers = Json.elements(newest, "receivers").stream()
                    .map(r -> Json.text(r, "name"))
                    .toList();
            fresh.add((replicas.size() == 1 ? "" : replica.name() + ": ") + "received " + age.toSeconds()
                    + "s ago, routed to " + receivers);
        }
        return ProbeAttempt.pass(ALERT + " fresh in Alertmanager: " + String.join("; ", fresh), evidence);
    }

    private static JsonNode newest(JsonNode alerts) {
        JsonNode newest = alerts.get(0);
        for (JsonNode alert : alerts) {
            if (Instant.parse(Json.text(alert, "updatedAt")).isAfter(Instant.parse(Json.text(newest, "updatedAt")))) {
                newest = alert;
            }
        }
        return newest;
    }

    private record Diagnosis(String observed, String hint) {}

    /** Asks Prometheus whether it fires Watchdog and which Alertmanagers it sends to. */
    private static Diagnosis prometheusSide(ProbeContext context) throws InterruptedException {
        HttpReply alerts;
        HttpReply alertmanagers;
        try {
            alerts = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/alerts"));
            alertmanagers = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/alertmanagers"));
        } catch (TerminalProbeFailure e) {
            return new Diagnosis(
                    "",
                    "Prometheus must fire Watchdog (kube-prometheus-stack defaultRules) and send it to this Alertmanager;"
                            + " pass --endpoint prometheus=URL to let the probe tell which part is missing");
        }
        if (!alerts.answered() || !alerts.is(200) || !alertmanagers.answered() || !alertmanagers.is(200)) {
            return new Diagnosis(
                    "; Prometheus: "
                            + (alerts.answered() && alerts.is(200) ? alertmanagers.describe() : alerts.describe()),
                    "Prometheus, which fires Watchdog, does not answer its API: check the Prometheus pod");
        }
        boolean firing = Json.elements(alerts.json(), "data", "alerts").stream()
                .anyMatch(a ->
                        ALERT.equals(Json.text(a, "labels", "alertname")) && "firing".equals(Json.text(a, "state")));
        List<String> targets = Json.elements(alertmanagers.json(), "data", "activeAlertmanagers").stream()
                .map(a -> Json.text(a, "url"))
                .toList();
        String hint;
        if (!firing) {
            hint =
                    "Prometheus does not fire Watchdog: kube-prometheus-stack's defaultRules (rule group general.rules) must be enabled"
                            + " and selected (prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues: false)";
        } else if (targets.isEmpty()) {
            hint =
                    "Prometheus fires Watchdog but knows no Alertmanager: phase metrics must point Prometheus at the topology's Alertmanager"
                            + " (" + context.topology().endpoint("alertmanager").hostPort()
                            + ", e.g. prometheus.prometheusSpec.additionalAlertManagerConfigs)";
        } else {
            hint = "Prometheus fires Watchdog and sends to " + targets
                    + ": if that is not this Alertmanager fix phase metrics' Alertmanager"
                    + " address; otherwise the first send waits for --rules.alert.resend-delay (1m by default)";
        }
        return new Diagnosis(
                "; Prometheus: Watchdog " + (firing ? "firing" : "not firing") + ", sends alerts to "
                        + (targets.isEmpty() ? "no Alertmanager" : targets),
                hint);
    }
}
