package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.diff.ManifestDiff;
import dev.obsbootstrap.core.diff.StackDiff;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.KubeAccess;
import dev.obsbootstrap.core.phase.PhasePlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "diff",
        description = {
            "Show what `up` would change, release by release, as unified diffs of the manifests, without changing anything.",
            "Each release is rendered as `up` would render it and compared with the manifest Helm recorded for its current "
                    + "revision (as `helm diff upgrade` does); CRDs are compared with the live objects. Only reads: no "
                    + "write reaches the cluster. Secret values are never shown, only whether they change.",
            "Exit 0 when nothing would change, 1 when something would (for scripts), 2 bad input, 3 cluster unreachable.",
            "`up --dry-run` is the same."
        })
public final class DiffCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Mixin
    DocumentOutput output;

    @Option(
            names = "--phase",
            paramLabel = "PHASE",
            description = "Only these phases (repeatable; default: every enabled phase).")
    List<String> phases = new ArrayList<>();

    @Option(
            names = "--charts-dir",
            paramLabel = "DIR",
            description =
                    "Take charts from here (<name>/ or <name>-<version>.tgz) before the cache and their repositories. Repeatable.")
    List<Path> chartsDirs = new ArrayList<>();

    @Option(
            names = {"-U", "--context-lines"},
            paramLabel = "N",
            defaultValue = "3",
            description = "Lines of context around each change (default: ${DEFAULT-VALUE}).")
    int contextLines = ManifestDiff.DEFAULT_CONTEXT;

    @Override
    protected ExitCode doCall() {
        PhasePlan plan = phasePlan();
        for (String phase : phases) {
            plan.phase(
                    phase,
                    "--phase"); // an unknown phase is refused here, with "did you mean", before anything connects
        }
        Predicate<String> selected = phases.isEmpty() ? id -> true : phases::contains;
        return run(this, configOptions, clusterOptions, chartsDirs, selected, output.format(), contextLines);
    }

    /** The diff for {@code diff} and {@code up --dry-run}: reads the cluster, writes nothing, prints the result. */
    static ExitCode run(
            BaseCommand command,
            ConfigMixin configOptions,
            ClusterMixin clusterOptions,
            List<Path> chartsDirs,
            Predicate<String> selected,
            DocumentOutput.Format format,
            int contextLines) {
        if (contextLines < 0) {
            throw new ConfigException("--context-lines must be 0 or more, got " + contextLines);
        }
        PhasePlan plan = command.phasePlan();
        BootstrapConfig config = command.loadConfig(configOptions, clusterOptions);
        StackTopology topology = command.catalog().topology(config);
        KubeContexts.requireOne(clusterOptions, "diff");
        List<StackDiff.ReleaseDiff> diffs;
        try (ClusterHub hub = ClusterSession.open(clusterOptions, config)) {
            String kubeVersion =
                    ClusterSession.helmKubeVersion(ClusterSession.describe(hub, config, command.console()));
            ChartResolver charts = ChartResolver.standard(chartsDirs, command.console());
            command.requireCharts(charts, plan, config, topology);
            HelmJavaDriver helm =
                    new HelmJavaDriver(new KubeAccess.KubeconfigContents(hub.kubeconfigContents()), charts);
            diffs = new StackDiff(hub.client(), helm, ClusterSession.renderer(charts, config, topology), contextLines)
                    .compute(plan, config, topology, kubeVersion, selected);
        }
        boolean changes = diffs.stream().anyMatch(d -> d.state() != StackDiff.State.UNCHANGED);
        PrintWriter out = command.out();
        if (format == DocumentOutput.Format.TEXT) {
            print(out, diffs);
        } else {
            DocumentOutput.print(out, format, document(config, diffs, changes));
        }
        out.flush();
        return changes ? ExitCode.CHANGES_PENDING : ExitCode.OK;
    }

    static void print(PrintWriter out, List<StackDiff.ReleaseDiff> diffs) {
        int changed = 0;
        int added = 0;
        int unchanged = 0;
        for (StackDiff.ReleaseDiff diff : diffs) {
            String head = "phase " + diff.phase() + ": " + diff.release() + " (" + diff.chart() + ")"
                    + diff.live()
                            .map(r -> " revision " + r.revision() + " " + r.status())
                            .orElse("");
            switch (diff.state()) {
                case UNCHANGED -> {
                    unchanged++;
                    out.println(head + ": no change");
                }
                case NEW -> {
                    added++;
                    out.println(head + ": "
                            + (diff.live().isEmpty() && diff.mode().name().equals("APPLY_CRDS")
                                    ? diff.changes().size() + " CRDs to create"
                                    : "not installed; up would install "
                                            + diff.changes().size() + " objects"));
                    diff.changes().forEach(c -> out.println("  + " + c.object()));
                }
                case CHANGED -> {
                    changed++;
                    out.println(head + ": " + diff.count(ManifestDiff.Change.CHANGED) + " changed, "
                            + diff.count(ManifestDiff.Change.ADDED) + " added, "
                            + diff.count(ManifestDiff.Change.REMOVED) + " removed");
                    diff.notes().forEach(note -> out.println("  " + note));
                    for (ManifestDiff.ObjectChange change : diff.changes()) {
                        out.println(symbol(change.change()) + " " + change.object());
                        out.print(change.diff());
                    }
                }
            }
        }
        out.println("summary: " + changed + " to change, " + added + " to install, " + unchanged + " unchanged"
                + (changed + added == 0 ? "; up would only verify" : ""));
    }

    private static String symbol(ManifestDiff.Change change) {
        return switch (change) {
            case ADDED -> "+";
            case REMOVED -> "-";
            case CHANGED -> "~";
        };
    }

    static Map<String, Object> document(BootstrapConfig config, List<StackDiff.ReleaseDiff> diffs, boolean changes) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("namespace", config.namespace());
        document.put("profile", config.profile().name());
        document.put("changes", changes);
        List<Map<String, Object>> releases = new ArrayList<>();
        for (StackDiff.ReleaseDiff diff : diffs) {
            Map<String, Object> release = new LinkedHashMap<>();
            release.put("phase", diff.phase());
            release.put("release", diff.release());
            release.put("chart", diff.chart());
            release.put("state", diff.state().name().toLowerCase(java.util.Locale.ROOT));
            release.put("revision", diff.live().map(HelmRelease::revision).orElse(null));
            release.put("notes", diff.notes());
            List<Map<String, Object>> objects = new ArrayList<>();
            for (ManifestDiff.ObjectChange change : diff.changes()) {
                Map<String, Object> object = new LinkedHashMap<>();
                object.put("object", change.object());
                object.put("kind", change.kind());
                object.put("change", change.change().name().toLowerCase(java.util.Locale.ROOT));
                object.put("diff", change.diff());
                objects.add(object);
            }
            release.put("objects", objects);
            releases.add(release);
        }
        document.put("releases", releases);
        return document;
    }
}
