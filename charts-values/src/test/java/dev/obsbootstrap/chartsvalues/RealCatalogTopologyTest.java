package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.ConfigFixtures;
import dev.obsbootstrap.core.config.ConfigLoader;
import dev.obsbootstrap.core.config.ConfigSchema;
import dev.obsbootstrap.core.config.ProfileCatalog;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.testing.TestConfigs;
import dev.obsbootstrap.metrics.MetricsPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The probe tests build their topology with TestConfigs; this keeps it equal to what the real catalog gives, and
 * checks the real topology has every endpoint and datasource the probes of all phases ask for.
 */
class RealCatalogTopologyTest {
    private static final List<String> PROBED_ENDPOINTS = List.of(
            "prometheus", "grafana", "loki", "tempo", "otel-collector", "otel-collector-health", "alertmanager");
    private static final List<String> PROBED_DATASOURCES = List.of("prometheus", "loki", "tempo");

    @Test
    void testTopologyMatchesTheRealCatalog() {
        ComponentCatalog catalog = ComponentCatalog.fromClasspath();
        ConfigSchema schema = ConfigFixtures.schema();
        BootstrapConfig config = new ConfigLoader(
                        catalog, ProfileCatalog.fromClasspath(schema.phaseIds()).withSettingsFrom(catalog), schema)
                .defaults();
        StackTopology real = catalog.topology(config);
        StackTopology test = TestConfigs.topology(
                TestConfigs.builder().namespace(config.namespace()).build());

        assertThat(real.endpoints().keySet()).containsAll(PROBED_ENDPOINTS);
        assertThat(real.datasourceUids().keySet()).containsAll(PROBED_DATASOURCES);
        assertThat(test.endpoints()).isEqualTo(real.endpoints());
        assertThat(test.datasourceUids()).isEqualTo(real.datasourceUids());
        real.components()
                .forEach((id, spec) ->
                        assertThat(test.component(id).fullname()).as(id).isEqualTo(spec.fullname()));
        assertThat(MetricsPhase.grafanaAdminCredentials(real).secretName()).isEqualTo("obs-grafana-admin");
    }
}
