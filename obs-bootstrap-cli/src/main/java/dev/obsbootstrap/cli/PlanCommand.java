package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterKubeVersion;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigLoader;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.HelmLibrary;
import dev.obsbootstrap.core.helm.ResolvedChart;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.plan.BundleCharts;
import dev.obsbootstrap.core.plan.BundleDigests;
import dev.obsbootstrap.core.plan.BundleFiles;
import dev.obsbootstrap.core.plan.BundleInputs;
import dev.obsbootstrap.core.plan.BundleStage;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.plan.KubeVersionChoice;
import dev.obsbootstrap.core.plan.PlanBundle;
import dev.obsbootstrap.core.plan.PlanBundleWriter;
import dev.obsbootstrap.core.plan.PlannedPhase;
import dev.obsbootstrap.core.plan.Planner;
import dev.obsbootstrap.core.plan.RenderedRelease;
import dev.obsbootstrap.core.plan.SecretValue;
import dev.obsbootstrap.core.plan.StaticChecks;
import dev.obsbootstrap.core.plan.Tasks;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.core.validate.BundleManifests;
import dev.obsbootstrap.core.validate.BundleWiring;
import dev.obsbootstrap.core.validate.ChecksReport;
import dev.obsbootstrap.core.validate.ConfigTools;
import dev.obsbootstrap.core.validate.ManifestFile;
import dev.obsbootstrap.core.validate.StaticReport;
import dev.obsbootstrap.core.validate.StaticValidation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Render every phase's values and manifests into a reviewable bundle, without a cluster.",
            "The bundle (--out DIR) holds per phase the values and manifests of each release, the charts, the config it "
                    + "was planned from, summary.md/json, findings.txt, checks.md, findings.sarif, install.sh and digests.sha256 "
                    + "(the SHA-256 of every file: `up --bundle DIR` installs exactly these bytes and refuses changed ones). "
                    + "Static checks: every object against the target Kubernetes version's API and every custom resource against "
                    + "its CRD, removed and deprecated APIs, Pod Security, pinned images, memory requests and limits (when the "
                    + "profile requires them), no secret in the bundle, and promtool/amtool/alloy/otelcol on the configs when "
                    + "on PATH. Exit 2 when a check fails; the bundle is written anyway. The bundle is written beside DIR and "
                    + "moved into place only when complete: a plan that cannot finish (a check that cannot run, a full "
                    + "disk, an interrupt) leaves DIR as it was."
        })
public final class PlanCommand extends BaseCommand {

    @Mixin
    ConfigMixin configOptions;

    @Mixin
    PlanOptions planOptions;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Where to write the bundle: a new or empty directory, or an earlier bundle to replace.")
    Path out;

    @Mixin
    DocumentOutput output;

