package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigLoader;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.config.UserProfiles;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.plan.ArgoCdObjects;
import dev.obsbootstrap.core.plan.FluxObjects;
import dev.obsbootstrap.core.plan.GitOpsExport;
import dev.obsbootstrap.core.plan.KubeVersionChoice;
import dev.obsbootstrap.core.plan.SecretValue;
import dev.obsbootstrap.core.plan.VerifyCronJob;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write what plan renders as a GitOps engine's own objects, for many clusters reconciled by Flux or Argo CD.",
            "--format flux: HelmRepository/OCIRepository sources, one HelmRelease per release with dependsOn in phase "
                    + "order (CRDs first, replaced on upgrade) and a Flux Kustomization whose healthChecks name every "
                    + "HelmRelease. --format argocd: one Application per release with its phase as sync wave (CRDs "
                    + "in wave 0, server-side applied), or with --cluster-selector one ApplicationSet per release "
                    + "for every matching cluster. Values inline; Secrets only by name (README.md lists them).",
            "--verify-cronjob: a CronJob running `obs-bootstrap verify` in the cluster on a schedule, its "
                    + "least-privilege ServiceAccount and Role, and a PrometheusRule alerting when verification fails "
                    + "or stops running (kube-state-metrics' CronJob series).",
            "Offline: no chart is pulled and no cluster is read. Exit 2 on bad input, before anything is written."
        })
public final class ExportCommand extends BaseCommand {
    /** Marks a directory an earlier export wrote, which a new export may replace. */
    static final String MARKER = ".obs-bootstrap-export";

    enum Format {
        FLUX,
        ARGOCD
    }

    @Mixin
    ConfigMixin configOptions;

