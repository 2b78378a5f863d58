package dev.obsbootstrap.core.render;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.helm.ResolvedChart;
import dev.obsbootstrap.core.phase.Phase;
import java.util.Objects;
import java.util.Optional;

/**
 * A component made ready for Helm: its values rendered from the templates and its chart resolved. What {@code up},
 * {@code down --purge}, {@code status} and {@code plan} all start from, touching no cluster.
 */
public final class ReleaseRenderer {
    /** Values for one component, as the values engine renders them. */
    @FunctionalInterface
    public interface ValuesSource {
        ReleaseSpec.Values render(ComponentSpec component, String kubeVersion);

        /**
         * A digest of everything {@link #render} reads for the component (its template, the variables the template
         * sees, the user's values, the code that renders), such that equal digests render equal values; empty when
         * this source cannot tell, and then every prepare renders.
         */
        default Optional<String> inputsDigest(ComponentSpec component, String kubeVersion) {
            return Optional.empty();
        }
    }

    /** A release spec whose values are rendered when first read, and the digest of that render's inputs if known. */
    public record Deferred(ReleaseSpec spec, Optional<String> inputsDigest) {
        public Deferred {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(inputsDigest, "inputsDigest");
        }
    }

    private final ChartResolver charts;
    private final ValuesSource values;

    public ReleaseRenderer(ChartResolver charts, ValuesSource values) {
        this.charts = Objects.requireNonNull(charts, "charts");
        this.values = Objects.requireNonNull(values, "values");
    }

    /**
     * The release spec of one component: its values rendered, its chart resolved (the user's pin wins over the
     * catalog's).
     */
    public ReleaseSpec releaseSpec(
            Phase phase, ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ReleaseSpec spec = spec(phase, component, config, topology, kubeVersion);
        spec.valuesYaml(); // rendered now: a template error is this call's
        return spec;
    }

    /**
     * The same spec with its chart resolved now and its values when first read, beside the digest of what the values
     * are rendered from: a caller that knows the values that digest renders need not render them at all.
     */
    public Deferred deferredSpec(
            Phase phase, ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        Optional<String> digest = values.inputsDigest(component, kubeVersion);
        return new Deferred(spec(phase, component, config, topology, kubeVersion), digest);
    }

    private ReleaseSpec spec(
            Phase phase, ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ChartRef chart = config.charts().getOrDefault(component.id(), component.chart());
        ResolvedChart resolved = charts.resolve(chart);
        return ReleaseSpec.deferred(
                component.id(),
                component.release(),
                topology.namespace(),
                chart,
                resolved.path(),
                component.mode(),
                config.profile().timeoutFor(phase.id()),
                () -> values.render(component, kubeVersion));
    }
}
