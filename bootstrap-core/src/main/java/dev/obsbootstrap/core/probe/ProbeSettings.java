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
 *     expectedScrapePools: [prometheus, operator, kube-state-metrics, node-exporter]
 * </pre>
 */
public final class ProbeSettings {
    public static final String KEY = "probes";

    private ProbeSettings() {
    }

    /** {@code settings.probes.<key>} as a list of strings; {@code fallback} when absent. */
    public static List<String> stringList(BootstrapConfig config, String key, List<String> fallback) {
        Object probes = config.profile().settings().get(KEY);
        if (probes == null) {
            return fallback;
        }
        if (!(probes instanceof Map<?, ?> map)) {
            throw new ConfigException("profile '" + config.profile().name() + "': settings." + KEY + " must be a map, got " + probes);
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
