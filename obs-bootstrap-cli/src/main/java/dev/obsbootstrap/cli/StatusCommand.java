package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.KubeAccess;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.LedgerEntry;
import dev.obsbootstrap.core.run.LedgerState;
import dev.obsbootstrap.core.run.StackStatus;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @Mixin
    DocumentOutput output;

    @Override
    protected ExitCode doCall() {
        BootstrapConfig config = loadConfig(configOptions, clusterOptions);
        PhasePlan plan = phasePlan();
        try (ClusterHub hub = ClusterSession.open(clusterOptions, config)) {
            String kubeVersion = ClusterSession.helmKubeVersion(ClusterSession.describe(hub, config, console()));
            // compare with what the last run installed: its profile, unless --profile asks for another
            LedgerState.LastRun last = new ConfigMapLedgerStore(hub.client(), config.namespace())
                    .read()
                    .lastRun();
            String basis = configOptions.profile().isPresent() ? "--profile" : "the config";
            if (configOptions.profile().isEmpty()
                    && !last.profile().isEmpty()
                    && !last.profile().equals(config.profile().name())) {
                if (!config.source().equals("<defaults>")) {
                    console()
                            .warn(
                                    "%s names profile %s, the last run used %s: comparing with %s (pass --profile %s to see what up "
                                            + "with the config would change)",
                                    config.source(),
                                    config.profile().name(),
                                    last.profile(),
                                    last.profile(),
                                    config.profile().name());
                }
                config = loadConfig(
                        ConfigMixin.of(
                                configOptions.configFile().orElse(null),
                                Optional.of(last.profile()),
                                configOptions.sets()),
                        clusterOptions);
                basis = "the last run";
            }
            StackTopology topology = catalog().topology(config);
            HelmJavaDriver helm = new HelmJavaDriver(
                    new KubeAccess.KubeconfigContents(hub.kubeconfigContents()),
                    ChartResolver.standard(List.of(), console()));
            StackStatus status = StackStatus.read(hub.client(), helm, plan, config, topology, kubeVersion);
            PrintWriter out = out();
            if (output.isText()) {
                out.println("stack " + config.namespace() + ": profile "
                        + config.profile().name() + " (from " + basis + "), config " + config.source());
                table(status).print(out);
                out.println(status.lastRunLine());
                out.println(status.lockLine());
                out.flush();
            } else {
                DocumentOutput.print(out, output.format(), document(status, config, basis));
            }
        }
        return ExitCode.OK;
    }

    /** The status as a document for -o json|yaml: the same facts as the table, typed. */
    static Map<String, Object> document(StackStatus status, BootstrapConfig config, String basis) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("namespace", config.namespace());
        document.put("profile", config.profile().name());
        document.put("profileFrom", basis);
        document.put("config", config.source());
        List<Map<String, Object>> releases = new ArrayList<>();
        for (StackStatus.Release row : status.releases()) {
            Map<String, Object> release = new LinkedHashMap<>();
            release.put("phase", row.phase());
            release.put("enabled", row.enabled());
            row.release().ifPresent(name -> release.put("release", name));
            if (row.enabled()) {
                release.put("chart", row.chart());
                release.put("revision", row.helm().map(HelmRelease::revision).orElse(null));
                release.put(
                        "helmStatus",
                        row.helm()
                                .map(r -> r.status().toString())
                                .orElse(row.mode() == InstallMode.APPLY_CRDS ? null : "absent"));
                release.put(
                        "ready",
                        row.ready()
                                .map(r -> Map.of("ready", r.ready(), "total", r.total()))
                                .orElse(null));
                release.put(
                        "verdict", row.verdict().map(e -> e.verdict().name()).orElse(null));
                release.put(
                        "verifiedAt", row.verdict().map(e -> e.at().toString()).orElse(null));
                release.put("runId", row.verdict().map(LedgerEntry::runId).orElse(null));
                release.put("drift", row.drift().orElse(null));
            }
            releases.add(release);
        }
        document.put("releases", releases);
        Map<String, Object> lastRun = new LinkedHashMap<>();
        lastRun.put("runId", status.lastRun().runId());
        lastRun.put("state", status.lastRun().state().word());
        lastRun.put("stoppedAt", status.lastRun().stoppedAt());
        lastRun.put("profile", status.lastRun().profile());
        lastRun.put("summary", status.lastRunLine());
        document.put("lastRun", lastRun);
        document.put("lock", status.lockLine());
        return document;
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
