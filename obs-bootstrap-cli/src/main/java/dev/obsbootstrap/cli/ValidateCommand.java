package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterTarget;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.console.Redactor;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.plan.BundleInstall;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.plan.StaticChecks;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.report.JUnitReport;
import dev.obsbootstrap.core.report.JsonReport;
import dev.obsbootstrap.core.report.TextReport;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import dev.obsbootstrap.core.run.RunFailure;
import dev.obsbootstrap.core.run.RunReport;
import dev.obsbootstrap.core.run.Verifier;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.core.validate.BundleEvidence;
import dev.obsbootstrap.core.validate.BundleManifests;
import dev.obsbootstrap.core.validate.BundleWiring;
import dev.obsbootstrap.core.validate.ChecksReport;
import dev.obsbootstrap.core.validate.ConfigTools;
import dev.obsbootstrap.core.validate.ManifestFile;
import dev.obsbootstrap.core.validate.SarifReport;
import dev.obsbootstrap.core.validate.ServerDryRun;
import dev.obsbootstrap.core.validate.StaticReport;
import dev.obsbootstrap.core.validate.StaticValidation;
import dev.obsbootstrap.core.validate.ValidationPath;
import dev.obsbootstrap.core.validate.ValidationPhases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Command(
        name = "validate",
        description = {
            "The validation playbook: check a plan bundle on the strongest path available, and say which path ran and what "
                    + "each path could not prove.",
            "static: the static checks only (no cluster). local: a throwaway K3s node runs the bundle with every probe "
                    + "(needs Docker). cluster: every object sent to the current kube context with --dry-run=server, and "
                    + "`verify` on what runs there. auto (default): cluster when a kube context answers, else local when a "
                    + "Docker engine is there, else static. Every path runs the static checks first. With --bundle DIR the "
                    + "reviewed bundle is validated as it is and the evidence goes into DIR/evidence/; without it the config is "
                    + "planned into --out DIR first. Exit 1 when a check or probe fails."
        })
public final class ValidateCommand extends BaseCommand {
    /** --path. */
    public enum PathChoice {
        AUTO,
        STATIC,
        LOCAL,
        CLUSTER
    }

    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Mixin
    OutputMixin output;

    @Mixin
    PlanOptions planOptions;

