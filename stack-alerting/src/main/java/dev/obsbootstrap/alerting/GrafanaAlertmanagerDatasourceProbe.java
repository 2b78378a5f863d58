package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.metrics.grafana.GrafanaLogin;
import java.time.Duration;
import java.util.Objects;
import okhttp3.Headers;

/**
 * Grafana's provisioned Alertmanager datasource (kube-prometheus-stack's grafana sidecar, uid from the topology)
 * reaches this Alertmanager: {@code GET /api/datasources/proxy/uid/<uid>/api/v2/status} through Grafana's datasource
 * proxy answers Alertmanager's status, whose loaded config has the configured default receiver. This is the path
 * Grafana's alerting UI uses to list and silence alerts.
 */
public final class GrafanaAlertmanagerDatasourceProbe implements Probe {
    private final Duration deadline;

    public GrafanaAlertmanagerDatasourceProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "grafana-datasource-alertmanager";
    }

    @Override
    public String proves() {
        return "Grafana's provisioned Alertmanager datasource reaches this Alertmanager through Grafana's datasource proxy and reads its loaded config.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        String uid = context.topology().datasourceUid("alertmanager");
        Headers auth = ProbeHttp.basicAuth(context, "grafana");
        HttpReply reply = ProbeHttp.get(
                context,
                ProbeHttp.url(context, "grafana", "/api/datasources/proxy/uid/" + uid + "/api/v2/status"),
                auth);
        Evidence evidence = Evidence.of("sent.request", "GET /api/datasources/proxy/uid/" + uid + "/api/v2/status");
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Grafana did not answer: " + reply.describe(),
                    "Grafana is not reachable at endpoint 'grafana': is its pod running?",
                    evidence);
        }
        GrafanaLogin.requireAccepted(reply, context, "grafana", auth);
        if (reply.is(404)) {
            return ProbeAttempt.fail(
                    "Grafana has no datasource with uid '" + uid + "': " + reply.describe(),
                    "the kube-prometheus-stack values must provision the Alertmanager datasource (grafana.sidecar.datasources.alertmanager)"
                            + " with the topology's uid",
                    evidence);
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Grafana's Alertmanager datasource did not reach Alertmanager: " + reply.describe(),
                    "the datasource's URL must be the topology's Alertmanager Service ("
                            + context.topology().endpoint("alertmanager").clusterUrl() + ")",
                    evidence);
        }
        String original = Json.text(reply.json(), "config", "original");
        String defaultReceiver =
                AlertingSettings.of(context.config()).receivers().isEmpty()
                        ? "null"
                        : AlertingSettings.of(context.config()).defaultReceiver();
        if (!original.contains(defaultReceiver)) {
            return ProbeAttempt.fail(
                    "Grafana's Alertmanager datasource reads an Alertmanager without the default receiver '"
                            + defaultReceiver + "'",
                    "the datasource points at another Alertmanager than the one of phase alerting",
                    evidence);
        }
        return ProbeAttempt.pass(
                "Grafana's Alertmanager datasource " + uid + " reads this Alertmanager's status (version "
                        + Json.text(reply.json(), "versionInfo", "version") + ")",
                evidence.and("found.cluster", Json.text(reply.json(), "cluster", "status")));
    }
}
