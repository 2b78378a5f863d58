package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the phases found on the classpath bring to the config: their ids (for {@code phases:} and a profile's
 * {@code phases:}/{@code timeouts:}) and the sections they own. The config's fixed keys are core's; every other
 * top-level key is a phase's.
 */
public record ConfigSchema(List<String> phaseIds, List<ConfigSection<?>> sections) {
    public ConfigSchema {
        phaseIds = List.copyOf(phaseIds);
        sections = List.copyOf(sections);
        Set<String> keys = new LinkedHashSet<>();
        for (ConfigSection<?> section : sections) {
            Objects.requireNonNull(section, "section");
            if (ConfigReader.FIXED_KEYS.contains(section.key()) || !keys.add(section.key())) {
                throw new ConfigException(
                        "two phases claim the config key '" + section.key() + "' (or it is one of core's: "
                                + ConfigReader.FIXED_KEYS + "); a phase's section key must be its own");
            }
        }
    }

    /** No phase at all: for tests of the config's fixed part. */
    public static ConfigSchema empty() {
        return new ConfigSchema(List.of(), List.of());
    }

    public List<String> sectionKeys() {
        List<String> keys = new ArrayList<>();
        sections.forEach(section -> keys.add(section.key()));
        return keys;
    }
}
