package dev.obsbootstrap.core.render;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.helm.ResolvedChart;
import dev.obsbootstrap.core.phase.Phase;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A component made ready for Helm: its values rendered from the templates and its chart resolved. What {@code up},
 * {@code down --purge}, {@code status} and {@code plan} all start from, touching no cluster.
 */
public final class ReleaseRenderer {
    /** Values for one component, as the values engine renders them. */
    @FunctionalInterface
    public interface ValuesSource {
        ComponentValues render(ComponentSpec component, String kubeVersion);
    }

    /** A component's rendered values: the YAML Helm reads and the same as a map (which may hold nulls). */
    public record ComponentValues(Map<String, Object> values, String yaml) {
        public ComponentValues {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
            Objects.requireNonNull(yaml, "yaml");
        }
    }

    private final ChartResolver charts;
    private final ValuesSource values;

    public ReleaseRenderer(ChartResolver charts, ValuesSource values) {
        this.charts = Objects.requireNonNull(charts, "charts");
        this.values = Objects.requireNonNull(values, "values");
    }

    /** The release spec of one component: its values rendered, its chart resolved (the user's pin wins over the catalog's). */
    public ReleaseSpec releaseSpec(
            Phase phase, ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ChartRef chart = config.charts().getOrDefault(component.id(), component.chart());
        ComponentValues rendered = values.render(component, kubeVersion);
        ResolvedChart resolved = charts.resolve(chart);
        return new ReleaseSpec(
                component.id(),
                component.release(),
                topology.namespace(),
                chart,
                resolved.path(),
                rendered.values(),
                rendered.yaml(),
                component.mode(),
                config.profile().timeoutFor(phase.id()));
    }
}
