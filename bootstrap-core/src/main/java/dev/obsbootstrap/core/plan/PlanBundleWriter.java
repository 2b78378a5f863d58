package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.Durations;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.secret.StackSecret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a plan bundle a person can review, diff and run elsewhere:
 * <pre>
 * OUT/README.md                             what the bundle is and how to use it
 * OUT/summary.md, summary.json              phase, release, chart, namespace, resources by kind, images
 * OUT/findings.txt                          what the static checks found ("no findings" when clean)
 * OUT/install.sh                            the same install as helm and kubectl commands
 * OUT/NN-phase/release.values.yaml          the values Helm gets
 * OUT/NN-phase/release.manifests.yaml       what Helm renders from them
 * </pre>
 * The output depends only on the bundle (no timestamps, stable order), so two plans diff cleanly.
 * An earlier bundle in OUT is replaced; any other non-empty directory is refused.
 */
public final class PlanBundleWriter {
    public static final String README = "README.md";
    public static final String SUMMARY_MD = "summary.md";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String FINDINGS = "findings.txt";
    public static final String INSTALL = "install.sh";
    /** summary.json's marker: a directory holding it is an earlier bundle that may be replaced. */
    static final String BUNDLE_MARKER = "obs-bootstrap plan";

    private static final Pattern PHASE_DIRECTORY = Pattern.compile("\\d\\d-[a-z0-9-]+");
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@=+-]+");
    private final JsonMapper json =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final Map<String, String> podSecurity;

    public PlanBundleWriter() {
        this(Map.of());
    }

    /**
     * @param podSecurity namespace -> the Pod Security level ("privileged", "baseline", "restricted") its workloads
     *                    need, which install.sh labels the namespace with (enforce and warn), so a cluster that enforces a
     *                    stricter level by default still admits the node agents' pods
     */
    public PlanBundleWriter(Map<String, String> podSecurity) {
        this.podSecurity = Map.copyOf(podSecurity);
    }

    /** Writes the bundle and its findings into {@code out}; returns the bundle-relative paths written, in order. */
    public List<String> write(PlanBundle bundle, List<Finding> findings, Path out) {
        BundleFiles files = start(out);
        List<String> written = new ArrayList<>(writeSummaries(bundle, findings, files));
        written.addAll(writeReleases(bundle, files));
        return List.copyOf(written);
    }

    /**
     * Makes {@code out} ready for a new bundle (created, or an earlier bundle's files removed; any other non-empty
     * directory is refused) and returns what writes into it.
     */
    private static BundleFiles start(Path out) {
        prepare(out);
        return new BundleFiles(out);
    }

    /**
     * Each release's values and manifests file, streamed to disk one after the other (no copy of all of them in
     * memory at once); returns their bundle-relative paths in bundle order. They depend on nothing the checks find, so
     * plan writes them while its checks still run.
     */
    public static List<String> writeReleases(PlanBundle bundle, BundleFiles files) {
        List<String> written = new ArrayList<>();
        try {
            for (PlannedPhase phase : bundle.phases()) {
                for (RenderedRelease release : phase.releases()) {
                    files.write(phase.valuesFile(release), valuesHeader(bundle, release), valuesBody(release));
                    files.write(
                            phase.manifestsFile(release),
                            manifestsHeader(bundle, release),
                            ensureNewline(release.manifests()));
                    written.add(phase.valuesFile(release));
                    written.add(phase.manifestsFile(release));
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write the plan bundle to " + files.root() + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** README, summaries, findings and install.sh, which need the findings; returns their bundle-relative paths. */
    public List<String> writeSummaries(PlanBundle bundle, List<Finding> findings, BundleFiles files) {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put(README, readme(bundle));
        texts.put(SUMMARY_MD, summaryMarkdown(bundle, findings));
        texts.put(SUMMARY_JSON, summaryJson(bundle, findings));
        texts.put(FINDINGS, findingsText(findings));
        texts.put(INSTALL, installScript(bundle));
        try {
            for (Map.Entry<String, String> file : texts.entrySet()) {
                files.write(file.getKey(), file.getValue());
            }
            makeExecutable(files.root().resolve(INSTALL));
        } catch (IOException e) {
            throw new ConfigException("cannot write the plan bundle to " + files.root() + ": " + e.getMessage(), e);
        }
        return List.copyOf(texts.keySet());
    }

    // ---- the directory

    private static void prepare(Path out) {
        try {
            List<Path> kept = keptEntries(out);
            Files.createDirectories(out);
            try (Stream<Path> list = Files.list(out)) {
                for (Path entry : list.sorted().toList()) {
                    if (!kept.contains(entry)) {
                        deleteRecursively(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot prepare --out " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * The entries of {@code out} a new bundle keeps: none when it is absent or empty; when it holds an earlier bundle,
     * those that are not the plan's own (a reviewer's notes). The plan's own entries are replaced.
     *
     * @throws ConfigException when {@code out} is a file, or a non-empty directory that holds no earlier bundle
     */
    static List<Path> keptEntries(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException("--out " + out + " is a file; give a directory for the plan bundle");
        }
        if (!Files.exists(out)) {
            return List.of();
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(out)) {
            entries = list.sorted().toList();
        }
        if (entries.isEmpty()) {
            return List.of();
        }
        if (!isBundle(out.resolve(SUMMARY_JSON))) {
            throw new ConfigException("--out " + out + " is not empty and holds no earlier plan bundle; "
                    + "give a new or empty directory (obs-bootstrap replaces only its own bundles)");
        }
        List<Path> kept = new ArrayList<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            boolean own =
                    Set.of(README, SUMMARY_MD, SUMMARY_JSON, FINDINGS, INSTALL).contains(name)
                            || BundleDigests.SEALED_ENTRIES.contains(name)
                            || (Files.isDirectory(entry)
                                    && PHASE_DIRECTORY.matcher(name).matches());
            if (!own) {
                kept.add(entry);
            }
        }
        return kept;
    }

    private static boolean isBundle(Path summary) {
        if (!Files.isRegularFile(summary)) {
            return false;
        }
        try {
            JsonNode node = JsonMapper.builder().build().readTree(Files.readString(summary));
            return BUNDLE_MARKER.equals(node.path("bundle").asString(""));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    private static void makeExecutable(Path script) throws IOException {
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows has no execute bit: `bash install.sh` works all the same
        }
    }

    // ---- per release

    private static String valuesHeader(PlanBundle bundle, RenderedRelease release) {
        ReleaseSpec spec = release.spec();
        return "# Values of release " + spec.releaseName() + " ("
                + spec.chart().coordinate() + ") in namespace " + spec.namespace() + ", profile " + bundle.profile()
                + ".\n";
    }

    private static String valuesBody(RenderedRelease release) {
        return ensureNewline(release.spec().valuesYaml());
    }

    /** The text of a release's manifests file in the bundle, exactly as written: what the static checks read, line for line. */
    public static String manifestsFile(PlanBundle bundle, RenderedRelease release) {
        return manifestsHeader(bundle, release) + ensureNewline(release.manifests());
    }

    private static String manifestsHeader(PlanBundle bundle, RenderedRelease release) {
        ReleaseSpec spec = release.spec();
        return "# Manifests of release " + spec.releaseName() + " ("
                + spec.chart().coordinate() + ") in namespace " + spec.namespace() + ", rendered for Kubernetes "
                + bundle.kubeVersion() + " (Helm hooks not included: see README.md).\n";
    }

    private static String ensureNewline(String text) {
        return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    }

    // ---- summary

    String summaryMarkdown(PlanBundle bundle, List<Finding> findings) {
        StringBuilder md = new StringBuilder();
        md.append("# obs-bootstrap plan\n\n");
        md.append("Profile `")
                .append(bundle.profile())
                .append("`, rendered for Kubernetes ")
                .append(bundle.kubeVersion())
                .append(" (")
                .append(bundle.kubeVersionSource())
                .append(") by ")
                .append(bundle.generator())
                .append(".\n\n");
        md.append("| phase | release | chart | namespace | install | resources |\n");
        md.append("|---|---|---|---|---|---|\n");
        Map<String, Set<String>> imageUsers = new LinkedHashMap<>();
        List<String> disabled = new ArrayList<>();
        for (PlannedPhase phase : bundle.phases()) {
            if (!phase.enabled()) {
                disabled.add(phase.id());
                continue;
            }
            for (RenderedRelease release : phase.releases()) {
                ReleaseSpec spec = release.spec();
                ReleaseSummary summary = release.summary();
                md.append("| ")
                        .append(phase.directory())
                        .append(" | ")
                        .append(spec.releaseName())
                        .append(" | ")
                        .append(spec.chart().coordinate())
                        .append(" | ")
                        .append(spec.namespace())
                        .append(" | ")
                        .append(installWord(spec.mode()))
                        .append(" | ")
                        .append(summary.describeKinds())
                        .append(" |\n");
                for (String image : summary.images()) {
                    imageUsers.computeIfAbsent(image, i -> new TreeSet<>()).add(spec.releaseName());
                }
            }
        }
        if (!disabled.isEmpty()) {
            md.append("\nDisabled phases: ").append(String.join(", ", disabled)).append(".\n");
        }
        List<String> replaced = new ArrayList<>();
        for (PlannedPhase phase : bundle.phases()) {
            phase.replaces()
                    .forEach(r -> replaced.add("`" + r.release() + "` (" + r.chart() + ", phase " + phase.id() + ")"));
        }
        if (!replaced.isEmpty()) {
            md.append("\nReplaces ")
                    .append(String.join(", ", replaced))
                    .append(": the releases of the choices this config did not make. Where an earlier `up` installed")
                    .append(" one, `up` uninstalls it once its phase is verified with what replaces it (Helm keeps")
                    .append(
                            " its PersistentVolumeClaims; object storage keeps its data), and `down` removes it too.\n");
        }
        md.append("\n## Images\n\n");
        if (imageUsers.isEmpty()) {
            md.append("None.\n");
        }
        imageUsers.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> md.append("- `")
                        .append(entry.getKey())
                        .append("` (")
                        .append(String.join(", ", entry.getValue()))
                        .append(")\n"));
        md.append("\n## Findings\n\n");
        md.append(
                findings.isEmpty()
                        ? "None: every static check passed.\n"
                        : Finding.counts(findings) + ": see `" + FINDINGS + "`.\n");
        return md.toString();
    }

    String summaryJson(PlanBundle bundle, List<Finding> findings) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bundle", BUNDLE_MARKER);
        root.put("generator", bundle.generator());
        root.put("profile", bundle.profile());
        root.put("kubeVersion", bundle.kubeVersion());
        root.put("kubeVersionSource", bundle.kubeVersionSource());
        List<Object> phases = new ArrayList<>();
        for (PlannedPhase phase : bundle.phases()) {
            Map<String, Object> phaseJson = new LinkedHashMap<>();
            phaseJson.put("index", phase.index());
            phaseJson.put("phase", phase.id());
            phaseJson.put("description", phase.description());
            phaseJson.put("enabled", phase.enabled());
            List<Object> releases = new ArrayList<>();
            for (RenderedRelease release : phase.releases()) {
                ReleaseSpec spec = release.spec();
                ReleaseSummary summary = release.summary();
                Map<String, Object> releaseJson = new LinkedHashMap<>();
                releaseJson.put("component", spec.componentId());
                releaseJson.put("release", spec.releaseName());
                releaseJson.put("namespace", spec.namespace());
                releaseJson.put("chart", spec.chart().coordinate());
                releaseJson.put("repository", spec.chart().repository());
                releaseJson.put("install", installWord(spec.mode()));
                releaseJson.put("values", phase.valuesFile(release));
                releaseJson.put("manifests", phase.manifestsFile(release));
                releaseJson.put("resources", summary.kinds());
                releaseJson.put("images", List.copyOf(summary.images()));
                releases.add(releaseJson);
            }
            phaseJson.put("releases", releases);
            phaseJson.put(
                    "replaces",
                    phase.replaces().stream()
                            .map(r -> {
                                Map<String, Object> item = new LinkedHashMap<>();
                                item.put("component", r.component());
                                item.put("release", r.release());
                                item.put("chart", r.chart());
                                return item;
                            })
                            .toList());
            phases.add(phaseJson);
        }
        root.put("phases", phases);
        Map<String, Object> findingsJson = new LinkedHashMap<>();
        findingsJson.put("errors", findings.stream().filter(Finding::isError).count());
        findingsJson.put(
                "warnings", findings.stream().filter(Finding::isWarning).count());
        findingsJson.put(
                "notes",
                findings.stream()
                        .filter(f -> f.severity() == Finding.Severity.NOTE)
                        .count());
        findingsJson.put(
                "items",
                findings.stream()
                        .map(f -> {
                            Map<String, Object> item = new LinkedHashMap<>();
                            item.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
                            item.put("file", f.file());
                            item.put("subject", f.subject());
                            item.put("message", f.message());
                            item.put("rule", f.rule());
                            item.put("line", f.line());
                            return item;
                        })
                        .toList());
        root.put("findings", findingsJson);
        return json.writeValueAsString(root) + "\n";
    }

    private static String installWord(InstallMode mode) {
        return mode == InstallMode.APPLY_CRDS ? "apply-crds" : "helm";
    }

    static String findingsText(List<Finding> findings) {
        if (findings.isEmpty()) {
            return "no findings\n";
        }
        StringBuilder text = new StringBuilder();
        for (Finding finding : findings) {
            text.append(finding.severity().name().toLowerCase(Locale.ROOT))
                    .append(": ")
                    .append(finding)
                    .append('\n');
        }
        return text.toString();
    }

    // ---- install.sh

    String installScript(PlanBundle bundle) {
        Map<String, String> aliases = repositoryAliases(bundle);
        Set<String> namespaces = new TreeSet<>();
        bundle.phases()
                .forEach(p -> p.releases().forEach(r -> namespaces.add(r.spec().namespace())));
        bundle.secrets().forEach(s -> namespaces.add(s.namespace()));
        List<String> environment = new ArrayList<>();
        for (StackSecret secret : bundle.secrets()) {
            for (StackSecret.Key key : secret.keys()) {
                if (key instanceof StackSecret.Key.Generated generated) {
                    environment.add("#   " + generated.variable() + "  " + key.key() + " of Secret " + secret.name()
                            + " (" + secret.purpose() + "); default: a random value, kept only in the cluster");
                } else if (key instanceof StackSecret.Key.FromEnv fromEnv) {
                    environment.add("#   " + fromEnv.variable() + "  " + key.key() + " of Secret " + secret.name()
                            + " (" + secret.purpose() + "); required");
                }
            }
        }
        StringBuilder sh = new StringBuilder();
        sh.append("#!/usr/bin/env bash\n");
        sh.append("# Installs what `obs-bootstrap plan` rendered (profile ")
                .append(bundle.profile())
                .append(", Kubernetes ")
                .append(bundle.kubeVersion())
                .append(") with helm and kubectl, phase by phase.\n");
        sh.append("# Generated by ")
                .append(bundle.generator())
                .append(". Review the files beside it first (README.md).\n");
        sh.append("# Needs helm 3, kubectl and openssl; installs into kubectl's current context.\n");
        sh.append("#\n# Environment:\n");
        environment.forEach(line -> sh.append(line).append('\n'));
        sh.append(
                "#   CHARTS_DIR  take charts from this directory (<name>/ or <name>-<version>.tgz) instead of their repositories\n");
        sh.append("set -euo pipefail\n");
        sh.append("cd \"$(dirname \"$0\")\"\n\n");
        sh.append("echo \"installing into kube context '$(kubectl config current-context)'\" >&2\n\n");
        sh.append("# chart NAME VERSION REFERENCE: the chart from $CHARTS_DIR when set, else REFERENCE\n");
        sh.append("chart() {\n");
        sh.append("  if [[ -n \"${CHARTS_DIR:-}\" ]]; then\n");
        sh.append(
                "    if [[ -d \"$CHARTS_DIR/$1\" ]]; then echo \"$CHARTS_DIR/$1\"; else echo \"$CHARTS_DIR/$1-$2.tgz\"; fi\n");
        sh.append("  else\n");
        sh.append("    echo \"$3\"\n");
        sh.append("  fi\n");
        sh.append("}\n\n");
        if (!aliases.isEmpty()) {
            sh.append("if [[ -z \"${CHARTS_DIR:-}\" ]]; then\n");
            aliases.forEach((url, alias) -> sh.append("  helm repo add ")
                    .append(alias)
                    .append(' ')
                    .append(quote(url))
                    .append(" --force-update\n"));
            sh.append("  helm repo update ")
                    .append(String.join(" ", aliases.values()))
                    .append('\n');
            sh.append("fi\n\n");
        }
        sh.append("# namespaces\n");
        for (String namespace : namespaces) {
            sh.append("kubectl create namespace ")
                    .append(quote(namespace))
                    .append(" --dry-run=client -o yaml | kubectl apply -f -\n");
            String level = podSecurity.get(namespace);
            if (level != null) {
                sh.append("# Pod Security: the level this namespace's workloads need (checks.md lists each and why)\n")
                        .append("kubectl label namespace ")
                        .append(quote(namespace))
                        .append(" pod-security.kubernetes.io/enforce=")
                        .append(quote(level))
                        .append(" pod-security.kubernetes.io/warn=")
                        .append(quote(level))
                        .append(" --overwrite\n");
            }
        }
        sh.append('\n');
        for (StackSecret secret : bundle.secrets()) {
            appendSecret(sh, secret);
        }
        for (PlannedPhase phase : bundle.phases()) {
            if (!phase.enabled()) {
                sh.append("# ").append(phase.directory()).append(": disabled\n\n");
                continue;
            }
            sh.append("# ")
                    .append(phase.directory())
                    .append(": ")
                    .append(phase.description())
                    .append('\n');
            for (RenderedRelease release : phase.releases()) {
                appendRelease(sh, phase, release, aliases);
            }
            String namespace = phase.releases().isEmpty()
                    ? ""
                    : phase.releases().get(0).spec().namespace();
            for (PlannedPhase.Replaced replaced : phase.replaces()) {
                // not run: only a verified phase may replace what worked before, and this script verifies nothing
                sh.append("# replaces ")
                        .append(replaced.release())
                        .append(" (")
                        .append(replaced.chart())
                        .append(
                                "), another choice of the config; if an earlier install left it running, remove it once")
                        .append(" this phase is verified (obs-bootstrap verify):\n#   helm uninstall ")
                        .append(replaced.release())
                        .append(" --namespace ")
                        .append(namespace)
                        .append('\n');
            }
            sh.append('\n');
        }
        sh.append("echo \"installed; verify with: obs-bootstrap verify --profile ")
                .append(bundle.profile())
                .append("\" >&2\n");
        return sh.toString();
    }

    private static void appendSecret(StringBuilder sh, StackSecret secret) {
        String name = quote(secret.name());
        String namespace = quote(secret.namespace());
        if (secret.isUserProvided()) {
            List<String> keys = secret.keys().stream().map(StackSecret.Key::key).toList();
            sh.append("# Secret ")
                    .append(secret.name())
                    .append(": ")
                    .append(secret.purpose())
                    .append(". You create it; this script only checks that it holds its keys.\n");
            sh.append("for key in ")
                    .append(String.join(
                            " ", keys.stream().map(PlanBundleWriter::quote).toList()))
                    .append("; do\n");
            sh.append("  if [[ -z \"$(kubectl get secret ")
                    .append(name)
                    .append(" --namespace ")
                    .append(namespace)
                    .append(" -o \"jsonpath={.data.$key}\" 2>/dev/null)\" ]]; then\n");
            sh.append("    echo \"Secret ")
                    .append(secret.namespace())
                    .append('/')
                    .append(secret.name())
                    .append(" needs key $key; create it: kubectl -n ")
                    .append(secret.namespace())
                    .append(" create secret generic ")
                    .append(secret.name())
                    .append(' ')
                    .append(String.join(
                            " ",
                            keys.stream()
                                    .map(k -> "--from-literal=" + k + "=...")
                                    .toList()))
                    .append("\" >&2\n");
            sh.append("    exit 1\n  fi\ndone\n\n");
            return;
        }
        String indent = secret.replace() ? "" : "  ";
        sh.append("# Secret ")
                .append(secret.name())
                .append(": ")
                .append(secret.purpose())
                .append(secret.replace() ? ". Rewritten on every run" : ". Created once, never overwritten")
                .append("; no value of it is in this bundle.\n");
        if (!secret.replace()) {
            sh.append("if ! kubectl get secret ")
                    .append(name)
                    .append(" --namespace ")
                    .append(namespace)
                    .append(" >/dev/null 2>&1; then\n");
        }
        List<String> sources = new ArrayList<>();
        for (StackSecret.Key key : secret.keys()) {
            if (key instanceof StackSecret.Key.Literal literal) {
                sources.add("--from-literal=" + quote(literal.key() + "=" + literal.value()));
            } else if (key instanceof StackSecret.Key.Generated generated) {
                sh.append(indent)
                        .append(": \"${")
                        .append(generated.variable())
                        .append(":=$(openssl rand -base64 24)}\"\n");
                sources.add(fileFromVariable(key.key(), generated.variable()));
            } else if (key instanceof StackSecret.Key.FromEnv fromEnv) {
                sh.append(indent)
                        .append(": \"${")
                        .append(fromEnv.variable())
                        .append(":?set ")
                        .append(fromEnv.variable())
                        .append(" to the ")
                        .append(key.key())
                        .append(" of Secret ")
                        .append(secret.name())
                        .append("}\"\n");
                sources.add(fileFromVariable(key.key(), fromEnv.variable()));
            } else if (key instanceof StackSecret.Key.FromSecret fromSecret) {
                sources.add(
                        "--from-file=" + quote(key.key()) + "=<(kubectl get secret " + quote(fromSecret.secretName())
                                + " --namespace " + namespace + " -o jsonpath="
                                + quote("{.data." + fromSecret.secretKey() + "}")
                                + " | base64 -d)");
            }
        }
        sh.append(indent)
                .append("kubectl create secret generic ")
                .append(name)
                .append(" --namespace ")
                .append(namespace);
        for (String source : sources) {
            sh.append(" \\\n").append(indent).append("  ").append(source);
        }
        if (secret.replace()) {
            sh.append(
                    " \\\n  --dry-run=client -o yaml | kubectl apply --server-side --field-manager obs-bootstrap --force-conflicts -f -\n\n");
        } else {
            sh.append("\nfi\n\n");
        }
    }

    /** Process substitution keeps the value out of kubectl's argument list, which other users can read. */
    private static String fileFromVariable(String key, String variable) {
        return "--from-file=" + quote(key) + "=<(printf '%s' \"$" + variable + "\")";
    }

    private static void appendRelease(
            StringBuilder sh, PlannedPhase phase, RenderedRelease release, Map<String, String> aliases) {
        ReleaseSpec spec = release.spec();
        String manifests = quote(phase.manifestsFile(release));
        if (spec.mode() == InstallMode.APPLY_CRDS) {
            // server-side: the operator's CRDs exceed the 256 KiB last-applied annotation of client-side apply
            sh.append("kubectl apply --server-side --field-manager obs-bootstrap --force-conflicts -f ")
                    .append(manifests)
                    .append('\n');
            sh.append("kubectl wait --for condition=Established --timeout ")
                    .append(spec.timeout().toSeconds())
                    .append("s -f ")
                    .append(manifests)
                    .append('\n');
            return;
        }
        ChartRef chart = spec.chart();
        sh.append("helm upgrade --install ")
                .append(quote(spec.releaseName()))
                .append(" \"$(chart ")
                .append(quote(chart.name()))
                .append(' ')
                .append(quote(chart.version()))
                .append(' ')
                .append(quote(chartReference(chart, aliases)))
                .append(")\" \\\n");
        sh.append("  --version ")
                .append(quote(chart.version()))
                .append(" --namespace ")
                .append(quote(spec.namespace()))
                .append(" --create-namespace \\\n");
        sh.append("  -f ")
                .append(quote(phase.valuesFile(release)))
                .append(" --wait --timeout ")
                .append(Durations.format(spec.timeout()))
                .append('\n');
    }

    private static String chartReference(ChartRef chart, Map<String, String> aliases) {
        if (chart.isOci()) {
            return chart.repository().endsWith("/" + chart.name())
                    ? chart.repository()
                    : chart.repository() + "/" + chart.name();
        }
        return aliases.get(chart.repository()) + "/" + chart.name();
    }

    /** A `helm repo add` name per https repository: the GitHub Pages owner, else the host ("charts", "example-org"). */
    static Map<String, String> repositoryAliases(PlanBundle bundle) {
        Map<String, String> aliases = new LinkedHashMap<>();
        Set<String> taken = new TreeSet<>();
        for (PlannedPhase phase : bundle.phases()) {
            for (RenderedRelease release : phase.releases()) {
                ChartRef chart = release.spec().chart();
                if (chart.isOci()
                        || release.spec().mode() == InstallMode.APPLY_CRDS
                        || aliases.containsKey(chart.repository())) {
                    continue;
                }
                String base = aliasBase(chart.repository());
                String alias = base;
                for (int n = 2; taken.contains(alias); n++) {
                    alias = base + "-" + n;
                }
                taken.add(alias);
                aliases.put(chart.repository(), alias);
            }
        }
        return aliases;
    }

    private static String aliasBase(String repository) {
        String host;
        try {
            host = URI.create(repository).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        if (host == null || host.isEmpty()) {
            return "charts";
        }
        String base = host.endsWith(".github.io") ? host.substring(0, host.length() - ".github.io".length()) : host;
        return base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    }

    static String quote(String word) {
        if (SHELL_SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    // ---- README

    String readme(PlanBundle bundle) {
        StringBuilder md = new StringBuilder();
        md.append("# obs-bootstrap plan bundle\n\n");
        md.append("What `obs-bootstrap up --profile ")
                .append(bundle.profile())
                .append("` would install, rendered without a cluster by ")
                .append(bundle.generator())
                .append(" for Kubernetes ")
                .append(bundle.kubeVersion())
                .append(" (")
                .append(bundle.kubeVersionSource())
                .append(").\n\n");
        md.append("## Files\n\n");
        md.append(
                "- `summary.md` / `summary.json`: every phase in install order, its releases, charts, namespaces, resources by kind and images.\n");
        md.append(
                "- `findings.txt`: what the static checks found (unpinned images, missing memory requests/limits, Secret data, secret values, objects that are not Kubernetes objects). `plan` exits 2 when it lists an error.\n");
        md.append("- `NN-phase/<release>.values.yaml`: the exact values Helm gets.\n");
        md.append("- `NN-phase/<release>.manifests.yaml`: what Helm renders from them (`helm template`).\n");
        md.append("- `install.sh`: the same installation as helm and kubectl commands, in phase order.\n\n");
        md.append("## Phases\n\n");
        for (PlannedPhase phase : bundle.phases()) {
            md.append("- `")
                    .append(phase.directory())
                    .append("`: ")
                    .append(phase.description())
                    .append(phase.enabled() ? "" : " (disabled)")
                    .append('\n');
        }
        md.append(
                "\nEach phase starts only after the previous one is installed and ready. `obs-bootstrap up` also proves each\n");
        md.append(
                "phase works (metrics scraped, a log line and a trace round-tripped, an alert routed) before going on; `install.sh`\n");
        md.append("only waits for readiness (`helm --wait`), so run `obs-bootstrap verify` afterwards.\n\n");
        md.append("## Running install.sh\n\n");
        md.append(
                "```\nbash install.sh                    # kubectl's current context, charts from their repositories\n");
        md.append(
                "CHARTS_DIR=/charts bash install.sh # charts from a directory (<name>/ or <name>-<version>.tgz), offline\n```\n\n");
        md.append(
                "CustomResourceDefinitions are applied server-side (`kubectl apply --server-side`: they are too large for\n");
        md.append("client-side apply) and waited on until Established before any release that uses them.\n\n");
        md.append("## Secrets\n\n");
        if (bundle.secrets().isEmpty()) {
            md.append("The bundle needs no Secrets.\n\n");
        } else {
            md.append(
                    "No secret value is in this bundle. `install.sh` creates these Secrets once (never overwriting them), from\n");
            md.append("environment variables or freshly generated values:\n\n");
            for (StackSecret secret : bundle.secrets()) {
                md.append("- `")
                        .append(secret.namespace())
                        .append('/')
                        .append(secret.name())
                        .append("`: ")
                        .append(secret.purpose())
                        .append('\n');
            }
            md.append('\n');
        }
        md.append("## Not in the manifests\n\n");
        md.append("- Helm hooks (test pods, pre-install jobs): Helm runs them during `helm upgrade --install`.\n");
        md.append(
                "- CRDs a chart keeps in its `crds/` directory: Helm installs those only when they are missing; the stack's\n");
        md.append("  operator CRDs come from the crds phase instead.\n");
        md.append("- Objects an operator creates later (StatefulSets an operator makes from a custom resource).\n\n");
        md.append(
                "The bundle is deterministic: plan the same config twice and the files are identical, so `diff -r` of two\n");
        md.append("bundles shows exactly what a change would do.\n");
        md.append("\n## What was verified where\n\n");
        md.append("This bundle is meant to be reviewed once and then applied exactly as reviewed:\n\n");
        md.append(
                "1. **Here, without a cluster** (`plan`, again with `obs-bootstrap validate --path static --bundle DIR`): every object\n");
        md.append("   against the Kubernetes ")
                .append(bundle.kubeVersion())
                .append(" API (unknown fields, wrong types, missing required fields,\n");
        md.append(
                "   removed and deprecated APIs), every custom resource against its CRD's schema, the Pod Security level each workload\n");
        md.append(
                "   needs, pinned images, memory limits, no secret in the bundle, and the components' configs by their own tools\n");
        md.append(
                "   where they were on PATH. Results: `findings.txt`, `checks.md` (what ran, what was skipped), `findings.sarif`.\n");
        md.append(
                "   Static checks cannot prove that the stack starts, that admission webhooks and quotas accept it, or that data flows.\n");
        md.append(
                "2. **On a throwaway K3s node** (`obs-bootstrap smoke --bundle DIR`, where a Docker engine runs): this exact bundle\n");
        md.append(
                "   installed and every probe run (logs, traces, metrics and alerts proven to flow). It cannot prove what only your\n");
        md.append("   cluster has: its admission policies, storage classes, network policies, node sizes.\n");
        md.append(
                "3. **Against the target cluster without changing it** (`obs-bootstrap validate --path cluster --bundle DIR`): every\n");
        md.append(
                "   object sent with `--dry-run=server` (the cluster's own API, admission and quotas), and `verify` on what runs there now.\n\n");
        md.append(
                "Each of those runs writes its evidence (reports, cluster version, timings, this bundle's digest) into `evidence/`;\n");
        md.append(
                "`evidence/README.md` lists them. `digests.sha256` holds the SHA-256 of every other file (`sha256sum -c digests.sha256`\n");
        md.append(
                "checks it by hand). `obs-bootstrap up --bundle DIR` installs exactly these bytes — the values and the charts in\n");
        md.append(
                "`charts/`, with the config in `inputs/` — without rendering anything again, and refuses a bundle whose files no\n");
        md.append("longer match their digests, or whose charts would render differently on the target cluster.\n");
        return md.toString();
    }
}
