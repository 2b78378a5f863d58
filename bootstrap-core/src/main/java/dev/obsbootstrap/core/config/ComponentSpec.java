package dev.obsbootstrap.core.config;

import java.util.List;
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
 */
public record ComponentSpec(
        String id,
        ChartRef chart,
        String release,
        String fullname,
        String valuesTemplate,
        InstallMode mode,
        List<String> operatorWorkloads) {
    public ComponentSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(fullname, "fullname");
        Objects.requireNonNull(valuesTemplate, "valuesTemplate");
        Objects.requireNonNull(mode, "mode");
        operatorWorkloads = List.copyOf(operatorWorkloads);
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
                operatorWorkloads);
    }

    /** This component installed from another chart (the config's charts: override). */
    public ComponentSpec withChart(ChartRef other) {
        return new ComponentSpec(id, other, release, fullname, valuesTemplate, mode, operatorWorkloads);
    }
}
