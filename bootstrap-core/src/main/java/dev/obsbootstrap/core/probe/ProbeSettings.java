package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Probe tuning a profile may carry under {@code settings.probes} (free-form in the profile file), for example:
 * <pre>
 * settings:
 *   probes:
 *     expectedScrapePools: [server, operator, kube-state-metrics, node-exporter]
 * </pre>
 */
public final class ProbeSettings {
    public static final String KEY = "probes";

    private ProbeSettings() {}

    /**
     * {@code settings.probes.<key>} as a map of strings to strings; empty when absent (an opt-in probe stays off).
     *
     * @throws ConfigException when it is not such a map, naming the setting
     */
    public static Map<String, String> stringMap(BootstrapConfig config, String key) {
        Object probes = config.profile().settings().get(KEY);
        if (!(probes instanceof Map<?, ?> map) || map.get(key) == null) {
            return Map.of();
        }
        if (!(map.get(key) instanceof Map<?, ?> value)) {
            throw new ConfigException("profile '" + config.profile().name() + "': settings." + KEY + "." + key
                    + " must be a map, got " + map.get(key));
        }
        java.util.TreeMap<String, String> strings = new java.util.TreeMap<>();
        value.forEach((k, v) -> {
            if (!(v instanceof String text) || text.isBlank()) {
                throw new ConfigException("profile '" + config.profile().name() + "': settings." + KEY + "." + key + "."
                        + k + " must be a non-empty string");
            }
            strings.put(String.valueOf(k), text);
        });
        return Map.copyOf(strings);
    }

    /** {@code settings.probes.<key>} as a list of strings; {@code fallback} when absent. */
    public static List<String> stringList(BootstrapConfig config, String key, List<String> fallback) {
        Object probes = config.profile().settings().get(KEY);
        if (probes == null) {
            return fallback;
        }
        if (!(probes instanceof Map<?, ?> map)) {
            throw new ConfigException(
                    "profile '" + config.profile().name() + "': settings." + KEY + " must be a map, got " + probes);
        }
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof List<?> list)) {
            throw new ConfigException("profile '" + config.profile().name() + "': settings." + KEY + "." + key
                    + " must be a list of strings, got " + value);
        }
        List<String> strings = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String text) || text.isBlank()) {
                throw new ConfigException("profile '" + config.profile().name() + "': settings." + KEY + "." + key
                        + " must be a list of non-empty strings, got " + list);
            }
            strings.add(text);
        }
        return List.copyOf(strings);
    }
}
