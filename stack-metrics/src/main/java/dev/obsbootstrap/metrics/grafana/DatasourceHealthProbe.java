package dev.obsbootstrap.metrics.grafana;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * Grafana's provisioned datasource for a backend passes Grafana's own health check:
 * {@code GET /api/datasources/uid/{uid}/health} with basic auth answers {@code {"status":"OK"}}.
 *
 * <p>That is connectivity only: Prometheus' check runs {@code 1+1} (grafana/grafana pkg/promlib/healthcheck.go) and
 * Loki's {@code vector(1)+vector(1)} (pkg/tsdb/loki/healthcheck.go), which read no data. Reading the run's data back
 * through the datasource is {@link GrafanaQueryProbe}'s job. The core Tempo datasource has no health check at all
 * (404 plugin.notImplemented), so Tempo is proven with a query only.
 *
 * <p>Deviation from "probes live in their stack module": metrics, logs and traces all check a datasource, and
 * stack modules may not import each other, so this one probe lives in core. It stays generic: the caller names the
 * Grafana endpoint, the topology's datasource key and the backend, and the UID comes from the topology.
 */
public final class DatasourceHealthProbe implements Probe {
    private final String name;
    private final Duration deadline;
    private final String grafanaEndpoint;
    private final String datasourceKey;
    private final String backend;
    private final String errorHint;

    /**
     * @param grafanaEndpoint the topology endpoint name of Grafana
     * @param datasourceKey   the topology datasource key ({@code topology.datasourceUid(key)})
     * @param backend         the backend as users know it ("Prometheus", "Loki", "Tempo")
     * @param errorHint       the likely causes when Grafana reports the datasource unhealthy, in the stack's terms
     */
    public DatasourceHealthProbe(
            String name,
            Duration deadline,
            String grafanaEndpoint,
            String datasourceKey,
            String backend,
            String errorHint) {
        this.name = Objects.requireNonNull(name, "name");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.grafanaEndpoint = Objects.requireNonNull(grafanaEndpoint, "grafanaEndpoint");
        this.datasourceKey = Objects.requireNonNull(datasourceKey, "datasourceKey");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.errorHint = Objects.requireNonNull(errorHint, "errorHint");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String proves() {
        return "Grafana's provisioned " + backend
                + " datasource passes Grafana's health check: its URL, auth and headers reach " + backend + ".";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        String uid = context.topology().datasourceUid(datasourceKey);
        HttpUrl url = ProbeHttp.url(context, grafanaEndpoint, "/api/datasources/uid/" + uid + "/health");
        Headers auth = ProbeHttp.basicAuth(context, grafanaEndpoint);
        HttpReply reply = ProbeHttp.get(context, url, auth);
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    "Grafana did not answer: " + reply.describe(),
                    "Grafana is not reachable at endpoint '" + grafanaEndpoint
                            + "': is the Grafana pod of the metrics phase running?");
        }
        GrafanaLogin.requireAccepted(reply, context, grafanaEndpoint, auth);
        if (reply.is(404) && reply.body().contains("plugin.notImplemented")) {
            return ProbeAttempt.fail(
                    backend + " datasource " + uid + " has no health check in this Grafana: " + reply.describe(),
                    "Grafana's core " + backend
                            + " datasource has no backend health check (404 plugin.notImplemented): prove it with a query"
                            + " through /api/ds/query instead");
        }
        if (reply.is(404)) {
            return ProbeAttempt.fail(
                    "Grafana has no datasource with uid '" + uid + "': " + reply.describe(),
                    "the " + backend + " datasource is not provisioned with uid '" + uid
                            + "': Grafana's datasource provisioning and the topology's datasource UIDs disagree");
        }
        JsonNode body = reply.json();
        String status = Json.text(body, "status");
        String message = Json.text(body, "message");
        if (reply.is(200) && "OK".equalsIgnoreCase(status)) {
            return ProbeAttempt.pass(backend + " datasource " + uid + " is healthy: " + message);
        }
        return ProbeAttempt.fail(
                backend + " datasource " + uid + " is unhealthy (" + (status.isEmpty() ? "no status" : status) + "): "
                        + reply.describe(),
                "Grafana reached its datasource API but could not query " + backend
                        + (message.isEmpty() ? "" : " (" + message + ")") + ": " + errorHint);
    }
}
