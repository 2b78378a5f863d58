package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.TerminalProbeFailure;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The always-firing Watchdog is in Alertmanager ({@code GET /api/v2/alerts?filter=alertname="Watchdog"}): Prometheus
 * evaluates its rules and delivers alerts to this Alertmanager. When it is missing, asks Prometheus which half is
 * broken: no Watchdog firing there (rules not loaded) or no Alertmanager known to it (alerting config).
 */
public final class WatchdogProbe implements Probe {
    public static final String ALERT = "Watchdog";

    private final Duration deadline;

    public WatchdogProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "watchdog-in-alertmanager";
    }

    @Override
    public String proves() {
        return "Prometheus evaluates alerting rules and delivers their alerts to Alertmanager: the always-firing Watchdog is active there.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "alertmanager", "/api/v2/alerts",
                "filter", "alertname=\"" + ALERT + "\"", "active", "true"));
        if (!reply.answered()) {
            return ProbeAttempt.fail("Alertmanager did not answer: " + reply.describe(), AlertingHints.unreachable());
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail("Alertmanager's alert list failed: " + reply.describe(), "Alertmanager answers but not its API v2: is it still starting?");
        }
        JsonNode alerts = reply.json();
        if (alerts.isArray() && !alerts.isEmpty()) {
            JsonNode first = alerts.get(0);
            List<String> receivers = Json.elements(first, "receivers").stream().map(r -> Json.text(r, "name")).toList();
            return ProbeAttempt.pass(ALERT + " active in Alertmanager since " + Json.text(first, "startsAt") + ", routed to " + receivers);
        }
        Diagnosis diagnosis = prometheusSide(context);
        return ProbeAttempt.fail(ALERT + " is not in Alertmanager: " + reply.describe() + diagnosis.observed(), diagnosis.hint());
    }

    private record Diagnosis(String observed, String hint) {
    }

    /** Asks Prometheus whether it fires Watchdog and which Alertmanagers it sends to. */
    private static Diagnosis prometheusSide(ProbeContext context) throws InterruptedException {
        HttpReply alerts;
        HttpReply alertmanagers;
        try {
            alerts = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/alerts"));
            alertmanagers = ProbeHttp.get(context, ProbeHttp.url(context, "prometheus", "/api/v1/alertmanagers"));
        } catch (TerminalProbeFailure e) {
            return new Diagnosis("", "Prometheus must fire Watchdog (kube-prometheus-stack defaultRules) and send it to this Alertmanager;"
                    + " pass --endpoint prometheus=URL to let the probe tell which part is missing");
        }
        if (!alerts.answered() || !alerts.is(200) || !alertmanagers.answered() || !alertmanagers.is(200)) {
            return new Diagnosis("; Prometheus: " + (alerts.answered() && alerts.is(200) ? alertmanagers.describe() : alerts.describe()),
                    "Prometheus, which fires Watchdog, does not answer its API: check the Prometheus pod");
        }
        boolean firing = Json.elements(alerts.json(), "data", "alerts").stream()
                .anyMatch(a -> ALERT.equals(Json.text(a, "labels", "alertname")) && "firing".equals(Json.text(a, "state")));
        List<String> targets = Json.elements(alertmanagers.json(), "data", "activeAlertmanagers").stream()
                .map(a -> Json.text(a, "url")).toList();
        String hint;
        if (!firing) {
            hint = "Prometheus does not fire Watchdog: kube-prometheus-stack's defaultRules (rule group general.rules) must be enabled"
                    + " and selected (prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues: false)";
        } else if (targets.isEmpty()) {
            hint = "Prometheus fires Watchdog but knows no Alertmanager: phase metrics must point Prometheus at the topology's Alertmanager"
                    + " (" + context.topology().endpoint("alertmanager").hostPort() + ", e.g. prometheus.prometheusSpec.additionalAlertManagerConfigs)";
        } else {
            hint = "Prometheus fires Watchdog and sends to " + targets + ": if that is not this Alertmanager fix phase metrics' Alertmanager"
                    + " address; otherwise the first send waits for --rules.alert.resend-delay (1m by default)";
        }
        return new Diagnosis("; Prometheus: Watchdog " + (firing ? "firing" : "not firing") + ", sends alerts to "
                + (targets.isEmpty() ? "no Alertmanager" : targets), hint);
    }
}
