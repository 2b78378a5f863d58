package dev.obsbootstrap.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Catalog, profiles and configs for tests that run without charts-values on the classpath (all of bootstrap-core).
 * The fixtures live under {@code fixtures/config/} so they never shadow charts-values' {@code obs-bootstrap/} resources.
 */
public final class ConfigFixtures {
    private static final String ROOT = "fixtures/config";

    private ConfigFixtures() {
    }

    /** The test catalog: the real catalog's shape, with a {@code loki-push} endpoint that has a path. */
    public static ComponentCatalog catalog() {
        return ComponentCatalog.parse(text("catalog.yaml"), ROOT + "/catalog.yaml");
    }

    /** Test profiles dev, ci (traces off), staging, prod. */
    public static ProfileCatalog profiles() {
        return ProfileCatalog.fromClasspath(ConfigFixtures.class.getClassLoader(), ROOT);
    }

    public static ConfigLoader loader() {
        return new ConfigLoader(catalog(), profiles());
    }

    /** The built-in defaults over the test catalog and profiles. */
    public static BootstrapConfig defaults() {
        return loader().defaults();
    }

    /** A config from YAML text, named {@code test.yaml} in messages. */
    public static BootstrapConfig parse(String yaml, String... sets) {
        return loader().parse(yaml, "test.yaml", Optional.empty(), List.of(sets));
    }

    /** A fixture file's text, by name under fixtures/config/. */
    public static String text(String name) {
        try (InputStream in = ConfigFixtures.class.getClassLoader().getResourceAsStream(ROOT + "/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test fixture " + ROOT + "/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