    @Option(
            names = "--path",
            paramLabel = "PATH",
            defaultValue = "auto",
            description = "auto, static, local or cluster (default: ${DEFAULT-VALUE}).")
    PathChoice path = PathChoice.AUTO;

    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description = "Validate this reviewed plan bundle (`plan --out DIR`) as it is.")
    Path bundle;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "Without --bundle: where the config is planned first (default: a new directory under the system's temp directory).")
    Path out;

    @Option(
            names = "--k3s-image",
            paramLabel = "IMAGE",
            description = "For the local path: the K3s node image (default: ${DEFAULT-VALUE}).")
    String k3sImage = EphemeralK3s.DEFAULT_IMAGE;

    @Option(
            names = "--images",
            paramLabel = "FILE",
            description = "For the local path: image archives K3s imports first. Repeatable.")
    List<Path> images = new ArrayList<>();

    @Override
    protected ExitCode doCall() {
        return reported("validate", output, configOptions, (runId, startedAt) -> {
            try {
                return validate(runId, startedAt);
            } catch (BootstrapException ended) {
                // the report keeps validate's own entries (static, local, cluster), each not run, with the reason
                List<PhaseOutcome> notRun = new ArrayList<>();
                for (ValidationPath each : ValidationPath.values()) {
                    notRun.add(PhaseOutcome.skipped(
                            each.id(), PhaseStatus.SKIPPED, "not run: validate ended before its paths"));
                }
                return new RunReport(
                        "validate",
                        runId,
                        configOptions.profile().orElse(""),
                        startedAt,
                        Duration.between(startedAt, Instant.now()),
                        notRun,
                        Optional.of(new RunFailure(ended.exitCode(), ended.getMessage())));
            }
        });
    }

    /** The validation itself; any {@link BootstrapException} ends it with validate's own report of paths not run. */
    private RunReport validate(String runId, Instant startedAt) {
        long started = System.nanoTime();
        Console console = console();
        if (clusterOptions.namespace().isPresent()) {
            throw new ConfigException(
                    "validate checks a bundle, whose namespace was fixed when it was planned: leave out "
                            + "--namespace, and plan with --set cluster.namespace=NS instead");
        }
        EphemeralK3s.checkOptions(k3sImage, images);
        BundleInstall reviewed = openOrPlan(console);
        ConfigMixin bundleConfig = BundleOptions.config(reviewed);
        BootstrapConfig config = loadConfig(bundleConfig, clusterOptions);
        PhasePlan plan = phasePlan();
        Chosen chosen = choosePath(config, console);
        try {
            console.info("validate: path %s (%s)", chosen.path().id(), chosen.reason());
            List<ManifestFile> files = BundleManifests.read(reviewed.directory());
            String kubeVersion = chosen.target()
                    .map(ClusterSession::helmKubeVersion)
                    .orElse(reviewed.inputs().kubeVersion());
            Optional<PodSecurityLevel> level =
                    planOptions.podSecurity().or(() -> chosen.hub().flatMap(hub -> namespaceLevel(hub, config)));
            long staticStarted = System.nanoTime();
            StaticReport checks =
                    new StaticValidation(kubeVersion, level, ConfigTools.onPath(plan.configCheckers())).check(files);
            List<Finding> findings = new ArrayList<>(planChecks(
                    reviewed,
                    config,
                    PlanCommand.bundleSecrets(config, catalog().topology(config), plan),
                    catalog().operatorResources()));
            findings.addAll(checks.findings());
            BundleWiring.Result wiring = new BundleWiring(
                            config.profile().name(),
                            config.profile().capacity(),
                            PlanCommand.bundleSecrets(config, catalog().topology(config), plan),
                            catalog().operatorResources(),
                            catalog().operatorPodSidecars(config.profile()))
                    .check(files);
            findings.addAll(wiring.findings());
            console.info("%s", wiring.sums());
            PlanCommand.tell(console, findings, checks);
            List<PhaseOutcome> phases = new ArrayList<>();
            phases.add(ValidationPhases.staticChecks(
                    checks, findings, Duration.ofNanos(System.nanoTime() - staticStarted)));
            String where = "no cluster";
            if (chosen.path() == ValidationPath.LOCAL) {
                LocalResult local = runLocal(reviewed);
                phases.add(local.outcome());
                where = local.where();
            } else {
                phases.add(ValidationPhases.notRun(
                        ValidationPath.LOCAL,
                        chosen.path() == ValidationPath.CLUSTER ? "the cluster path ran instead" : chosen.reason()));
            }
            if (chosen.path() == ValidationPath.CLUSTER) {
                ClusterTarget target = chosen.target().orElseThrow();
                phases.add(runCluster(chosen.hub().orElseThrow(), config, plan, files, runId, console));
                where = "context " + target.context() + " at " + target.serverUrl() + ", Kubernetes "
                        + target.kubernetesVersion();
            } else {
                phases.add(ValidationPhases.notRun(
                        ValidationPath.CLUSTER,
                        chosen.path() == ValidationPath.LOCAL ? "no kube context answers" : chosen.reason()));
            }
            RunReport report = new RunReport(
                    "validate",
                    runId,
                    config.profile().name(),
                    startedAt,
                    Duration.ofNanos(System.nanoTime() - started),
                    phases);
            planOptions
                    .sarif()
                    .ifPresent(file -> writeFile(file, SarifReport.write(findings, PlanCommand.version()), "--sarif"));
            recordEvidence(reviewed, chosen.path(), startedAt, report, checks, findings, where);
            return report;
        } finally {
            chosen.hub().ifPresent(ClusterHub::close);
        }
    }

    /** The bundle to validate: the one given (digests checked), or the config planned into --out now. */
    private BundleInstall openOrPlan(Console console) {
        if (bundle != null) {
            BundleOptions.refuseConfigOptions("validate", configOptions, planOptions.chartsDirs, null);
            return BundleInstall.open(bundle);
        }
        Path target = out;
        if (target == null) {
            try {
                target = Files.createTempDirectory("obs-bootstrap-validate-");
            } catch (IOException e) {
                throw new ConfigException(
                        "cannot create a directory to plan into: " + e.getMessage() + "; give --out DIR", e);
            }
        }
        console.info(
                "planning into %s (the bundle this run validates; give it to `up --bundle` to install exactly it)",
                target);
        StringWriter summary = new StringWriter();
        PlanCommand.writePlan(this, configOptions, planOptions, target, new PrintWriter(summary));
        summary.toString().lines().forEach(line -> console.info("%s", line));
        return BundleInstall.open(target);
    }

    /** The path to run, the reason, and for the cluster path the hub (open) and its target. */
    private record Chosen(
            ValidationPath path, String reason, Optional<ClusterHub> hub, Optional<ClusterTarget> target) {}

    private Chosen choosePath(BootstrapConfig config, Console console) {
        switch (path) {
            case STATIC -> {
                return new Chosen(ValidationPath.STATIC, "--path static", Optional.empty(), Optional.empty());
            }
            case LOCAL -> {
                requireDocker("validate --path local");
                return new Chosen(ValidationPath.LOCAL, "--path local", Optional.empty(), Optional.empty());
            }
            case CLUSTER -> {
                ClusterHub hub = ClusterSession.open(clusterOptions, config);
                try {
                    ClusterTarget target = ClusterSession.describe(hub, config, console);
                    return new Chosen(ValidationPath.CLUSTER, "--path cluster", Optional.of(hub), Optional.of(target));
                } catch (RuntimeException e) {
                    hub.close();
                    throw e;
                }
            }
            default -> {
                return auto(config, console);
            }
        }
    }

    /** The strongest path this machine has: a kube context that answers, else a Docker engine, else none. */
    private Chosen auto(BootstrapConfig config, Console console) {
        String noCluster;
        if (KubeContexts.anyConfigured(clusterOptions, System.getenv())) {
            ClusterHub hub = ClusterSession.open(clusterOptions, config);
            try {
                ClusterTarget target = ClusterSession.describe(hub, config, console);
                return new Chosen(
                        ValidationPath.CLUSTER,
                        "auto: kube context '" + target.context() + "' answers",
                        Optional.of(hub),
                        Optional.of(target));
            } catch (BootstrapException unreachable) {
                hub.close();
                noCluster = "the kube context does not answer: " + unreachable.getMessage();
            }
        } else {
            noCluster = "no kube context (no --kubeconfig, KUBECONFIG or ~/.kube/config)";
        }
        DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
        if (docker.available()) {
            return new Chosen(
                    ValidationPath.LOCAL,
                    "auto: " + noCluster + "; Docker engine at " + docker.engine(),
                    Optional.empty(),
                    Optional.empty());
        }
        return new Chosen(
                ValidationPath.STATIC,
                "auto: " + noCluster + ", and no Docker engine (looked at " + docker.describeLookedAt() + ")",
                Optional.empty(),
                Optional.empty());
    }

    private static void requireDocker(String command) {
        DockerEngine.Lookup docker = DockerEngine.find(System.getenv());
        if (!docker.available()) {
            throw new ClusterException(DockerEngine.missing(command, docker));
        }
    }

    /** The plan's own checks on the bundle as it is on disk: pinned images, memory, Secret data, secret values. */
    private static List<Finding> planChecks(
            BundleInstall reviewed,
            BootstrapConfig config,
            List<StackSecret> secrets,
            java.util.Set<String> operatorResources) {
        StaticChecks checks = new StaticChecks(
                        config.profile().name(),
                        config.profile().requireMemoryLimits(),
                        PlanCommand.secretValues(secrets))
                .withOperatorResources(operatorResources);
        List<Finding> findings = new ArrayList<>();
        for (BundleInstall.Release release : reviewed.releases()) {
            findings.addAll(checks.checkValues(
                    release.valuesFile(), read(reviewed.directory().resolve(release.valuesFile()))));
            findings.addAll(checks.checkManifests(
                    release.manifestsFile(),
                    release.namespace(),
                    read(reviewed.directory().resolve(release.manifestsFile()))));
        }
        return findings;
    }

    /** What the live stack namespace enforces, from its pod-security label. */
    private static Optional<PodSecurityLevel> namespaceLevel(ClusterHub hub, BootstrapConfig config) {
        var namespace = hub.client().namespaces().withName(config.namespace()).get();
        if (namespace == null || namespace.getMetadata().getLabels() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(namespace.getMetadata().getLabels().get(PodSecurityLevel.ENFORCE_LABEL))
                .map(label -> PodSecurityLevel.parse(
                        label, "namespace " + config.namespace() + " label " + PodSecurityLevel.ENFORCE_LABEL));
    }

    // ---- the cluster path

    private PhaseOutcome runCluster(
            ClusterHub hub,
            BootstrapConfig config,
            PhasePlan plan,
            List<ManifestFile> files,
            String runId,
            Console console) {
        long started = System.nanoTime();
        Console phaseConsole = console.forPhase(ValidationPath.CLUSTER.id());
        phaseConsole.info("server-side dry run of every object (nothing is stored)");
        List<ServerDryRun.Verdict> verdicts = new ServerDryRun(hub.client()).run(files);
        verdicts.stream()
                .filter(v -> v.checked() && !v.accepted())
                .forEach(v -> phaseConsole.error("%s (%s) refused: %s", v.subject(), v.file(), v.message()));
        List<ProbeResult> results = new ArrayList<>(ServerDryRun.results(
                verdicts, ValidationPath.CLUSTER.id(), Duration.ofNanos(System.nanoTime() - started)));
        StackTopology topology = catalog().topology(config);
        List<String> failedPhases = new ArrayList<>();
        try (ClusterProbeContext probes = ClusterSession.probeContext(config, topology, hub, plan, Map.of(), runId)) {
            Verifier verifier = new Verifier(console, clusterOptions.timeout());
            for (PhaseOutcome outcome :
                    verifier.verify(plan, Verifier.Selection.of(plan, List.of(), "--phase"), config, probes)) {
                if (outcome.status() == PhaseStatus.DISABLED || outcome.status() == PhaseStatus.SKIPPED) {
                    continue;
                }
                results.addAll(outcome.probes());
                if (outcome.status() != PhaseStatus.VERIFIED) {
                    failedPhases.add(outcome.phase());
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        boolean refused = verdicts.stream().anyMatch(v -> v.checked() && !v.accepted());
        String limits = "cannot prove " + ValidationPath.CLUSTER.cannotProve();
        if (refused || !failedPhases.isEmpty()) {
            String what = (refused ? "the dry run refused objects" : "")
                    + (refused && !failedPhases.isEmpty() ? "; " : "")
                    + (failedPhases.isEmpty() ? "" : "verify failed in " + String.join(", ", failedPhases));
            return new PhaseOutcome(
                    ValidationPath.CLUSTER.id(),
                    PhaseStatus.VERIFY_FAILED,
                    took,
                    List.of(),
                    results,
                    what + "; " + limits);
        }
        return new PhaseOutcome(ValidationPath.CLUSTER.id(), PhaseStatus.VERIFIED, took, List.of(), results, limits);
    }

    // ---- the local path

    private record LocalResult(PhaseOutcome outcome, String where) {}

    private LocalResult runLocal(BundleInstall reviewed) {
        long started = System.nanoTime();
        try (EphemeralK3s node = EphemeralK3s.start(k3sImage, images, false, System.getenv())) {
            Path reports;
            try {
                reports = Files.createTempDirectory("obs-bootstrap-validate-local-");
            } catch (IOException e) {
                throw new ConfigException(
                        "cannot create a directory for the local path's reports: " + e.getMessage(), e);
            }
            SmokeRun.Outcome outcome = new SmokeRun(this)
                    .run(
                            node,
                            SmokeRun.Target.of(
                                    configOptions, List.of(), clusterOptions.timeout(), Optional.of(reviewed), "ci"),
                            reports,
                            false);
            List<ProbeResult> results = new ArrayList<>();
            try {
                JsonNode upReport = JsonMapper.shared().readTree(outcome.upJson());
                for (JsonNode phase : upReport.path("phases")) {
                    String status = phase.path("status").asString("");
                    results.add(new ProbeResult(
                            ValidationPath.LOCAL.id(),
                            "up " + phase.path("id").asString(""),
                            "the phase installs on K3s and its probes pass",
                            status.equals("VERIFIED") || status.equals("DISABLED"),
                            1,
                            Duration.ofMillis(phase.path("durationMs").asLong(0)),
                            status,
                            phase.path("detail").asString(""),
                            ""));
                }
            } catch (RuntimeException unreadable) {
                results.add(new ProbeResult(
                        ValidationPath.LOCAL.id(),
                        "up",
                        "up ran",
                        false,
                        1,
                        Duration.ZERO,
                        "",
                        "no readable report",
                        ""));
            }
            outcome.down()
                    .ifPresent(code -> results.add(new ProbeResult(
                            ValidationPath.LOCAL.id(),
                            "down",
                            "down removes the stack",
                            code == ExitCode.OK,
                            1,
                            outcome.downTook(),
                            "exit " + code.code(),
                            "",
                            "")));
            String where = "K3s " + outcome.kubernetesVersion() + " (" + node.image() + "), reports in " + reports;
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String limits = "cannot prove " + ValidationPath.LOCAL.cannotProve();
            PhaseStatus status = outcome.exitCode() == ExitCode.OK
                    ? PhaseStatus.VERIFIED
                    : outcome.up() == ExitCode.CLUSTER_FAILURE ? PhaseStatus.INSTALL_FAILED : PhaseStatus.VERIFY_FAILED;
            return new LocalResult(
                    new PhaseOutcome(
                            ValidationPath.LOCAL.id(),
                            status,
                            took,
                            List.of(),
                            results,
                            (status == PhaseStatus.VERIFIED
                                            ? ""
                                            : "up exit " + outcome.up().code() + "; ")
                                    + limits),
                    where);
        }
    }

    // ---- evidence

    private void recordEvidence(
            BundleInstall reviewed,
            ValidationPath ran,
            Instant startedAt,
            RunReport report,
            StaticReport checks,
            List<Finding> findings,
            String where) {
        Map<String, String> files = new LinkedHashMap<>();
        Redactor redactor = Redactor.standard();
        try {
            StringWriter json = new StringWriter();
            new JsonReport(redactor).write(report, json);
            files.put("validate.json", json.toString());
            StringWriter text = new StringWriter();
            new TextReport(redactor, TextReport.Glyphs.forCharset(Charset.forName("US-ASCII"))).write(report, text);
            files.put("validate.txt", text.toString());
            StringWriter junit = new StringWriter();
            new JUnitReport(redactor).write(report, junit);
            files.put("junit.xml", junit.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot render the evidence reports: " + e.getMessage(), e);
        }
        files.put("checks.md", ChecksReport.markdown(checks, findings));
        files.put("findings.sarif", SarifReport.write(findings, PlanCommand.version()));
        long errors = findings.stream().filter(Finding::isError).count();
        String verdict = report.exitCode() == ExitCode.OK
                ? "passed" + (ran == ValidationPath.STATIC ? " (static checks only)" : "")
                : "failed: "
                        + report.phases().stream()
                                .filter(p -> p.status().exitCode() != ExitCode.OK)
                                .map(p -> p.phase() + " " + p.status())
                                .reduce((a, b) -> a + ", " + b)
                                .orElse("exit " + report.exitCode().code())
                        + (errors > 0 ? " (" + errors + " static error(s))" : "");
        Path dir = BundleEvidence.record(
                reviewed.directory(),
                new BundleEvidence.Run(
                        ran.id(),
                        startedAt,
                        Duration.between(startedAt, Instant.now()).toMillis(),
                        reviewed.digest(),
                        where,
                        verdict,
                        report.exitCode().code(),
                        files));
        console().info("evidence written to %s", dir);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeFile(Path file, String text, String option) {
        try {
            Path target = file.toAbsolutePath();
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.writeString(target, text);
        } catch (IOException e) {
            throw new ConfigException(
                    option + " " + file + ": cannot write it (" + e.getMessage() + "); choose a writable path", e);
        }
    }
}
