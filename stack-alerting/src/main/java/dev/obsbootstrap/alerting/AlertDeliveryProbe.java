package dev.obsbootstrap.alerting;

import com.sun.net.httpserver.HttpServer;
import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import dev.obsbootstrap.core.probe.TerminalProbeFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Headers;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opt-in (profile {@code settings.probes.deliveryWebhook: {listen: HOST:PORT, url: URL}}): Alertmanager really
 * notifies a receiver. The probe serves a webhook on {@code listen}, which Alertmanager must reach at {@code url}
 * (the alertmanager values then route {@code obs_bootstrap_delivery="true"} to it, first and final, and nowhere else),
 * posts one alert with that label and this run's id, and waits for the webhook call carrying the run id. Nobody is
 * paged: the route sends the alert only to the probe. This is the notification path the Watchdog only implies and
 * the routing probe's silence keeps closed; it still says nothing about Slack, PagerDuty or email credentials.
 *
 * <p>Holds its listener between tries and closes it when it passes or when the runner is done with it.
 */
public final class AlertDeliveryProbe implements Probe, AutoCloseable {
    public static final String LABEL = "obs_bootstrap_delivery";
    public static final String RUN_LABEL = "obs_bootstrap_delivery_run";
    public static final String ALERT = "ObsBootstrapDeliveryProbe";

    private final Duration deadline;
    private final String listen;
    private final String url;
    private final List<String> deliveries = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private long postedAtNanos;
    private Evidence evidence = Evidence.none();

    public AlertDeliveryProbe(Duration deadline, String listen, String url) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.listen = Objects.requireNonNull(listen, "listen");
        this.url = Objects.requireNonNull(url, "url");
    }

    @Override
    public String name() {
        return "alert-delivery-webhook";
    }

    @Override
    public String proves() {
        return "Alertmanager notifies a receiver: an alert of this run reaches the webhook the probe serves (" + url
                + ").";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        if (server == null) {
            listen();
        }
        if (postedAtNanos == 0) {
            ProbeAttempt failed = post(context);
            if (failed != null) {
                return failed;
            }
        }
        for (String delivery : deliveries) {
            if (delivery.contains(context.runId())) {
                Duration latency = Duration.ofNanos(System.nanoTime() - postedAtNanos);
                close();
                return ProbeAttempt.pass(
                        "Alertmanager delivered the run's alert to the probe's webhook " + url + " "
                                + latency.toMillis() + " ms after it was posted",
                        evidence.and(
                                        "found.webhook",
                                        "POST with " + RUN_LABEL + "=" + context.runId() + " at " + Instant.now()
                                                + " (this machine's clock)")
                                .latency(latency));
            }
        }
        return ProbeAttempt.fail(
                "the run's alert was posted, but no notification reached the webhook " + url + " yet ("
                        + deliveries.size() + " other call(s))",
                "Alertmanager must route " + LABEL
                        + "=\"true\" to the receiver obs-bootstrap-delivery (the alertmanager values add it when"
                        + " settings.probes.deliveryWebhook is set: re-run up after setting it), and reach " + url
                        + " from its pod; its"
                        + " notification errors are in alertmanager_notifications_failed_total{integration=\"webhook\"}",
                evidence);
    }

    private void listen() {
        int colon = listen.lastIndexOf(':');
        try {
            server = HttpServer.create(
                    new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
                    0);
        } catch (IOException | RuntimeException e) {
            throw new TerminalProbeFailure(
                    "cannot serve the delivery webhook on " + listen + ": " + e.getMessage(),
                    "settings.probes.deliveryWebhook.listen must be a free HOST:PORT of this machine that Alertmanager can reach");
        }
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                deliveries.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    private ProbeAttempt post(ProbeContext context) throws InterruptedException {
        HttpReply clock = ProbeHttp.get(context, ProbeHttp.url(context, "alertmanager", "/api/v2/status"));
        if (!clock.answered()) {
            return ProbeAttempt.fail("Alertmanager did not answer: " + clock.describe(), AlertingHints.unreachable());
        }
        Instant now = clock.serverTime().orElse(Instant.now());
        ArrayNode alerts = Json.array();
        ObjectNode alert = alerts.addObject();
        alert.putObject("labels").put("alertname", ALERT).put(LABEL, "true").put(RUN_LABEL, context.runId());
        alert.putObject("annotations")
                .put("summary", "obs-bootstrap delivery probe: routed only to the probe's own webhook");
        alert.put("startsAt", now.toString())
                .put("endsAt", now.plus(Duration.ofMinutes(5)).toString());
        HttpReply reply = ProbeHttp.postJson(
                context, ProbeHttp.url(context, "alertmanager", "/api/v2/alerts"), Json.write(alerts), Headers.EMPTY);
        if (!reply.answered() || !reply.is(200)) {
            return ProbeAttempt.fail(
                    "Alertmanager did not take the delivery alert: " + reply.describe(), AlertingHints.unreachable());
        }
        postedAtNanos = System.nanoTime();
        evidence = Evidence.of(
                        "sent.alert",
                        ALERT + " " + RUN_LABEL + "=" + context.runId() + " at " + now + " (Alertmanager's clock)")
                .and("webhook", listen + " called as " + url);
        return null;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }
}
