package dev.obsbootstrap.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One installable component as the catalog ({@code charts-values obs-bootstrap/catalog.yaml}) declares it.
 *
 * @param id                catalog id (the key under {@code components:})
 * @param chart             the pinned chart
 * @param release           Helm release name
 * @param fullname          the chart's fullnameOverride: every Service of the release is named from it
 * @param valuesTemplate    classpath resource of the jinjava values template
 * @param mode              Helm release, or CRDs applied server-side
 * @param operatorWorkloads label selectors of workloads an operator creates for this release (waited on too)
 * @param imageRegistryValues the chart's values keys (dotted paths) that move every image of the release to another
 *                          registry, each with its value, {@value #REGISTRY} standing for the registry
 *                          (cluster.imageRegistry): what the chart itself offers for mirrors, from its values.yaml
 */
public record ComponentSpec(
        String id,
        ChartRef chart,
        String release,
        String fullname,
        String valuesTemplate,
        InstallMode mode,
        List<String> operatorWorkloads,
        Map<String, String> imageRegistryValues) {
    public ComponentSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(fullname, "fullname");
        Objects.requireNonNull(valuesTemplate, "valuesTemplate");
        Objects.requireNonNull(mode, "mode");
        operatorWorkloads = List.copyOf(operatorWorkloads);
        imageRegistryValues = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(imageRegistryValues));
    }

    /** A component whose images stay where the chart pulls them from. */
    public ComponentSpec(
            String id,
            ChartRef chart,
            String release,
            String fullname,
            String valuesTemplate,
            InstallMode mode,
            List<String> operatorWorkloads) {
        this(id, chart, release, fullname, valuesTemplate, mode, operatorWorkloads, Map.of());
    }

    /** Where {@link #imageRegistryValues} write the registry. */
    public static final String REGISTRY = "{registry}";

    /**
     * The values that point every image of the release at {@code registry} (host[:port][/path]), as nested maps to
     * merge into the rendered values; empty when the catalog gives none for this component.
     */
    public Map<String, Object> imageRegistryOverlay(String registry) {
        Map<String, Object> overlay = new java.util.LinkedHashMap<>();
        imageRegistryValues.forEach((path, value) -> {
            String[] keys = path.split("\\.");
            Map<String, Object> level = overlay;
            for (int i = 0; i < keys.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next =
                        (Map<String, Object>) level.computeIfAbsent(keys[i], k -> new java.util.LinkedHashMap<>());
                level = next;
            }
            level.put(keys[keys.length - 1], value.replace(REGISTRY, registry));
        });
        return overlay;
    }

    /** Where the catalog writes the stack's name in release names, fullnames and Service names. */
    public static final String STACK = "{stack}";

    /** This component in the stack named {@code stack}: the catalog's {@value #STACK} replaced in its names. */
    public ComponentSpec inStack(String stack) {
        return new ComponentSpec(
                id,
                chart,
                release.replace(STACK, stack),
                fullname.replace(STACK, stack),
                valuesTemplate,
                mode,
                operatorWorkloads,
                imageRegistryValues);
    }

    /** This component installed from another chart (the config's charts: override). */
    public ComponentSpec withChart(ChartRef other) {
        return new ComponentSpec(
                id, other, release, fullname, valuesTemplate, mode, operatorWorkloads, imageRegistryValues);
    }
}
