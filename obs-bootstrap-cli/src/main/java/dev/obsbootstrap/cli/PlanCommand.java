package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.core.cluster.ClusterKubeVersion;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.plan.KubeVersionChoice;
import dev.obsbootstrap.core.plan.PlanBundle;
import dev.obsbootstrap.core.plan.PlanBundleWriter;
import dev.obsbootstrap.core.plan.PlannedPhase;
import dev.obsbootstrap.core.plan.Planner;
import dev.obsbootstrap.core.plan.ReleaseSummary;
import dev.obsbootstrap.core.plan.RenderedRelease;
import dev.obsbootstrap.core.plan.SecretValue;
import dev.obsbootstrap.core.plan.StaticChecks;
import dev.obsbootstrap.core.console.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {
                "Render every phase's values and manifests into a reviewable bundle, without a cluster.",
                "The bundle (--out DIR) holds per phase the values and manifests of each release, summary.md/json, "
                        + "findings.txt and install.sh (the same install as helm and kubectl commands). "
                        + "Static checks: Kubernetes objects, pinned images, memory requests and limits (when the profile requires them), "
                        + "no secret in the bundle. Exit 2 when a check fails; the bundle is written anyway."})
public final class PlanCommand extends BaseCommand {

    @Mixin
    ConfigMixin configOptions;

    @Option(names = "--charts-dir", paramLabel = "DIR",
            description = "Directory of charts: <name>/ (unpacked, with the pinned version) or <name>-<version>.tgz. "
                    + "Repeatable. Charts not found there come from the cache ($OBS_BOOTSTRAP_CACHE/charts, "
                    + "default ~/.cache/obs-bootstrap/charts) or their repository.")
    List<Path> chartsDirs = new ArrayList<>();

    @Option(names = "--kube-version", paramLabel = "VERSION",
            description = "Kubernetes version to render for, like 1.31.0 (default: the reachable cluster's, else "
                    + KubeVersionChoice.DEFAULT_VERSION + ").")
    String kubeVersion = "";

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where to write the bundle: a new or empty directory, or an earlier bundle to replace.")
    Path out;

    @Override
    protected ExitCode doCall() {
        Console console = console();
        BootstrapConfig config = loadConfig(configOptions);
        StackTopology topology = catalog().topology(config);
        PhasePlan phases = phasePlan();
        out().println("phase order: " + String.join(" -> ", phases.ids()));
        out().flush();

        KubeVersionChoice kube = KubeVersionChoice.choose(kubeVersion, () -> {
            try (ClusterHub hub = ClusterHub.discover(config.cluster().context(), System.getenv())) {
                return ClusterKubeVersion.read(hub, console);
            }
        });
        console.info("rendering profile %s for Kubernetes %s (%s)", config.profile().name(), kube.version(), kube.source());

        Planner planner = new Planner(HelmJavaDriver.templateOnly(),
                ClusterSession.renderer(ChartResolver.standard(chartsDirs, console), config, topology), console);
        List<StackSecret> secrets = bundleSecrets(config, topology, phases);
        PlanBundle bundle = planner.plan(phases, config, topology, kube, generator(), secrets);

        List<Finding> findings = new StaticChecks(config.profile().name(), config.profile().requireMemoryLimits(),
                secretValues(secrets)).withOperatorResources(catalog().operatorResources()).check(bundle);
        List<String> files = new PlanBundleWriter().write(bundle, findings, out);
        for (Finding finding : findings) {
            if (finding.isError()) {
                console.error("%s", finding);
            } else {
                console.warn("%s", finding);
            }
        }
        printSummary(bundle, findings, files.size());
        return findings.stream().anyMatch(Finding::isError) ? ExitCode.BAD_INPUT : ExitCode.OK;
    }

    private void printSummary(PlanBundle bundle, List<Finding> findings, int fileCount) {
        PrintWriter stdout = out();
        Table table = new Table("PHASE", "RELEASE", "CHART", "NAMESPACE", "RESOURCES");
        for (PlannedPhase phase : bundle.phases()) {
            if (!phase.enabled()) {
                table.row(phase.directory(), "-", "-", "-", "disabled");
                continue;
            }
            for (RenderedRelease release : phase.releases()) {
                table.row(phase.directory(), release.spec().releaseName(), release.spec().chart().coordinate(),
                        release.spec().namespace(), ReleaseSummary.of(release.manifests()).describeKinds());
            }
        }
        table.print(stdout);
        long errors = findings.stream().filter(Finding::isError).count();
        stdout.println("bundle: " + out + " (" + fileCount + " files), rendered for Kubernetes " + bundle.kubeVersion()
                + " (" + bundle.kubeVersionSource() + ")");
        stdout.println(findings.isEmpty() ? "static checks: passed"
                : "static checks: " + errors + " error(s), " + (findings.size() - errors) + " warning(s), listed in "
                        + out.resolve(PlanBundleWriter.FINDINGS));
        stdout.flush();
    }

    /** The Secrets the enabled phases' charts read by name: the phases declare them, install.sh creates them. */
    private static List<StackSecret> bundleSecrets(BootstrapConfig config, StackTopology topology, PhasePlan phases) {
        List<StackSecret> secrets = new ArrayList<>();
        for (Phase phase : phases.ordered()) {
            if (phase.enabled(config)) {
                secrets.addAll(phase.secrets(config, topology));
            }
        }
        return secrets;
    }

    /**
     * The credentials this process can see, for the secrets the phases declare (a receiver's URL, Grafana's admin
     * password override): none of them may end up in the bundle.
     */
    private static List<SecretValue> secretValues(List<StackSecret> secrets) {
        List<SecretValue> values = new ArrayList<>();
        for (StackSecret secret : secrets) {
            for (StackSecret.Key key : secret.keys()) {
                String variable = key instanceof StackSecret.Key.FromEnv env ? env.variable()
                        : key instanceof StackSecret.Key.Generated generated ? generated.variable() : null;
                String value = variable == null ? null : System.getenv(variable);
                if (value != null && !value.isEmpty()) {
                    values.add(new SecretValue("env:" + variable, value));
                }
            }
        }
        return values;
    }

    private static String generator() {
        Properties properties = VersionProvider.properties();
        return "obs-bootstrap " + properties.getProperty("version", "unknown")
                + " (helm " + properties.getProperty("helm.version", "unknown") + ")";
    }
}
