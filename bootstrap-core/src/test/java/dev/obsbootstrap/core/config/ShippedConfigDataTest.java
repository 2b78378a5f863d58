package dev.obsbootstrap.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files users and the build actually get: the committed example config, charts-values' catalog and profiles.
 * Core tests do not have charts-values on the classpath, so they are read from the checkout (the module's parent).
 */
class ShippedConfigDataTest {
    private static final Path REPO = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
    private static final Path CATALOG = REPO.resolve("charts-values/src/main/resources/obs-bootstrap/catalog.yaml");
    private static final Path PROFILES = REPO.resolve("charts-values/src/main/resources/obs-bootstrap/profiles");
    private static final Path EXAMPLE = REPO.resolve("obs-bootstrap.example.yaml");

    private static ConfigLoader realLoader() {
        return realLoader(REPO);
    }

    private static ConfigLoader realLoader(Path workingDirectory) {
        assertThat(CATALOG).as("the real catalog, relative to bootstrap-core").isRegularFile();
        assertThat(PROFILES).as("the real profiles folder").isDirectory();
        return new ConfigLoader(ComponentCatalog.fromFile(CATALOG), ProfileCatalog.fromDirectory(PROFILES), workingDirectory);
    }

    @Test
    void exampleConfigLoadsCleanlyWithTheRealCatalogAndProfiles() {
        assertThat(EXAMPLE).isRegularFile();
        BootstrapConfig config = realLoader().load(Optional.of(Path.of("obs-bootstrap.example.yaml")), Optional.empty(), List.of());

        assertThat(config.source()).isEqualTo("obs-bootstrap.example.yaml");
        assertThat(config.profile().name()).isEqualTo("ci");
        assertThat(config.cluster().protectedPatterns()).containsExactly(".*-prod$");
        assertThat(config.alerting().receivers()).hasSize(4);
        assertThat(config.alerting().defaultReceiver()).isEqualTo("team-webhook");
        assertThat(config.charts().keySet()).isEqualTo(ComponentCatalog.fromFile(CATALOG).components().keySet());
        assertThat(config.warnings()).isEmpty();
        StackTopology topology = ComponentCatalog.fromFile(CATALOG).topology(config);
        assertThat(topology.component("kube-prometheus-stack").chart().isOci()).isTrue();
    }

    @Test
    void realCatalogHasAComponentForEveryCollectorAndEveryEndpointsComponent() {
        ComponentCatalog catalog = ComponentCatalog.fromFile(CATALOG);
        for (BootstrapConfig.LogCollector collector : BootstrapConfig.LogCollector.values()) {
            assertThat(catalog.components()).containsKey(collector.componentId());
        }
        catalog.endpoints().values().forEach(endpoint -> assertThat(catalog.components()).containsKey(endpoint.component()));
        assertThat(catalog.datasourceUids()).containsKeys("prometheus", "loki", "tempo", "alertmanager");
    }

    @Test
    void realProfilesAreTheBuiltInOnesAndLoad(@org.junit.jupiter.api.io.TempDir Path emptyDirectory) {
        ProfileCatalog profiles = ProfileCatalog.fromDirectory(PROFILES);
        assertThat(profiles.names()).containsExactlyElementsOf(ProfileCatalog.BUILT_IN);
        // every built-in profile works as the only input, and the defaults pick dev
        for (String name : ProfileCatalog.BUILT_IN) {
            assertThat(realLoader(emptyDirectory).load(Optional.empty(), Optional.of(name), List.of()).profile().name())
                    .isEqualTo(name);
        }
        assertThat(realLoader().defaults().profile().name()).isEqualTo(ProfileCatalog.DEFAULT);
    }

    @Test
    void noFixtureShadowsACharsValuesResource() throws Exception {
        Path testResources = REPO.resolve("bootstrap-core/src/test/resources");
        assertThat(Files.exists(testResources.resolve("obs-bootstrap"))).as("core test resources must not use obs-bootstrap/").isFalse();
    }
}
