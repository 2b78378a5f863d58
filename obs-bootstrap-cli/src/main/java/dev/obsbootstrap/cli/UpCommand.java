package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterTarget;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.diff.ManifestDiff;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.lock.RunIdentity;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.run.RunOptions;
import dev.obsbootstrap.core.run.Runner;
import dev.obsbootstrap.core.run.StackAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "up",
        description = {
            "Install or upgrade every phase in order, each verified by its probes before the next starts.",
            "Prints the target first. A phase whose rendered values, charts and release revisions match the ledger "
                    + "(ConfigMap obs-bootstrap-state) is only probed, not upgraded. After a failure or Ctrl-C the next "
                    + "`up` continues where it stopped. Ctrl-C or SIGTERM stop it after the current step (exit 130 or 143)."
        })
public final class UpCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Mixin
    OutputMixin output;

    @Option(
            names = "--skip-verify",
            description = "Install and wait, but run no probe: phases are reported UNVERIFIED.")
    boolean skipVerify;

    @Option(
            names = "--from",
            paramLabel = "PHASE",
            description = "Start at this phase (earlier ones must be verified in the ledger).")
    String from;

    @Option(
            names = "--only",
            paramLabel = "PHASE",
            description = "Run only this phase (the ones it depends on must be verified in the ledger).")
    String only;

    @Option(
            names = "--on-failure",
            paramLabel = "POLICY",
            defaultValue = "keep",
            description = "What happens to a release whose install or verification failed: keep (for inspection) or "
                    + "rollback (previous revision, or uninstall when there was none). Default: ${DEFAULT-VALUE}.")
    RunOptions.FailurePolicy onFailure = RunOptions.FailurePolicy.KEEP;

    @Option(names = "--yes", description = "Go ahead on a protected kube context.")
    boolean yes;

    @Option(
            names = "--charts-dir",
            paramLabel = "DIR",
            description =
                    "Take charts from here (<name>/ or <name>-<version>.tgz) before the cache and their repositories. Repeatable.")
    List<Path> chartsDirs = new ArrayList<>();

    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description =
                    "Install a reviewed plan bundle (`plan --out DIR`) exactly as it is: its values, charts and config, "
                            + "nothing rendered again. Refused when a file no longer matches digests.sha256, or when a release would "
                            + "render differently on this cluster.")
    Path bundle;

    @Option(
            names = "--ephemeral",
            description =
                    "No cluster needed: start a K3s node through Testcontainers (needs a Docker engine, and "
                            + "TESTCONTAINERS_REUSE_ENABLE=true so the node outlives the run), install and verify the stack there, and "
                            + "keep it running; prints its kubeconfig and how to reach Grafana. Run again, it finds the same node.")
    boolean ephemeral;

    @Option(
            names = "--probe-timeout",
            paramLabel = "DURATION",
            converter = ClusterMixin.DurationConverter.class,
            description =
                    "How long each probe keeps trying before its phase fails, like 30s (default: the profile's "
                            + "probeDeadline). A probe that cannot succeed (a Service that does not exist) fails at once anyway.")
    Duration probeTimeout;

    @Option(
            names = "--dry-run",
            description =
                    "Change nothing: show what this `up` would change, as `diff` does (exit 0 nothing, 1 something).")
    boolean dryRun;

    @Override
    protected ExitCode doCall() {
        if (dryRun) {
            if (ephemeral || bundle != null) {
                throw new ConfigException("--dry-run compares the config with the cluster; it cannot be combined with "
                        + (ephemeral ? "--ephemeral" : "--bundle") + " (use `diff` against a running cluster)");
            }
            PhasePlan plan = phasePlan();
            RunOptions options = new RunOptions(true, Optional.ofNullable(from), Optional.ofNullable(only), onFailure);
            Runner.checkSelection(plan, options);
            return DiffCommand.run(
                    this,
                    configOptions,
                    clusterOptions,
                    chartsDirs,
                    id -> Runner.selected(plan, id, options),
                    output.format() == OutputMixin.Format.JSON
                            ? DocumentOutput.Format.JSON
                            : DocumentOutput.Format.TEXT,
                    ManifestDiff.DEFAULT_CONTEXT);
        }
        if (ephemeral) {
            return new EphemeralUp(this).run();
        }
        if (bundle != null) {
            return new BundleUp(this, bundle).run();
        }
        return install();
    }

    /** The main job against the cluster the options name. */
    ExitCode install() {
        List<StackAccess.Entry> access = new ArrayList<>();
        String[] where = new String[2];
        ExitCode code = reported("up", output, configOptions, (runId, started) -> {
            PhasePlan plan = phasePlan();
            RunOptions options =
                    new RunOptions(skipVerify, Optional.ofNullable(from), Optional.ofNullable(only), onFailure);
            Runner.checkSelection(plan, options); // a typo in --from/--only is refused before anything connects
            Console console = console();
            BootstrapConfig loaded = loadConfig(configOptions, clusterOptions);
            BootstrapConfig config = probeTimeout == null ? loaded : loaded.withProbeDeadline(probeTimeout);
            StackTopology topology = catalog().topology(config);
            KubeContexts.requireOne(clusterOptions, "up");
            try (ClusterHub hub = ClusterSession.open(clusterOptions, config)) {
                ClusterTarget target = ClusterSession.announce(hub, config, yes, "up", console);
                // the cluster answers (else exit 3 at once); every chart now, all missing ones in one error
                requireCharts(ChartResolver.standard(chartsDirs, console), plan, config, topology);
                try (ClusterProbeContext probes =
                        ClusterSession.probeContext(config, topology, hub, plan, Map.of(), runId)) {
                    Runner runner = ClusterSession.runner(
                            hub,
                            target,
                            config,
                            topology,
                            plan,
                            chartsDirs,
                            probes,
                            clusterOptions.timeout(),
                            runId,
                            console);
                    console.info(
                            "run %s: profile %s, phases %s",
                            runId, config.profile().name(), String.join(" -> ", plan.ids()));
                    access.addAll(StackAccess.of(plan, config, topology));
                    where[0] = config.namespace();
                    where[1] = target.context();
                    return runner.up(RunIdentity.current(runId), options);
                }
            }
        });
        // the whole stack verified: say how to reach it (a selection or a failure leaves the report to speak)
        if (code == ExitCode.OK && output.format() == OutputMixin.Format.TEXT && only == null && from == null) {
            AccessSummary.print(out(), access, where[0], where[1]);
        }
        return code;
    }
}