    @Option(names = "--format", paramLabel = "ENGINE", description = "flux or argocd.")
    Format format;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "A new or empty directory, or an earlier export to replace.")
    Path out;

    @Option(
            names = "--verify-cronjob",
            description = "Also write the scheduled in-cluster verify (verify/): CronJob, RBAC, alert rules.")
    boolean verifyCronJob;

    @Option(
            names = "--engine-namespace",
            paramLabel = "NS",
            description = "Where the engine's objects live (default: flux-system for Flux, argocd for Argo CD).")
    String engineNamespace;

    @Option(
            names = "--interval",
            paramLabel = "DURATION",
            defaultValue = "10m",
            description = "Flux: how often to reconcile (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(
            names = "--git-source",
            paramLabel = "NAME",
            defaultValue = "flux-system",
            description = "Flux: the GitRepository holding this directory (default: ${DEFAULT-VALUE}).")
    String gitSource;

    @Option(
            names = "--repo-path",
            paramLabel = "PATH",
            description = "Flux: this directory's path in that repository (default: ./ and the --out path).")
    String repoPath;

    @Option(
            names = "--cluster-selector",
            paramLabel = "LABEL=VALUE",
            description = "Argo CD: write ApplicationSets for every cluster Secret with these labels (repeatable).")
    List<String> clusterSelector = new ArrayList<>();

    @Option(
            names = "--project",
            paramLabel = "NAME",
            defaultValue = "default",
            description = "Argo CD: the AppProject (default: ${DEFAULT-VALUE}).")
    String project;

    @Option(
            names = "--image",
            paramLabel = "IMAGE",
            description = "--verify-cronjob: the obs-bootstrap image (default: ghcr.io/obs-bootstrap/obs-bootstrap:"
                    + "<this version>).")
    String image;

    @Option(
            names = "--schedule",
            paramLabel = "CRON",
            defaultValue = "*/15 * * * *",
            description = "--verify-cronjob: when to verify, as every N minutes (default: ${DEFAULT-VALUE}).")
    String schedule;

    private static final Pattern DURATION = Pattern.compile("\\d+(ms|s|m|h)(\\d+(ms|s|m|h))*");
    private static final Pattern EVERY_MINUTES = Pattern.compile("\\*/(\\d{1,2}) \\* \\* \\* \\*");
    private static final Pattern LABEL = Pattern.compile("([A-Za-z0-9./_-]+)=([A-Za-z0-9._-]*)");

    @Override
    protected ExitCode doCall() {
        // every argument is checked before the config is rendered and before the first file is written
        if (format == null && !verifyCronJob) {
            throw new ConfigException("export: say what to write: --format flux|argocd, --verify-cronjob, or both");
        }
        if (!DURATION.matcher(interval).matches()) {
            throw new ConfigException("--interval " + interval + ": expected a duration such as 10m or 1h");
        }
        Matcher every = EVERY_MINUTES.matcher(schedule);
        if (verifyCronJob && (!every.matches() || Integer.parseInt(every.group(1)) < 1)) {
            throw new ConfigException("--schedule '" + schedule + "': write it as every N minutes, '*/N * * * *' "
                    + "(the staleness alert needs the period)");
        }
        Map<String, String> selector = selector();
        if (!selector.isEmpty() && format != Format.ARGOCD) {
            throw new ConfigException("--cluster-selector is for --format argocd (Flux: one export per cluster path)");
        }
        checkTarget(out);

        BootstrapConfig config = loadConfig(configOptions);
        PhasePlan phases = phasePlan();
        GitOpsExport.Stack stack =
                GitOpsExport.of(phases, config, catalog(), new ValuesRenderer(), KubeVersionChoice.DEFAULT_VERSION);
        stack.releases().forEach(release -> {
            List<String> nulls = GitOpsExport.nullPaths(release.values());
            if (!nulls.isEmpty()) {
                console()
                        .warn(
                                "%s: %d values are null (%s): Helm reads null as 'remove this chart default'; "
                                        + "an API server may prune nulls from the engine's object, keeping the "
                                        + "default",
                                release.releaseName(),
                                nulls.size(),
                                String.join(", ", nulls.subList(0, Math.min(3, nulls.size()))));
            }
        });

        Map<String, String> files = new LinkedHashMap<>();
        String header = "# Written by obs-bootstrap " + PlanCommand.version() + " export (profile "
                + config.profile().name() + "). Re-run export instead of editing.\n";
        if (format == Format.FLUX) {
            String namespace = engineNamespace == null ? "flux-system" : engineNamespace;
            String path = repoPath != null
                    ? repoPath
                    : "./"
                            + (out.isAbsolute() ? out.getFileName() : out.normalize())
                                    .toString()
                                    .replace('\\', '/');
            Map<String, List<Map<String, Object>>> objects =
                    FluxObjects.files(stack, new FluxObjects.Options(namespace, interval, gitSource, path));
            if (verifyCronJob) {
                objects.put("flux-kustomization-verify.yaml", List.of(verifyKustomization(stack, namespace, path)));
            }
            objects.forEach((file, list) -> files.put(file, header + yaml(list)));
            files.put("kustomization.yaml", header + kustomize(objects.keySet(), "flux-kustomization"));
        } else if (format == Format.ARGOCD) {
            String namespace = engineNamespace == null ? "argocd" : engineNamespace;
            Map<String, List<Map<String, Object>>> objects =
                    ArgoCdObjects.files(stack, new ArgoCdObjects.Options(namespace, project, selector));
            objects.forEach((file, list) ->
                    files.put(file.startsWith("argocd-cm") ? "patches/" + file : file, header + yaml(list)));
            files.put("kustomization.yaml", header + kustomize(objects.keySet(), "argocd-cm"));
        }
        if (verifyCronJob) {
            VerifyCronJob.Options options = cronJobOptions(config, phases, every);
            files.put("verify/verify.yaml", header + yaml(VerifyCronJob.objects(options)));
            files.put("verify/kustomization.yaml", header + kustomize(List.of("verify.yaml"), "-"));
        }
        files.put("README.md", readme(stack, config));
        refuseSecretValues(
                files,
                PlanCommand.secretValues(
                        PlanCommand.bundleSecrets(config, catalog().topology(config), phases)));

        write(out, files);
        out().println("export: " + out + " (" + files.size() + " files), profile "
                + config.profile().name()
                + ", " + stack.releases().size() + " releases"
                + (format == null ? "" : " for " + format.name().toLowerCase(java.util.Locale.ROOT))
                + (verifyCronJob ? ", verify CronJob '" + schedule + "'" : ""));
        files.keySet().forEach(file -> out().println("  " + file));
        out().flush();
        return ExitCode.OK;
    }

    private Map<String, String> selector() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String entry : clusterSelector) {
            Matcher matcher = LABEL.matcher(entry);
            if (!matcher.matches()) {
                throw new ConfigException(
                        "--cluster-selector " + entry + ": expected LABEL=VALUE, for example env=prod");
            }
            labels.put(matcher.group(1), matcher.group(2));
        }
        return labels;
    }

    private VerifyCronJob.Options cronJobOptions(BootstrapConfig config, PhasePlan phases, Matcher every) {
        StackTopology topology = catalog().topology(config);
        TreeSet<String> logins = new TreeSet<>();
        for (Phase phase : phases.ordered()) {
            if (phase.enabled(config)) {
                phase.probeCredentials(topology).values().forEach(c -> logins.add(c.secretName()));
            }
        }
        // paths under the mounted folder: the pod reads them as the repository's own layout
        Map<String, String> configFiles = new LinkedHashMap<>();
        if (!config.source().equals(ConfigLoader.DEFAULTS_SOURCE)) {
            configFiles.put("obs-bootstrap.yaml", read(Path.of(config.source())));
            Path configDirectory = Path.of(config.source()).toAbsolutePath().getParent();
            for (Path file : UserProfiles.filesIn(configDirectory)) {
                configFiles.put(UserProfiles.DIRECTORY + "/" + file.getFileName(), read(file));
            }
        }
        if (configOptions.profile().isPresent()
                && UserProfiles.isPath(configOptions.profile().get())) {
            Path file = Path.of(configOptions.profile().get());
            configFiles.putIfAbsent(
                    UserProfiles.DIRECTORY + "/" + config.profile().name() + ".yaml", read(file));
        } else if (config.source().equals(ConfigLoader.DEFAULTS_SOURCE)) {
            for (Path file : UserProfiles.filesIn(Path.of("").toAbsolutePath())) {
                configFiles.put(UserProfiles.DIRECTORY + "/" + file.getFileName(), read(file));
            }
        }
        String profile = config.profile().name();
        String chosenImage = image != null ? image : "ghcr.io/obs-bootstrap/obs-bootstrap:" + PlanCommand.version();
        return new VerifyCronJob.Options(
                config.namespace(),
                config.cluster().stack(),
                chosenImage,
                schedule,
                Integer.parseInt(every.group(1)),
                profile,
                configFiles,
                logins);
    }

    private Map<String, Object> verifyKustomization(GitOpsExport.Stack stack, String namespace, String path) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", FluxObjects.KUSTOMIZATION);
        object.put("kind", "Kustomization");
        object.put("metadata", Map.of("name", stack.stack() + "-verify", "namespace", namespace));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("interval", interval);
        spec.put("path", path + "/verify");
        spec.put("prune", true);
        spec.put("sourceRef", Map.of("kind", "GitRepository", "name", gitSource));
        // the PrometheusRule needs the operator's CRDs, which the stack brings
        spec.put("dependsOn", List.of(Map.of("name", stack.stack() + "-stack")));
        object.put("spec", spec);
        return object;
    }

    static String yaml(List<Map<String, Object>> objects) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        return new Yaml(options).dumpAll(objects.iterator());
    }

    /** kustomize's own kustomization.yaml: every file but the engine's entry point and patches. */
    private static String kustomize(Iterable<String> files, String excludedPrefix) {
        StringBuilder text = new StringBuilder(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + "resources:\n");
        for (String file : files) {
            if (!file.startsWith(excludedPrefix)) {
                text.append("  - ").append(file).append('\n');
            }
        }
        return text.toString();
    }

    private String readme(GitOpsExport.Stack stack, BootstrapConfig config) {
        List<String> lines = new ArrayList<>();
        lines.add("# obs-bootstrap export: stack `" + stack.stack() + "`, profile `" + stack.profile()
                + "`, namespace `" + stack.namespace() + "`");
        lines.add("");
        lines.add("Install order (phase: releases):");
        stack.releases().stream()
                .map(GitOpsExport.Release::phase)
                .distinct()
                .forEach(phase -> lines.add("- " + phase + ": "
                        + String.join(
                                ", ",
                                stack.releases().stream()
                                        .filter(r -> r.phase().equals(phase))
                                        .map(r -> r.releaseName() + " ("
                                                + r.chart().coordinate() + ")")
                                        .toList())));
        lines.add("");
        lines.add("## Secrets to create first (never written here)");
        lines.add("");
        List<String> secrets = GitOpsExport.secretLines(stack);
        lines.addAll(secrets.isEmpty() ? List.of("None for this config.") : secrets);
        lines.add("");
        lines.add("Create them in the namespace before the engine syncs (SOPS, External Secrets, Sealed Secrets).");
        if (format == Format.FLUX) {
            lines.add("");
            lines.add("## Flux");
            lines.add("");
            lines.add(
                    "Commit this directory; put `flux-kustomization.yaml` where your cluster's Flux entry point reads "
                            + "it. Each HelmRelease `dependsOn` the releases of the phase before it, so the CRDs release is Ready "
                            + "before anything that renders a ServiceMonitor. The Kustomization's `healthChecks` list every "
                            + "HelmRelease: it is Ready only when the whole stack is.");
        }
        if (format == Format.ARGOCD) {
            lines.add("");
            lines.add("## Argo CD");
            lines.add("");
            lines.add("Sync waves order the Applications only when one parent Application (app of apps) syncs this "
                    + "directory and Argo CD assesses Application health, which it stopped doing by default in 1.8: "
                    + "merge `patches/argocd-cm-application-health.yaml` into the `argocd-cm` ConfigMap "
                    + "(for example `kubectl -n argocd patch configmap argocd-cm --patch-file ...`). Do not apply it "
                    + "as it is: it would replace the ConfigMap.");
            if (!selector().isEmpty()) {
                lines.add("");
                lines.add("ApplicationSets: one per release, for every cluster whose Argo CD cluster Secret has the "
                        + "labels " + selector() + ". Waves order the ApplicationSets, not the Applications they "
                        + "generate per cluster: in each cluster, the metrics release retries (SkipDryRunOnMissing"
                        + "Resource, retry with backoff) until the CRDs release has created the CRDs.");
            }
        }
        if (verifyCronJob) {
            lines.add("");
            lines.add("## Continuous verification (verify/)");
            lines.add("");
            lines.add("CronJob `" + stack.stack() + "-verify` runs `obs-bootstrap verify` on `" + schedule
                    + "` with a Role limited to the API server proxies, pods, services and the login Secrets by name. "
                    + "The PrometheusRule alerts on kube-state-metrics' `kube_cronjob_status_last_schedule_time` / "
                    + "`kube_cronjob_status_last_successful_time` when the latest run failed, when no run succeeded for "
                    + "three periods, and when the CronJob is gone.");
        }
        return String.join("\n", lines) + "\n";
    }

    private static void refuseSecretValues(Map<String, String> files, List<SecretValue> secrets) {
        for (Map.Entry<String, String> file : files.entrySet()) {
            for (SecretValue secret : secrets) {
                if (file.getValue().contains(secret.value())) {
                    throw new ConfigException("export: " + file.getKey() + " would hold the value of " + secret.source()
                            + "; the export keeps Secrets as references only: move that value into a Secret and "
                            + "reference it (see docs/configuration.md)");
                }
            }
        }
    }

    private static void checkTarget(Path out) {
        if (!Files.exists(out) || Files.exists(out.resolve(MARKER))) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new ConfigException("--out " + out + ": is a file; give a new or empty directory");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new ConfigException("--out " + out + ": not empty and not an earlier export (no " + MARKER
                        + "); give a new or empty directory");
            }
        } catch (IOException e) {
            throw new ConfigException("--out " + out + ": cannot read it: " + e.getMessage(), e);
        }
    }

    private static void write(Path out, Map<String, String> files) {
        try {
            if (Files.exists(out.resolve(MARKER))) {
                try (Stream<Path> walk = Files.walk(out)) {
                    for (Path path :
                            walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        if (!path.equals(out)) {
                            Files.delete(path);
                        }
                    }
                }
            }
            Files.createDirectories(out);
            Files.writeString(
                    out.resolve(MARKER),
                    "written by obs-bootstrap export; a new export replaces this " + "directory\n");
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = out.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
        } catch (IOException e) {
            throw new ConfigException("--out " + out + ": cannot write the export: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read it for the verify ConfigMap: " + e.getMessage(), e);
        }
    }
}
