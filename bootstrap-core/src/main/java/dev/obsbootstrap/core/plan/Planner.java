package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.helm.ResolvedChart;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.report.Console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders every enabled phase, in plan order, without a cluster: for each component, its values, its chart and
 * what Helm renders from both. The result is a {@link PlanBundle} for {@link StaticChecks} and {@link PlanBundleWriter}.
 */
public final class Planner {
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

    private final HelmDriver helm;
    private final ChartResolver charts;
    private final ValuesSource values;
    private final Console console;

    public Planner(HelmDriver helm, ChartResolver charts, ValuesSource values, Console console) {
        this.helm = Objects.requireNonNull(helm, "helm");
        this.charts = Objects.requireNonNull(charts, "charts");
        this.values = Objects.requireNonNull(values, "values");
        this.console = Objects.requireNonNull(console, "console");
    }

    public PlanBundle plan(PhasePlan phases, BootstrapConfig config, StackTopology topology, KubeVersionChoice kube,
                           String generator, List<StackSecret> secrets) {
        List<PlannedPhase> planned = new ArrayList<>();
        List<Phase> ordered = phases.ordered();
        for (int index = 0; index < ordered.size(); index++) {
            Phase phase = ordered.get(index);
            if (!phase.enabled(config)) {
                console.info("%s: disabled", phase.id());
                planned.add(new PlannedPhase(index, phase.id(), phase.description(), false, List.of()));
                continue;
            }
            Console phaseConsole = console.forPhase(phase.id());
            List<RenderedRelease> releases = new ArrayList<>();
            for (String componentId : phase.components(config)) {
                ReleaseSpec spec = releaseSpec(phase, topology.component(componentId), config, topology, kube.version());
                phaseConsole.progress("rendering %s (%s)", spec.releaseName(), spec.chart().coordinate());
                releases.add(new RenderedRelease(spec, helm.template(spec, kube.version())));
            }
            planned.add(new PlannedPhase(index, phase.id(), phase.description(), true, releases));
        }
        return new PlanBundle(config.profile().name(), kube.version(), kube.source(), generator, planned, secrets);
    }

    /** The release spec of one component: its values rendered, its chart resolved (the user's pin wins over the catalog's). */
    public ReleaseSpec releaseSpec(Phase phase, ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        ChartRef chart = config.charts().getOrDefault(component.id(), component.chart());
        ComponentValues rendered = values.render(component, kubeVersion);
        ResolvedChart resolved = charts.resolve(chart);
        return new ReleaseSpec(component.id(), component.release(), topology.namespace(), chart, resolved.path(),
                rendered.values(), rendered.yaml(), component.mode(), config.profile().timeoutFor(phase.id()));
    }
}
