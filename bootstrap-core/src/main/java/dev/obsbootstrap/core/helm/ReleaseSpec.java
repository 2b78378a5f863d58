package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything Helm needs for one release: which chart (the pin and the local copy {@link ChartResolver} found),
 * where it goes and with which values. {@code valuesYaml} is what Helm reads; {@code values} is the same
 * content as a map, for callers that inspect it. Values may hold YAML nulls (charts use them to delete a default).
 *
 * @param componentId catalog id
 * @param chartPath   an unpacked chart directory or a {@code .tgz}
 * @param timeout     how long Helm may take for the install or upgrade
 */
public record ReleaseSpec(
        String componentId,
        String releaseName,
        String namespace,
        ChartRef chart,
        Path chartPath,
        Map<String, Object> values,
        String valuesYaml,
        InstallMode mode,
        Duration timeout) {

    public ReleaseSpec {
        Objects.requireNonNull(componentId, "componentId");
        Objects.requireNonNull(releaseName, "releaseName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(chartPath, "chartPath");
        // not Map.copyOf: a YAML null is a legitimate value here
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
        Objects.requireNonNull(valuesYaml, "valuesYaml");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** "release obs-store (store@1.2.0) in namespace observability", the way messages name a release. */
    public String describe() {
        return "release " + releaseName + " (" + chart.coordinate() + ") in namespace " + namespace;
    }
}
