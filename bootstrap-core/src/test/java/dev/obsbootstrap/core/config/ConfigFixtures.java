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

    private ConfigFixtures() {}

    /** The test catalog: the real catalog's shape, with a {@code loki-push} endpoint that has a path. */
    public static ComponentCatalog catalog() {
        return ComponentCatalog.parse(text("catalog.yaml"), ROOT + "/catalog.yaml");
    }

    /** The five phases' ids; the fixture profiles and catalog use them. */
    public static final List<String> PHASE_IDS = List.of("crds", "metrics", "logs", "traces", "alerting");

    /** Test profiles dev, ci (traces off), staging, prod. */
    public static ProfileCatalog profiles() {
        return ProfileCatalog.fromClasspath(ConfigFixtures.class.getClassLoader(), ROOT, PHASE_IDS);
    }

    /**
     * The five phase ids and the sections of the phases on the test classpath: none in bootstrap-core, {@code logs} in
     * stack-logs' tests, {@code alerting} in stack-alerting's.
     */
    public static ConfigSchema schema() {
        List<ConfigSection<?>> sections = new java.util.ArrayList<>();
        java.util.ServiceLoader.load(dev.obsbootstrap.core.phase.Phase.class)
                .forEach(phase -> phase.configSection().ifPresent(sections::add));
        return new ConfigSchema(PHASE_IDS, sections);
    }

    public static ConfigLoader loader() {
        return loader(schema());
    }

    public static ConfigLoader loader(ConfigSchema schema) {
        return new ConfigLoader(catalog(), profiles(), schema);
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
