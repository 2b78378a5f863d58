package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Renders every enabled phase, in plan order, without a cluster: for each component, its values, its chart and
 * what Helm renders from both. The result is a {@link PlanBundle} for {@link StaticChecks} and {@link PlanBundleWriter}.
 */
public final class Planner {
    private final HelmDriver helm;
    private final ReleaseRenderer renderer;
    private final Console console;

    public Planner(HelmDriver helm, ReleaseRenderer renderer, Console console) {
        this.helm = Objects.requireNonNull(helm, "helm");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.console = Objects.requireNonNull(console, "console");
    }

    public PlanBundle plan(
            PhasePlan phases,
            BootstrapConfig config,
            StackTopology topology,
            KubeVersionChoice kube,
            String generator,
            List<StackSecret> secrets) {
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
                ReleaseSpec spec =
                        renderer.releaseSpec(phase, topology.component(componentId), config, topology, kube.version());
                phaseConsole.progress(
                        "rendering %s (%s)", spec.releaseName(), spec.chart().coordinate());
                releases.add(new RenderedRelease(spec, helm.template(spec, kube.version())));
            }
            planned.add(new PlannedPhase(index, phase.id(), phase.description(), true, releases));
        }
        return new PlanBundle(config.profile().name(), kube.version(), kube.source(), generator, planned, secrets);
    }
}