    @Override
    protected ExitCode doCall() {
        Written written = writePlan(
                this,
                configOptions,
                planOptions,
                out,
                output.isText() ? out() : new PrintWriter(java.io.Writer.nullWriter()));
        if (!output.isText()) {
            // the bundle's own summary.json (releases, resources, images, findings), with where the bundle is
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("directory", out.toString());
            document.put("digest", written.digest());
            readSummary(out.resolve(PlanBundleWriter.SUMMARY_JSON)).forEach(document::putIfAbsent);
            DocumentOutput.print(out(), output.format(), document);
        }
        return written.findings().stream().anyMatch(Finding::isError) ? ExitCode.BAD_INPUT : ExitCode.OK;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readSummary(Path summary) {
        try {
            return tools.jackson.databind.json.JsonMapper.builder().build().readValue(summary.toFile(), Map.class);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the summary plan just wrote is not JSON: " + summary, e);
        }
    }

    /** A plan bundle on disk: what it holds, what the static checks found, and its identity (the digest of its digests). */
    record Written(PlanBundle bundle, List<Finding> findings, StaticReport checks, String digest) {}

    /**
     * Renders, checks and writes the bundle, and prints its summary on stdout: what {@code plan} does, and what
     * {@code validate} and {@code smoke} do first when they are not given a bundle.
     */
    static Written writePlan(
            BaseCommand command, ConfigMixin configOptions, PlanOptions options, Path out, PrintWriter summary) {
        Console console = command.console();
        BootstrapConfig config = command.loadConfig(configOptions);
        preloadHelm();
        StackTopology topology = command.catalog().topology(config);
        PhasePlan phases = command.phasePlan();
        summary.println("phase order: " + String.join(" -> ", phases.ids()));
        summary.flush();

        KubeVersionChoice kube = KubeVersionChoice.choose(options.kubeVersion, () -> {
            try (ClusterHub hub = ClusterHub.discover(config.cluster().context(), System.getenv())) {
                return ClusterKubeVersion.read(hub, console);
            }
        });
        console.info(
                "rendering profile %s for Kubernetes %s (%s)", config.profile().name(), kube.version(), kube.source());

        ChartResolver charts = ChartResolver.standard(options.chartsDirs, console);
        List<ResolvedChart> resolved = command.requireCharts(charts, phases, config, topology);
        Planner planner =
                new Planner(HelmJavaDriver.templateOnly(), ClusterSession.renderer(charts, config, topology), console);
        List<StackSecret> secrets = bundleSecrets(config, topology, phases);

        // Written beside --out and moved into place once complete and checked (BundleStage): a plan that stops half
        // way leaves the earlier bundle as it was.
        try (BundleStage stage = BundleStage.open(out)) {
            BundleFiles files = new BundleFiles(stage.directory());
            ExecutorService background = Executors.newFixedThreadPool(2, PlanCommand::backgroundThread);
            try {
                // The charts are copied into the bundle while the values and the releases render, instead of after
                // the last render, an unpacked one packed into one archive (BundleCharts): the ci profile's seven
                // charts are ~1000 files, and creating them took 0.3 s of system time on the 2-core machines here
                // where reading them takes 0.03 s. Started here, it uses the core left free while this thread renders
                // values and Helm's library loads.
                Future<List<String>> copied = background.submit(() -> BundleCharts.copy(resolved, files));
                background.execute(() -> StaticValidation.prepare(kube.version()));
                PlanBundle bundle = planner.plan(phases, config, topology, kube, generator(), secrets);
                List<ManifestFile> manifests = BundleManifests.of(bundle);
                // Two things at once from here: the API, CRD and Pod Security checks run with promtool and amtool
                // (processes of their own, most of their time spent waiting), while this thread runs the other checks
                // and writes the releases' files. Each reads the parsed manifests, none changes them.
                Future<StaticReport> validated = background.submit(() -> new StaticValidation(
                                kube.version(), options.podSecurity(), ConfigTools.onPath(phases.configCheckers()))
                        .check(manifests));

                List<Finding> findings = new ArrayList<>(new StaticChecks(
                                config.profile().name(), config.profile().requireMemoryLimits(), secretValues(secrets))
                        .withOperatorResources(command.catalog().operatorResources())
                        .check(bundle));
                for (Phase phase : phases.ordered()) {
                    if (phase.enabled(config)) {
                        phase.configProblems(config)
                                .forEach(problem ->
                                        findings.add(Finding.error("profile-requirement", "config", "", problem)));
                    }
                }
                List<String> written = new ArrayList<>(PlanBundleWriter.writeReleases(bundle, files));
                BundleWiring.Result wiring = new BundleWiring(
                                config.profile().name(),
                                config.profile().capacity(),
                                secrets,
                                command.catalog().operatorResources(),
                                command.catalog().operatorPodSidecars(config.profile()))
                        .check(manifests);
                StaticReport checks = Tasks.join(validated, "while plan wrote its bundle");
                findings.addAll(checks.findings());
                findings.addAll(wiring.findings());
                console.info("%s", wiring.sums());
                // checks.md and the SARIF (Jackson building its writers for the SARIF model: ~0.07 s of a cold JVM)
                // are written beside the summaries; both read the findings, which no longer change
                List<Finding> settled = List.copyOf(findings);
                Future<?> reported =
                        background.submit(() -> ChecksReport.write(stage.directory(), checks, settled, version()));
                written.addAll(
                        new PlanBundleWriter(podSecurityByNamespace(checks)).writeSummaries(bundle, findings, files));
                new BundleInputs(
                                configText(config),
                                configOptions.profile().orElse(""),
                                configOptions.sets(),
                                kube.version())
                        .write(stage.directory());
                Tasks.join(reported, "while plan wrote its checks report");
                // a render's failure is the plan's before the copy's (a full disk fails both)
                Tasks.join(copied, "while the charts were copied into the bundle")
                        .forEach(note -> console.info("%s", note));
                stage.adoptKept();
                String digest = BundleDigests.write(stage.directory(), files.digests());
                stage.commit();
                return finish(console, summary, options, out, bundle, findings, checks, written.size(), digest);
            } finally {
                stopAndWait(background);
            }
        }
    }

    private static Written finish(
            Console console,
            PrintWriter summary,
            PlanOptions options,
            Path out,
            PlanBundle bundle,
            List<Finding> findings,
            StaticReport checks,
            int fileCount,
            String digest) {
        options.sarif().ifPresent(sarif -> copySarif(out, sarif));

        tell(console, findings, checks);
        printSummary(summary, out, bundle, findings, checks, fileCount, digest);
        return new Written(bundle, findings, checks, digest);
    }

    /**
     * Loads Helm's native library (a 96 MB shared object and Go's runtime) on a thread of its own while this one reads
     * the config and renders the values, instead of in the first render. A failure is left for that render to report.
     */
    private static void preloadHelm() {
        Thread preload = new Thread(
                () -> {
                    try {
                        HelmLibrary.load();
                    } catch (RuntimeException | LinkageError reportedByTheFirstRender) {
                        // the first render loads it again and throws it where it is handled
                    }
                },
                "helm-preload");
        preload.setDaemon(true);
        preload.start();
    }

    /** Stops what still runs in the background before the stage it writes into is deleted. */
    private static void stopAndWait(ExecutorService background) {
        background.shutdownNow();
        try {
            background.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Daemon threads: an interrupted plan must not wait for the checks or a promtool run to end. */
    private static Thread backgroundThread(Runnable task) {
        Thread thread = new Thread(task, "plan-background");
        thread.setDaemon(true);
        return thread;
    }

    /** Namespace -> the least restrictive level any of its workloads needs (review D14: the node agents need privileged). */
    static Map<String, String> podSecurityByNamespace(StaticReport checks) {
        Map<String, PodSecurityLevel> levels = new java.util.TreeMap<>();
        for (StaticReport.Workload workload : checks.workloads()) {
            levels.merge(workload.namespace(), workload.needed(), (a, b) -> a.ordinal() <= b.ordinal() ? a : b);
        }
        Map<String, String> labels = new java.util.TreeMap<>();
        levels.forEach((namespace, level) -> labels.put(namespace, level.label()));
        return labels;
    }

    /** Findings as errors and warnings on stderr, then what the tools did and what was not checked. */
    static void tell(Console console, List<Finding> findings, StaticReport checks) {
        for (Finding finding : findings) {
            if (finding.isError()) {
                console.error("%s", finding);
            } else if (finding.isWarning()) {
                console.warn("%s", finding);
            } else {
                console.info("note: %s", finding);
            }
        }
        checks.tools().forEach(run -> console.info("%s: %s", run.tool(), run.summary()));
        checks.notes().forEach(note -> console.info("not checked: %s", note));
    }

    private static void printSummary(
            PrintWriter stdout,
            Path out,
            PlanBundle bundle,
            List<Finding> findings,
            StaticReport checks,
            int fileCount,
            String digest) {
        Table table = new Table("PHASE", "RELEASE", "CHART", "NAMESPACE", "RESOURCES");
        for (PlannedPhase phase : bundle.phases()) {
            if (!phase.enabled()) {
                table.row(phase.directory(), "-", "-", "-", "disabled");
                continue;
            }
            for (RenderedRelease release : phase.releases()) {
                table.row(
                        phase.directory(),
                        release.spec().releaseName(),
                        release.spec().chart().coordinate(),
                        release.spec().namespace(),
                        release.summary().describeKinds());
            }
        }
        table.print(stdout);
        List<String> replaced = new ArrayList<>();
        for (PlannedPhase phase : bundle.phases()) {
            phase.replaces().forEach(r -> replaced.add(r.release() + " (" + phase.id() + ")"));
        }
        if (!replaced.isEmpty()) {
            stdout.println("replaces: " + String.join(", ", replaced)
                    + ", where an earlier up installed them: up uninstalls each once its phase is verified");
        }
        stdout.println("bundle: " + out + " (" + fileCount + " files), rendered for Kubernetes " + bundle.kubeVersion()
                + " (" + bundle.kubeVersionSource() + "), " + digest);
        stdout.println(
                findings.isEmpty()
                        ? "static checks: passed"
                        : "static checks: " + Finding.counts(findings) + ", listed in "
                                + out.resolve(PlanBundleWriter.FINDINGS));
        long privileged = checks.workloads().stream()
                .filter(w -> w.needed() == PodSecurityLevel.PRIVILEGED)
                .count();
        stdout.println("pod security: " + checks.workloads().size() + " workloads, " + privileged
                + " need privileged (listed in " + out.resolve(BundleDigests.CHECKS_REPORT) + ")");
        stdout.flush();
    }

    private static void copySarif(Path bundle, Path target) {
        try {
            Path absolute = target.toAbsolutePath();
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            Files.copy(
                    bundle.resolve(BundleDigests.SARIF), absolute, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ConfigException(
                    "--sarif " + target + ": cannot write the SARIF report (" + e.getMessage()
                            + "); choose a writable path",
                    e);
        }
    }

    /** The config file as it was read, for the bundle's inputs; the built-in defaults are a file with apiVersion alone. */
    private static String configText(BootstrapConfig config) {
        if (config.source().equals(ConfigLoader.DEFAULTS_SOURCE)) {
            return "# obs-bootstrap plan used the built-in defaults: no config file was given\napiVersion: "
                    + ConfigLoader.API_VERSION + "\n";
        }
        try {
            return Files.readString(Path.of(config.source()));
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read the config file " + config.source() + " again to keep it in the bundle: "
                            + e.getMessage(),
                    e);
        }
    }

    /** The Secrets the enabled phases' charts read by name: the phases declare them, install.sh creates them. */
    static List<StackSecret> bundleSecrets(
            BootstrapConfig config, dev.obsbootstrap.core.config.StackTopology topology, PhasePlan phases) {
        List<StackSecret> secrets = new ArrayList<>();
        for (Phase phase : phases.ordered()) {
            if (phase.enabled(config)) {
                // a Secret several phases read (object storage) is declared by each, listed and checked once
                phase.secrets(config, topology).stream()
                        .filter(secret -> !secrets.contains(secret))
                        .forEach(secrets::add);
            }
        }
        return secrets;
    }

    /**
     * The credentials this process can see, for the secrets the phases declare (a receiver's URL, an admin password
     * override): none of them may end up in the bundle.
     */
    static List<SecretValue> secretValues(List<StackSecret> secrets) {
        List<SecretValue> values = new ArrayList<>();
        for (StackSecret secret : secrets) {
            for (StackSecret.Key key : secret.keys()) {
                String variable = key instanceof StackSecret.Key.FromEnv env
                        ? env.variable()
                        : key instanceof StackSecret.Key.Generated generated ? generated.variable() : null;
                String value = variable == null ? null : System.getenv(variable);
                if (value != null && !value.isEmpty()) {
                    values.add(new SecretValue("env:" + variable, value));
                }
            }
        }
        return values;
    }

    static String version() {
        return VersionProvider.properties().getProperty("version", "unknown");
    }

    private static String generator() {
        Properties properties = VersionProvider.properties();
        return "obs-bootstrap " + properties.getProperty("version", "unknown") + " (helm "
                + properties.getProperty("helm.version", "unknown") + ")";
    }
}
