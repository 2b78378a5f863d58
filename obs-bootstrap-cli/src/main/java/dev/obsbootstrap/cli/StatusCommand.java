package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.KubeAccess;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.run.StackStatus;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "status",
        description = {
            "Show each phase's release, chart@version, revision, ready/total workloads, last verification and drift.",
            "Drift: what `up` would change: the values and charts the config renders now differ from what the last `up` "
                    + "installed, or a release is no longer at the revision `up` recorded."
        })
public final class StatusCommand extends BaseCommand {
    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Override
    protected ExitCode doCall() {
        BootstrapConfig config = loadConfig(configOptions, clusterOptions);
        StackTopology topology = catalog().topology(config);
        PhasePlan plan = phasePlan();
        try (ClusterHub hub = ClusterSession.open(clusterOptions, config)) {
            String kubeVersion = ClusterSession.helmKubeVersion(ClusterSession.describe(hub, config, console()));
            HelmJavaDriver helm = new HelmJavaDriver(
                    new KubeAccess.KubeconfigContents(hub.kubeconfigContents()),
                    ChartResolver.standard(List.of(), console()));
            StackStatus status = StackStatus.read(hub.client(), helm, plan, config, topology, kubeVersion);
            PrintWriter out = out();
            table(status).print(out);
            out.println(status.lastRunLine());
            out.println(status.lockLine());
            out.flush();
        }
        return ExitCode.OK;
    }

    static Table table(StackStatus status) {
        Table table = new Table("PHASE", "RELEASE", "CHART", "REVISION", "READY", "VERDICT", "LAST RUN", "DRIFT");
        for (StackStatus.Release row : status.releases()) {
            if (!row.enabled()) {
                table.row(row.phase(), "-", "-", "-", "-", "DISABLED", "-", "-");
                continue;
            }
            String revision = row.mode() == InstallMode.APPLY_CRDS
                    ? "-"
                    : row.helm().map(r -> r.revision() + " " + r.status()).orElse("absent");
            table.row(
                    row.phase(),
                    row.release().orElse("-"),
                    row.chart(),
                    revision,
                    row.ready().map(Object::toString).orElse("-"),
                    row.verdict().map(e -> e.verdict().name()).orElse("never run"),
                    row.verdict()
                            .map(e -> e.at().truncatedTo(ChronoUnit.SECONDS) + " " + e.runId())
                            .orElse("-"),
                    row.drift()
                            .map(reasons ->
                                    reasons.isEmpty() ? "no" : "yes: " + String.join(", ", reasons) + "; run up")
                            .orElse("-"));
        }
        return table;
    }
}
