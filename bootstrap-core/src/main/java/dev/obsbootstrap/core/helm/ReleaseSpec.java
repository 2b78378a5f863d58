package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything Helm needs for one release: which chart (the pin and the local copy {@link ChartResolver} found),
 * where it goes and with which values. {@code valuesYaml} is what Helm reads; {@code values} is the same
 * content as a map, for callers that inspect it. Values may hold YAML nulls (charts use them to delete a default).
 *
 * <p>The values of a {@linkplain #deferred deferred} spec are rendered when first read: an unchanged {@code up} knows
 * a phase's digests from the ledger (same render inputs, same values) and reads a release's name, chart and mode
 * only, so it never loads the template engine. Equal specs have equal fields, values included.
 *
 * @param componentId catalog id
 * @param chartPath   an unpacked chart directory or a {@code .tgz}
 * @param timeout     how long Helm may take for the install or upgrade
 */
public final class ReleaseSpec {
    /** A release's values: the map and the YAML Helm reads. */
    public record Values(Map<String, Object> values, String yaml) {
        public Values {
            // not Map.copyOf: a YAML null is a legitimate value here
            values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
            Objects.requireNonNull(yaml, "yaml");
        }
    }

    private final String componentId;
    private final String releaseName;
    private final String namespace;
    private final ChartRef chart;
    private final Path chartPath;
    private final InstallMode mode;
    private final Duration timeout;
    private Supplier<Values> render;
    private Values values;

    public ReleaseSpec(
            String componentId,
            String releaseName,
            String namespace,
            ChartRef chart,
            Path chartPath,
            Map<String, Object> values,
            String valuesYaml,
            InstallMode mode,
            Duration timeout) {
        this(componentId, releaseName, namespace, chart, chartPath, mode, timeout, null);
        this.values = new Values(values, valuesYaml);
    }

    private ReleaseSpec(
            String componentId,
            String releaseName,
            String namespace,
            ChartRef chart,
            Path chartPath,
            InstallMode mode,
            Duration timeout,
            Supplier<Values> render) {
        this.componentId = Objects.requireNonNull(componentId, "componentId");
        this.releaseName = Objects.requireNonNull(releaseName, "releaseName");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.chart = Objects.requireNonNull(chart, "chart");
        this.chartPath = Objects.requireNonNull(chartPath, "chartPath");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.render = render;
    }

    /** A spec whose values {@code render} makes when they are first read (once, on the reading thread). */
    public static ReleaseSpec deferred(
            String componentId,
            String releaseName,
            String namespace,
            ChartRef chart,
            Path chartPath,
            InstallMode mode,
            Duration timeout,
            Supplier<Values> render) {
        return new ReleaseSpec(
                componentId,
                releaseName,
                namespace,
                chart,
                chartPath,
                mode,
                timeout,
                Objects.requireNonNull(render, "render"));
    }

    public String componentId() {
        return componentId;
    }

    public String releaseName() {
        return releaseName;
    }

    public String namespace() {
        return namespace;
    }

    public ChartRef chart() {
        return chart;
    }

    public Path chartPath() {
        return chartPath;
    }

    public Map<String, Object> values() {
        return rendered().values();
    }

    public String valuesYaml() {
        return rendered().yaml();
    }

    public InstallMode mode() {
        return mode;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Whether the values exist yet (a deferred spec's are made by the first read). */
    public synchronized boolean valuesRendered() {
        return values != null;
    }

    private synchronized Values rendered() {
        if (values == null) {
            values = Objects.requireNonNull(render.get(), "rendered values");
            render = null;
        }
        return values;
    }

    /** "release obs-store (store@1.2.0) in namespace observability", the way messages name a release. */
    public String describe() {
        return "release " + releaseName + " (" + chart.coordinate() + ") in namespace " + namespace;
    }

    @Override
    public boolean equals(Object other) {
        return other == this
                || other instanceof ReleaseSpec that
                        && componentId.equals(that.componentId)
                        && releaseName.equals(that.releaseName)
                        && namespace.equals(that.namespace)
                        && chart.equals(that.chart)
                        && chartPath.equals(that.chartPath)
                        && mode == that.mode
                        && timeout.equals(that.timeout)
                        && rendered().equals(that.rendered());
    }

    @Override
    public int hashCode() {
        return Objects.hash(componentId, releaseName, namespace, chart, chartPath, mode, timeout, rendered());
    }

    /** Names the release; never the values, which may hold credentials the user put there. */
    @Override
    public String toString() {
        return "ReleaseSpec[" + describe() + ", mode " + mode + "]";
    }
}
