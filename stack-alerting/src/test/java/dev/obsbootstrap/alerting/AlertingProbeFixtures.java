package dev.obsbootstrap.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.alerting.AlertingSettings.Receiver;
import dev.obsbootstrap.alerting.AlertingSettings.ReceiverType;
import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What the alerting probe tests share: the Alertmanager config obs-bootstrap would render (webhook receivers, a default
 * receiver, child routes, the opt-in delivery receiver), and running one probe of the phase against given endpoints.
 */
final class AlertingProbeFixtures {
    static final Duration PASS = Duration.ofSeconds(20);
    static final Duration FAIL = Duration.ofSeconds(1);

    /** Where the obs-bootstrap-delivery receiver of {@link #alertmanagerConfig} delivers: the delivery probe's listener. */
    static final int DELIVERY_PORT = LocalProcess.freePort();

    private AlertingProbeFixtures() {}

    static String alertmanagerConfig(HttpUrl webhook) {
        return """
                route:
                  receiver: default
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                  routes:
                    - matchers: ['obs_bootstrap_delivery="true"']
                      receiver: obs-bootstrap-delivery
                      group_wait: 1s
                    - matchers: ['alertname="Watchdog"']
                      receiver: "null"
                    - matchers: ['severity="critical"']
                      receiver: team-critical
                receivers:
                  - name: default
                    webhook_configs: [{url: '%sdefault'}]
                  - name: team-critical
                    webhook_configs: [{url: '%scritical'}]
                  - name: obs-bootstrap-delivery
                    webhook_configs: [{url: 'http://127.0.0.1:%d/', send_resolved: false}]
                  - name: "null"
                """.formatted(webhook, webhook, DELIVERY_PORT);
    }

    /** Webhook receivers by name, a default receiver, and child routes. */
    static AlertingSettings webhooks(List<String> receivers, String defaultReceiver, List<Route> routes) {
        return new AlertingSettings(
                receivers.stream()
                        .map(r -> new Receiver(r, ReceiverType.WEBHOOK, Map.of(), Map.of()))
                        .toList(),
                defaultReceiver,
                routes,
                List.of("alertname"));
    }

    /** The config obs-bootstrap would have rendered into the Alertmanager above. */
    static BootstrapConfig config(
            Duration deadline, List<String> receivers, String defaultReceiver, List<Route> routes) {
        return TestConfigs.builder()
                .probeDeadline(deadline)
                .section(new AlertingSection(), webhooks(receivers, defaultReceiver, routes))
                .build();
    }

    static BootstrapConfig matching(Duration deadline) {
        return config(
                deadline,
                List.of("default", "team-critical", "null"),
                "default",
                List.of(
                        new Route(List.of("alertname=\"Watchdog\""), "null", false),
                        new Route(List.of("severity=\"critical\""), "team-critical", false)));
    }

    /** The same config, with the opt-in delivery probe listening where this Alertmanager delivers (or elsewhere). */
    static BootstrapConfig withDelivery(Duration deadline, int listenPort) {
        return TestConfigs.builder()
                .probeDeadline(deadline)
                .section(
                        new AlertingSection(),
                        webhooks(
                                List.of("default", "team-critical", "null"),
                                "default",
                                List.of(
                                        new Route(List.of("alertname=\"Watchdog\""), "null", false),
                                        new Route(List.of("severity=\"critical\""), "team-critical", false))))
                .settings(Map.of(
                        "probes",
                        Map.of(
                                "deliveryWebhook",
                                Map.of(
                                        "listen",
                                        "127.0.0.1:" + listenPort,
                                        "url",
                                        "http://127.0.0.1:" + listenPort + "/"))))
                .build();
    }

    static Probe probe(BootstrapConfig config, String name) {
        return new AlertingPhase()
                .probes(config).stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElseThrow();
    }

    static ProbeResult run(BootstrapConfig config, String name, HttpUrl alertmanagerUrl, HttpUrl prometheusUrl)
            throws InterruptedException {
        EndpointProbeContext context =
                ProbeTesting.context(config, Map.of("alertmanager", alertmanagerUrl, "prometheus", prometheusUrl));
        return ProbeTesting.run(probe(config, name), context);
    }

    static HttpUrl nothingListens() {
        return HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");
    }

    static void postAlert(HttpUrl alertmanager, String labelsJson) throws Exception {
        Instant now = Instant.now();
        String body = "[{\"labels\":" + labelsJson + ",\"startsAt\":\"" + now + "\",\"endsAt\":\""
                + now.plusSeconds(300) + "\"}]";
        try (Response response = new OkHttpClient()
                .newCall(new Request.Builder()
                        .url(alertmanager.resolve("/api/v2/alerts"))
                        .post(RequestBody.create(body, MediaType.get("application/json")))
                        .build())
                .execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
    }

    /** Stops each that started (null: it did not), keeping on after a failure. */
    static void stopAll(AutoCloseable... closeables) {
        for (AutoCloseable closeable : closeables) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // keep stopping the others
                }
            }
        }
    }
}
