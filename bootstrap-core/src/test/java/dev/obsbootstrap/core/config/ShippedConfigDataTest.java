package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * charts-values' catalog and profiles as core reads them (the example config, which needs the phases' sections, is
 * charts-values' ExampleConfigValuesTest). Core tests do not have charts-values on the classpath, so they are read from
 * the checkout (the module's parent).
 */
class ShippedConfigDataTest {
    private static final Path REPO =
            Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
    private static final Path CATALOG = REPO.resolve("charts-values/src/main/resources/obs-bootstrap/catalog.yaml");
    private static final Path PROFILES = REPO.resolve("charts-values/src/main/resources/obs-bootstrap/profiles");

    private static ConfigLoader realLoader() {
        return realLoader(REPO);
    }

    private static ConfigLoader realLoader(Path workingDirectory) {
        assertThat(CATALOG).as("the real catalog, relative to bootstrap-core").isRegularFile();
        assertThat(PROFILES).as("the real profiles folder").isDirectory();
        return new ConfigLoader(
                ComponentCatalog.fromFile(CATALOG),
                ProfileCatalog.fromDirectory(PROFILES, ConfigFixtures.PHASE_IDS),
                new ConfigSchema(ConfigFixtures.PHASE_IDS, List.of()),
                workingDirectory);
    }

    @Test
    void everyEndpointAndDatasourceOfTheRealCatalogNamesAComponent() {
        ComponentCatalog catalog = ComponentCatalog.fromFile(CATALOG);
        catalog.endpoints()
                .values()
                .forEach(endpoint -> assertThat(catalog.components()).containsKey(endpoint.component()));
        assertThat(catalog.datasourceUids()).containsKeys("prometheus", "loki", "tempo", "alertmanager");
    }

    @Test
    void realProfilesAreTheBuiltInOnesAndLoad(@org.junit.jupiter.api.io.TempDir Path emptyDirectory) {
        ProfileCatalog profiles = ProfileCatalog.fromDirectory(PROFILES, ConfigFixtures.PHASE_IDS);
        assertThat(profiles.names()).containsExactlyElementsOf(ProfileCatalog.BUILT_IN);
        // every built-in profile works as the only input, and the defaults pick dev
        for (String name : ProfileCatalog.BUILT_IN) {
            assertThat(realLoader(emptyDirectory)
                            .load(Optional.empty(), Optional.of(name), List.of())
                            .profile()
                            .name())
                    .isEqualTo(name);
        }
        assertThat(realLoader().defaults().profile().name()).isEqualTo(ProfileCatalog.DEFAULT);
    }

    @Test
    void noFixtureShadowsACharsValuesResource() throws Exception {
        Path testResources = REPO.resolve("bootstrap-core/src/test/resources");
        assertThat(Files.exists(testResources.resolve("obs-bootstrap")))
                .as("core test resources must not use obs-bootstrap/")
                .isFalse();
    }
}
