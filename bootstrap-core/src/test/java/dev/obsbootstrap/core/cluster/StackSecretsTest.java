package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.core.secret.StackSecret.Key;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    /** review D14: a namespace `up` creates admits the workloads it will hold; one that exists keeps its labels. */
    @Test
    void labelsANewNamespaceWithThePodSecurityLevelItsWorkloadsNeed() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of());
        assertThat(secrets.ensureNamespace("agents", Optional.of(PodSecurityLevel.PRIVILEGED)))
                .isTrue();
        assertThat(cluster.client()
                        .namespaces()
                        .withName("agents")
                        .get()
                        .getMetadata()
                        .getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged")
                .containsEntry("pod-security.kubernetes.io/warn", "privileged")
                .containsEntry("app.kubernetes.io/managed-by", "obs-bootstrap");

        assertThat(secrets.ensureNamespace("agents", Optional.of(PodSecurityLevel.RESTRICTED)))
                .isFalse();
        assertThat(cluster.client()
                        .namespaces()
                        .withName("agents")
                        .get()
                        .getMetadata()
                        .getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
    }

    @Test
    void generatesAPasswordOnceAndKeepsItAcrossRuns() {
        StackSecret admin = grafanaAdmin("grafana-ns");

        StackSecrets.Outcome first = new StackSecrets(cluster.client(), Map.of()).ensure(admin);
        String password = decoded("grafana-ns", "obs-grafana-admin", "admin-password");
        StackSecrets.Outcome second = new StackSecrets(cluster.client(), Map.of()).ensure(admin);

        assertThat(first.action()).isEqualTo("created");
        assertThat(second.action()).isEqualTo("unchanged");
        assertThat(decoded("grafana-ns", "obs-grafana-admin", "admin-password")).isEqualTo(password);
        assertThat(decoded("grafana-ns", "obs-grafana-admin", "admin-user")).isEqualTo("admin");
        assertThat(password).hasSize(32).matches("[A-Za-z0-9]+");
        assertThat(first.toString()).doesNotContain(password);
    }

    @Test
    void aGeneratedKeyTakesItsVariableWhenSet() {
        new StackSecrets(cluster.client(), Map.of("GRAFANA_ADMIN_PASSWORD", "chosen-by-ops"))
                .ensure(grafanaAdmin("chosen"));

        assertThat(decoded("chosen", "obs-grafana-admin", "admin-password")).isEqualTo("chosen-by-ops");
    }

    @Test
    void completesAnExistingSecretWithoutTouchingWhatItHas() {
        new StackSecrets(cluster.client(), Map.of()).ensureNamespace("partial");
        cluster.client()
                .secrets()
                .inNamespace("partial")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("obs-grafana-admin")
                        .endMetadata()
                        .withData(Map.of("admin-password", encode("kept"), "extra", encode("by-hand")))
                        .build())
                .create();

        StackSecrets.Outcome outcome = new StackSecrets(cluster.client(), Map.of()).ensure(grafanaAdmin("partial"));

        assertThat(outcome.action()).isEqualTo("updated");
        assertThat(decoded("partial", "obs-grafana-admin", "admin-password")).isEqualTo("kept");
        assertThat(decoded("partial", "obs-grafana-admin", "admin-user")).isEqualTo("admin");
        assertThat(decoded("partial", "obs-grafana-admin", "extra")).isEqualTo("by-hand");
    }

    @Test
    void writesReceiverCredentialsFromTheEnvironmentAndFromSecrets() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of("HOOK_URL", "https://hooks.example/abc"));
        secrets.ensureNamespace("alerts");
        cluster.client()
                .secrets()
                .inNamespace("alerts")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("slack")
                        .endMetadata()
                        .withData(Map.of("url", encode("https://slack.example/T0")))
                        .build())
                .create();

        StackSecrets.Outcome written = secrets.ensure(receivers(
                "alerts",
                new Key.FromEnv("hook-url", "HOOK_URL"),
                new Key.FromSecret("oncall-apiUrl", "slack", "url")));

        assertThat(written.keys()).containsExactly("hook-url", "oncall-apiUrl");
        assertThat(decoded("alerts", "obs-alertmanager-receivers", "hook-url")).isEqualTo("https://hooks.example/abc");
        assertThat(decoded("alerts", "obs-alertmanager-receivers", "oncall-apiUrl"))
                .isEqualTo("https://slack.example/T0");
        assertThat(written.toString()).doesNotContain("hooks.example").doesNotContain("slack.example");
    }

    @Test
    void aReplacedSecretFollowsTheConfigAndDropsOldKeys() {
        new StackSecrets(cluster.client(), Map.of("A", "a"))
                .ensure(receivers("rotate", new Key.FromEnv("one-url", "A")));
        new StackSecrets(cluster.client(), Map.of("B", "b"))
                .ensure(receivers("rotate", new Key.FromEnv("two-url", "B")));

        assertThat(cluster.client()
                        .secrets()
                        .inNamespace("rotate")
                        .withName("obs-alertmanager-receivers")
                        .get()
                        .getData())
                .containsOnlyKeys("two-url");
    }

    @Test
    void aMissingVariableNamesTheSecretKeyAndVariableAndWritesNothing() {
        assertThatThrownBy(() -> new StackSecrets(cluster.client(), Map.of("SET", "x"))
                        .ensure(receivers(
                                "missing-env",
                                new Key.FromEnv("set-url", "SET"),
                                new Key.FromEnv("pager-routingKey", "PD_KEY"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key 'pager-routingKey'")
                .hasMessageContaining("PD_KEY, which is not set")
                .hasMessageContaining("export it");
        assertThat(cluster.client()
                        .secrets()
                        .inNamespace("missing-env")
                        .withName("obs-alertmanager-receivers")
                        .get())
                .isNull();
    }

    @Test
    void aMissingSecretOrKeyIsNamed() {
        StackSecrets secrets = new StackSecrets(cluster.client(), Map.of());
        secrets.ensureNamespace("refs");
        cluster.client()
                .secrets()
                .inNamespace("refs")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("webhooks")
                        .endMetadata()
                        .withData(Map.of("other", encode("x")))
                        .build())
                .create();

        assertThatThrownBy(() -> secrets.ensure(receivers("refs", new Key.FromSecret("hook-url", "absent", "url"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Secret refs/absent, which does not exist")
                .hasMessageContaining("kubectl -n refs create secret generic absent");
        assertThatThrownBy(() -> secrets.ensure(receivers("refs", new Key.FromSecret("hook-url", "webhooks", "url"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key 'url' of Secret refs/webhooks");
    }

    private static StackSecret grafanaAdmin(String namespace) {
        return new StackSecret(
                namespace,
                "obs-grafana-admin",
                "Grafana admin login",
                false,
                List.of(
                        new Key.Literal("admin-user", "admin"),
                        new Key.Generated("admin-password", "GRAFANA_ADMIN_PASSWORD")));
    }

    private static StackSecret receivers(String namespace, Key... keys) {
        return new StackSecret(
                namespace, "obs-alertmanager-receivers", "Alertmanager receiver credentials", true, List.of(keys));
    }

    private static String decoded(String namespace, String secret, String key) {
        String data = cluster.client()
                .secrets()
                .inNamespace(namespace)
                .withName(secret)
                .get()
                .getData()
                .get(key);
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
