package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.plan.KubeVersionChoice;
import dev.obsbootstrap.core.plan.PlanBundle;
import dev.obsbootstrap.core.plan.PlannedPhase;
import dev.obsbootstrap.core.plan.Planner;
import dev.obsbootstrap.core.plan.RenderedRelease;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "images",
        description = {
            "List every container image the rendered stack runs (containers, init containers, and the images of the "
                    + "pods the Prometheus Operator creates), with the releases that use each: what to mirror for an "
                    + "air-gapped cluster.",
            "Rendered offline as `plan` renders it, for the config's profile, with images.registry applied when set."
        })
public final class ImagesCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    DocumentOutput output;

    @Option(
            names = "--charts-dir",
            paramLabel = "DIR",
            description = "Take charts from here before the cache and their repositories. Repeatable.")
    List<Path> chartsDirs = new ArrayList<>();

    @Option(
            names = "--kube-version",
            paramLabel = "VERSION",
            description = "Kubernetes version to render for (default: " + KubeVersionChoice.DEFAULT_VERSION + ").")
    String kubeVersion = "";

    @Option(
            names = {"-q", "--quiet"},
            description = "Only the image references, one per line (for a mirroring script).")
    boolean quiet;

    @Override
    protected ExitCode doCall() {
        BootstrapConfig config = loadConfig(configOptions);
        StackTopology topology = catalog().topology(config);
        PhasePlan phases = phasePlan();
        ChartResolver charts = ChartResolver.standard(chartsDirs, console());
        requireCharts(charts, phases, config, topology);
        KubeVersionChoice kube = KubeVersionChoice.choose(kubeVersion, Optional::empty);
        PlanBundle bundle = new Planner(
                        HelmJavaDriver.templateOnly(), ClusterSession.renderer(charts, config, topology), console())
                .plan(phases, config, topology, kube, "images", List.of());
        SortedMap<String, SortedSet<String>> images = new TreeMap<>();
        for (PlannedPhase phase : bundle.phases()) {
            for (RenderedRelease release : phase.releases()) {
                for (String image : release.summary().images()) {
                    images.computeIfAbsent(image, i -> new TreeSet<>())
                            .add(release.spec().releaseName());
                }
            }
        }
        PrintWriter out = out();
        if (quiet) {
            images.keySet().forEach(out::println);
        } else if (output.isText()) {
            Table table = new Table("IMAGE", "RELEASES");
            images.forEach((image, releases) -> table.row(image, String.join(", ", releases)));
            table.print(out);
            out.println(images.size() + " images, profile " + config.profile().name() + ", rendered for Kubernetes "
                    + kube.version());
        } else {
            List<Map<String, Object>> rows = new ArrayList<>();
            images.forEach((image, releases) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("image", image);
                row.put("releases", List.copyOf(releases));
                rows.add(row);
            });
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("profile", config.profile().name());
            document.put("kubeVersion", kube.version());
            document.put("images", rows);
            DocumentOutput.print(out, output.format(), document);
        }
        out.flush();
        return ExitCode.OK;
    }
}
