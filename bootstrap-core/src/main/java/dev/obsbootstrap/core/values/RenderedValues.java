package dev.obsbootstrap.core.values;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Helm values of one component: its template rendered for the profile, with the user's overrides merged over it.
 *
 * @param componentId catalog id of the component
 * @param values      the merged values, read-only, in template order; a {@code null} value is kept on purpose
 *                    (Helm then drops that key from the chart's defaults too)
 * @param yaml        {@code values} as block-style YAML, the exact text handed to Helm and written by {@code plan}
 */
public record RenderedValues(String componentId, Map<String, Object> values, String yaml) {
    public RenderedValues {
        Objects.requireNonNull(componentId, "componentId");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(yaml, "yaml");
        values = readOnlyCopy(values);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readOnlyCopy(Map<String, Object> map) {
        // Map.copyOf rejects null values, and nulls are meaningful here
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, readOnlyValue(value)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object readOnlyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return readOnlyCopy((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(readOnlyValue(item)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
