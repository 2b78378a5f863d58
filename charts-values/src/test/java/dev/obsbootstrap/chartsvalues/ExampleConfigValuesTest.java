package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.alerting.AlertingSettings;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.ConfigFixtures;
import dev.obsbootstrap.core.config.ConfigLoader;
import dev.obsbootstrap.core.config.ConfigSchema;
import dev.obsbootstrap.core.config.ProfileCatalog;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed example config, loaded by the real ConfigLoader from this module's catalog and profiles, renders every
 * component under every profile: the loader's records and the templates agree on every key.
 */
class ExampleConfigValuesTest {
    private static final Path REPO =
            Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();

    private final ValuesRenderer renderer = new ValuesRenderer();

    /** The real catalog and profiles, and the sections of the phases on this classpath (logs, alerting). */
    private static ConfigLoader loader(ComponentCatalog catalog) {
        ConfigSchema schema = ConfigFixtures.schema();
        return new ConfigLoader(
                catalog, ProfileCatalog.fromClasspath(schema.phaseIds()).withSettingsFrom(catalog), schema, REPO);
    }

    @Test
    void exampleConfigLoadsCleanlyWithTheRealCatalogAndProfiles() {
        ComponentCatalog catalog = ComponentCatalog.fromClasspath();
        BootstrapConfig config =
                loader(catalog).load(Optional.of(Path.of("obs-bootstrap.example.yaml")), Optional.empty(), List.of());

        assertThat(config.source()).isEqualTo("obs-bootstrap.example.yaml");
        assertThat(config.profile().name()).isEqualTo("ci");
        assertThat(config.cluster().protectedPatterns()).containsExactly(".*-prod$");
        assertThat(AlertingSettings.of(config).receivers()).hasSize(4);
        assertThat(AlertingSettings.of(config).defaultReceiver()).isEqualTo("team-webhook");
        assertThat(config.charts().keySet()).isEqualTo(catalog.components().keySet());
        assertThat(config.warnings()).isEmpty();
        assertThat(catalog.topology(config)
                        .component("kube-prometheus-stack")
                        .chart()
                        .isOci())
                .isTrue();
    }

    /** A typo in a shipped profile's phases or timeouts would otherwise go unnoticed: the CLI accepts any phase id there. */
    @Test
    void theShippedProfilesNameOnlyTheBuiltInPhases() {
        assertThat(ProfileCatalog.fromClasspath(ConfigFixtures.PHASE_IDS).names())
                .containsExactlyElementsOf(ProfileCatalog.BUILT_IN);
    }

    @Test
    void theCatalogHasAComponentForEveryLogCollector() {
        for (LogCollector collector : LogCollector.values()) {
            assertThat(ComponentCatalog.fromClasspath().components()).containsKey(collector.componentId());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void exampleConfigRendersEveryComponent(String profile) {
        ComponentCatalog catalog = ComponentCatalog.fromClasspath();
        ConfigLoader loader = loader(catalog);
        BootstrapConfig config =
                loader.load(Optional.of(Path.of("obs-bootstrap.example.yaml")), Optional.of(profile), List.of());
        StackTopology topology = catalog.topology(config);

        for (String component : catalog.components().keySet()) {
            RenderedValues values =
                    renderer.render(topology.component(component), config, topology, StackFixture.KUBE_VERSION);
            assertThat(values.yaml()).as("%s under %s", component, profile).isNotBlank();
        }

        Map<String, Object> loki = renderer.render(
                        topology.component("loki"), config, topology, StackFixture.KUBE_VERSION)
                .values();
        assertThat(StackFixture.map(StackFixture.map(loki.get("loki")).get("limits_config")))
                .containsEntry("retention_period", "72h");
        Map<String, Object> am = StackFixture.map(
                renderer.render(topology.component("alertmanager"), config, topology, StackFixture.KUBE_VERSION)
                        .values()
                        .get("config"));
        assertThat(List.copyOf((List<?>) am.get("receivers"))).hasSize(5);
        assertThat(am.get("receivers").toString())
                .contains("url_file=/etc/alertmanager-receivers/team-webhook-url")
                .contains("api_url_file=/etc/alertmanager-receivers/slack-oncall-apiUrl")
                .contains("routing_key_file=/etc/alertmanager-receivers/pager-routingKey")
                .contains("auth_password_file=/etc/alertmanager-receivers/mail-authPassword")
                .contains("auth_username=am")
                .doesNotContain("TEAM_WEBHOOK_URL")
                .doesNotContain("SMTP_PASSWORD");
    }
}
