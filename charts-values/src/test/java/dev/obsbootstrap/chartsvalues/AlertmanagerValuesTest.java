package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.alerting.AlertingSettings;
import dev.obsbootstrap.alerting.AlertingSettings.Receiver;
import dev.obsbootstrap.alerting.AlertingSettings.ReceiverType;
import dev.obsbootstrap.alerting.ReceiverCredentialsSecret;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.secret.SecretRef;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import dev.obsbootstrap.core.values.ValuesTestConfigs;
import dev.obsbootstrap.logs.LogsSettings;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Receivers reach Alertmanager as *_file fields over the mounted credentials Secret; no credential is ever rendered. */
class AlertmanagerValuesTest {
    private final ValuesRenderer renderer = new ValuesRenderer();
    private final StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE);

    @Test
    void everyReceiverTypeReadsItsCredentialFromTheMountedSecret() {
        Receiver webhook =
                new Receiver("hook", ReceiverType.WEBHOOK, Map.of(), Map.of("url", new SecretRef.FromEnv("HOOK_URL")));
        Receiver email = new Receiver(
                "mail",
                ReceiverType.EMAIL,
                Map.of(
                        "to",
                        "oncall@example.org",
                        "from",
                        "obs@example.org",
                        "smarthost",
                        "smtp.example.org:587",
                        "authUsername",
                        "obs"),
                Map.of("authPassword", new SecretRef.FromSecret("smtp", "password")));

        RenderedValues rendered = render(List.of(webhook, email));

        assertThat(at(rendered, "config", "receivers"))
                .isEqualTo(List.of(
                        Map.of("name", "null"),
                        Map.of(
                                "name",
                                "hook",
                                "webhook_configs",
                                List.of(Map.of(
                                        "send_resolved",
                                        true,
                                        "url_file",
                                        "/etc/alertmanager-receivers/"
                                                + ReceiverCredentialsSecret.key("hook", "url")))),
                        Map.of(
                                "name",
                                "mail",
                                "email_configs",
                                List.of(Map.of(
                                        "send_resolved",
                                        true,
                                        "auth_username",
                                        "obs",
                                        "from",
                                        "obs@example.org",
                                        "smarthost",
                                        "smtp.example.org:587",
                                        "to",
                                        "oncall@example.org",
                                        "auth_password_file",
                                        "/etc/alertmanager-receivers/mail-authPassword")))));
        assertThat(at(rendered, "extraSecretMounts"))
                .isEqualTo(List.of(Map.of(
                        "name",
                        "receiver-credentials",
                        "mountPath",
                        "/etc/alertmanager-receivers",
                        "subPath",
                        "",
                        "secretName",
                        ReceiverCredentialsSecret.NAME,
                        "readOnly",
                        true)));
        // the references say where a credential lives; even that stays out of the chart's values
        assertThat(rendered.yaml())
                .doesNotContain("HOOK_URL")
                .doesNotContain("smtp/password")
                .doesNotContain("env:");
    }

    /** The config keeps plain settings as text; Alertmanager wants booleans, and send_resolved only once. */
    @Test
    void booleanSettingsBecomeBooleansAndOverrideTheDefault() {
        Receiver email = new Receiver(
                "mail",
                ReceiverType.EMAIL,
                Map.of(
                        "to",
                        "oncall@example.org",
                        "from",
                        "obs@example.org",
                        "smarthost",
                        "smtp.example.org:587",
                        "requireTls",
                        "true",
                        "sendResolved",
                        "false"),
                Map.of());

        RenderedValues rendered = render(List.of(email));

        assertThat(at(rendered, "config", "receivers"))
                .isEqualTo(List.of(
                        Map.of("name", "null"),
                        Map.of(
                                "name",
                                "mail",
                                "email_configs",
                                List.of(Map.of(
                                        "send_resolved",
                                        false,
                                        "from",
                                        "obs@example.org",
                                        "require_tls",
                                        true,
                                        "smarthost",
                                        "smtp.example.org:587",
                                        "to",
                                        "oncall@example.org")))));
    }

    @Test
    void withoutCredentialsNothingIsMounted() {
        Receiver webhook =
                new Receiver("hook", ReceiverType.WEBHOOK, Map.of("url", "http://relay.example.org/alerts"), Map.of());

        RenderedValues rendered = render(List.of(webhook));

        assertThat(rendered.values()).doesNotContainKey("extraSecretMounts");
    }

    @Test
    void aCredentialTheReceiverTypeDoesNotTakeFailsTheRender() {
        Receiver slack = new Receiver(
                "team-slack",
                ReceiverType.SLACK,
                Map.of("channel", "#alerts"),
                Map.of("routingKey", new SecretRef.FromEnv("KEY")));

        assertThatThrownBy(() -> render(List.of(slack)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("obs-bootstrap/values/alertmanager.yaml.j2:")
                .hasMessageContaining("routingKey");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOptInDeliveryProbeGetsItsOwnFirstRouteAndWebhookOnlyWhenTheProfileAsks() {
        Receiver webhook =
                new Receiver("hook", ReceiverType.WEBHOOK, Map.of("url", "http://relay.example.org/alerts"), Map.of());
        dev.obsbootstrap.core.config.Profile ci = StackFixture.profile("ci");
        Map<String, Object> settings = new java.util.LinkedHashMap<>(ci.settings());
        settings.put(
                "probes", Map.of("deliveryWebhook", Map.of("listen", "0.0.0.0:9099", "url", "http://10.0.0.5:9099/")));
        dev.obsbootstrap.core.config.Profile withDelivery = new dev.obsbootstrap.core.config.Profile(
                ci.name(),
                ci.description(),
                ci.phaseTimeouts(),
                ci.probeDeadline(),
                ci.requireMemoryLimits(),
                ci.phases(),
                settings);
        BootstrapConfig config = StackFixture.config(
                withDelivery,
                new LogsSettings(LogCollector.ALLOY, false, "fake"),
                new AlertingSettings(List.of(webhook), "hook", List.of(), List.of()),
                Map.of());

        RenderedValues rendered =
                renderer.render(topology.component("alertmanager"), config, topology, StackFixture.KUBE_VERSION);

        assertThat((List<?>) at(rendered, "config", "route", "routes"))
                .first()
                .isEqualTo(Map.of(
                        "matchers",
                        List.of("obs_bootstrap_delivery=\"true\""),
                        "receiver",
                        "obs-bootstrap-delivery",
                        "group_wait",
                        "1s",
                        "continue",
                        false));
        assertThat((List<Object>) at(rendered, "config", "receivers"))
                .contains(Map.of(
                        "name",
                        "obs-bootstrap-delivery",
                        "webhook_configs",
                        List.of(Map.of("url", "http://10.0.0.5:9099/", "send_resolved", false))));
        assertThat(render(List.of(webhook)).yaml()).doesNotContain("obs-bootstrap-delivery");
    }

    private RenderedValues render(List<Receiver> receivers) {
        BootstrapConfig config = StackFixture.config(
                StackFixture.profile("ci"),
                new LogsSettings(LogCollector.ALLOY, false, "fake"),
                new AlertingSettings(receivers, receivers.get(0).name(), List.of(), List.of()),
                Map.of());
        return renderer.render(topology.component("alertmanager"), config, topology, StackFixture.KUBE_VERSION);
    }

    private static Object at(RenderedValues rendered, String... path) {
        Object current = rendered.values();
        for (String key : path) {
            current = StackFixture.map(current).get(key);
        }
        return current;
    }
}
