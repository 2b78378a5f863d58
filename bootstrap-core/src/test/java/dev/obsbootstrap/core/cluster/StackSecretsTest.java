package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.config.BootstrapConfig.AlertingSettings;
import dev.obsbootstrap.core.config.BootstrapConfig.Receiver;
import dev.obsbootstrap.core.config.BootstrapConfig.ReceiverType;
import dev.obsbootstrap.core.config.BootstrapConfig.SecretRef;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StackSecretsTest {
    static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void createsTheNamespaceOnlyWhenMissing() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of());
        assertThat(secrets.ensureNamespace("fresh")).isTrue();
        assertThat(secrets.ensureNamespace("fresh")).isFalse();
        assertThat(cluster.client().namespaces().withName("fresh").get()).isNotNull();
    }

    @Test
    void generatesTheGrafanaPasswordOnceAndKeepsIt() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of());

        StackSecrets.GrafanaAdmin first = secrets.ensureGrafanaAdmin("grafana-ns", "obs-grafana-admin");
        String password = decoded("grafana-ns", "obs-grafana-admin", StackSecrets.ADMIN_PASSWORD_KEY);
        StackSecrets.GrafanaAdmin second = new StackSecrets(cluster.client(), Map.of()).ensureGrafanaAdmin("grafana-ns", "obs-grafana-admin");

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(decoded("grafana-ns", "obs-grafana-admin", StackSecrets.ADMIN_PASSWORD_KEY)).isEqualTo(password);
        assertThat(decoded("grafana-ns", "obs-grafana-admin", StackSecrets.ADMIN_USER_KEY)).isEqualTo("admin");
        assertThat(password).hasSize(32).matches("[A-Za-z0-9]+");
        assertThat(first.toString()).doesNotContain(password);
    }

    @Test
    void completesAnExistingSecretWithoutTouchingItsPassword() {
        cluster.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName("partial").endMetadata().build()).create();
        cluster.client().secrets().inNamespace("partial").resource(new SecretBuilder().withNewMetadata().withName("grafana-admin").endMetadata()
                .withData(Map.of(StackSecrets.ADMIN_PASSWORD_KEY, encode("chosen-by-a-human"))).build()).create();

        new StackSecrets(cluster.client(), Map.of()).ensureGrafanaAdmin("partial", "grafana-admin");

        assertThat(decoded("partial", "grafana-admin", StackSecrets.ADMIN_PASSWORD_KEY)).isEqualTo("chosen-by-a-human");
        assertThat(decoded("partial", "grafana-admin", StackSecrets.ADMIN_USER_KEY)).isEqualTo("admin");
    }

    @Test
    void writesReceiverCredentialsFromTheEnvironmentAndFromSecrets() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of("SLACK_WEBHOOK", "https://hooks.slack.com/services/T0/B0/xyz"));
        secrets.ensureNamespace("alerts");
        cluster.client().secrets().inNamespace("alerts").resource(new SecretBuilder().withNewMetadata().withName("pagerduty").endMetadata()
                .withData(Map.of("routing-key", encode("pd-key-123"))).build()).create();

        StackSecrets.ReceiverCredentials written = secrets.writeReceiverCredentials("alerts", alerting(
                receiver("team-slack", Map.of("url", new SecretRef.FromEnv("SLACK_WEBHOOK"))),
                receiver("oncall", Map.of("routingKey", new SecretRef.FromSecret("pagerduty", "routing-key")))));

        assertThat(written.secretName()).isEqualTo(StackSecrets.RECEIVERS_SECRET);
        assertThat(written.keys()).containsExactly("oncall-routingKey", "team-slack-url");
        assertThat(decoded("alerts", StackSecrets.RECEIVERS_SECRET, "team-slack-url")).isEqualTo("https://hooks.slack.com/services/T0/B0/xyz");
        assertThat(decoded("alerts", StackSecrets.RECEIVERS_SECRET, "oncall-routingKey")).isEqualTo("pd-key-123");
        assertThat(written.toString()).doesNotContain("xyz").doesNotContain("pd-key-123");
    }

    @Test
    void replacesTheReceiverDataWhenReceiversChange() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of("A", "first", "B", "second"));
        secrets.writeReceiverCredentials("rotate", alerting(receiver("one", Map.of("url", new SecretRef.FromEnv("A")))));

        secrets.writeReceiverCredentials("rotate", alerting(receiver("two", Map.of("url", new SecretRef.FromEnv("B")))));

        Secret secret = cluster.client().secrets().inNamespace("rotate").withName(StackSecrets.RECEIVERS_SECRET).get();
        assertThat(secret.getData()).containsOnlyKeys("two-url");
    }

    @Test
    void aMissingVariableNamesReceiverFieldAndVariableAndWritesNothing() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of("PRESENT", "value-that-must-not-leak"));
        assertThatThrownBy(() -> secrets.writeReceiverCredentials("missing-env", alerting(
                receiver("a-first", Map.of("url", new SecretRef.FromEnv("PRESENT"))),
                receiver("oncall", Map.of("routingKey", new SecretRef.FromEnv("PD_ROUTING_KEY"))))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("receiver 'oncall'")
                .hasMessageContaining("'routingKey'")
                .hasMessageContaining("PD_ROUTING_KEY")
                .hasMessageContaining("not set")
                .hasMessageNotContaining("value-that-must-not-leak");
        assertThat(cluster.client().secrets().inNamespace("missing-env").withName(StackSecrets.RECEIVERS_SECRET).get()).isNull();
    }

    @Test
    void aMissingSecretOrKeyIsNamed() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of());
        secrets.ensureNamespace("refs");
        cluster.client().secrets().inNamespace("refs").resource(new SecretBuilder().withNewMetadata().withName("webhooks").endMetadata()
                .withData(Map.of("other", encode("x"))).build()).create();

        assertThatThrownBy(() -> secrets.writeReceiverCredentials("refs", alerting(
                receiver("hook", Map.of("url", new SecretRef.FromSecret("absent", "url"))))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Secret refs/absent, which does not exist")
                .hasMessageContaining("kubectl -n refs create secret generic absent");
        assertThatThrownBy(() -> secrets.writeReceiverCredentials("refs", alerting(
                receiver("hook", Map.of("url", new SecretRef.FromSecret("webhooks", "url"))))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key 'url' of Secret refs/webhooks");
    }

    @Test
    void receiverNamesMustMakeValidSecretKeys() {
        assertThat(StackSecrets.keyFor("team.a_b-c", "url")).isEqualTo("team.a_b-c-url");
        assertThatThrownBy(() -> StackSecrets.keyFor("team a", "url"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'team a'");
    }

    private static AlertingSettings alerting(Receiver... receivers) {
        return new AlertingSettings(List.of(receivers), receivers[0].name(), List.of(), List.of("alertname"));
    }

    private static Receiver receiver(String name, Map<String, SecretRef> credentials) {
        return new Receiver(name, ReceiverType.WEBHOOK, Map.of(), credentials);
    }

    private static String decoded(String namespace, String secret, String key) {
        String data = cluster.client().secrets().inNamespace(namespace).withName(secret).get().getData().get(key);
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
