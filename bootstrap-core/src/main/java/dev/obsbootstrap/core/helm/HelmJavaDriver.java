package dev.obsbootstrap.core.helm;

import com.marcnuri.helm.HistoryCommand;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.ListCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import com.marcnuri.helm.StatusCommand;
import com.marcnuri.helm.TemplateCommand;
import com.marcnuri.helm.UninstallCommand;
import com.marcnuri.helm.UpgradeCommand;
import com.marcnuri.helm.jni.GetValuesOptions;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link HelmDriver} on helm-java: real Helm (3.21 in helm-java 0.0.21) running in-process, through
 * {@link HelmLibrary} (loaded once from a cache, with the JVM's signal handlers kept in place around every call).
 *
 * <p>The kubeconfig reaches Helm as it is: a file the user has, or contents held in memory. No copy of it is ever
 * written to disk. helm-java 0.0.21 drops kubeconfig contents when {@code upgrade --install} falls through to an
 * install ({@code native/internal/helm/upgrade.go}, v0.0.21: the {@code InstallOptions} it builds have no
 * {@code KubeConfigContents}), so this driver decides install or upgrade itself, as {@code helm upgrade --install}
 * would: install when the release has no history at all.
 *
 * <p>helm-java reports every Helm error as an {@link IllegalStateException} carrying Helm's message; this class turns
 * it into a {@link ConfigException} when the chart, its values or the Kubernetes version are at fault, and a
 * {@link ClusterException} otherwise, always naming the release and chart and keeping Helm's words.
 */
public final class HelmJavaDriver implements HelmDriver {
    /** helm-java's template adds advice for the helm CLI that does not apply here. */
    private static final String CLI_DEBUG_ADVICE = "Use --debug flag to render out invalid YAML";
    /** How messages name the values file, which is a temporary file gone by the time the user reads them. */
    private static final String VALUES_FILE_NAME = "the rendered values";
    /** Helm's "name-version" chart spelling; the version is the first '-' followed by something semver-shaped. */
    private static final Pattern CHART_NAME_VERSION =
            Pattern.compile("^(.+?)-(v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.+-]*)?)$");
    /** Helm's words when another operation holds the release's lock (a pending-* status). */
    private static final String PENDING_LOCK = "another operation (install/upgrade/rollback) is in progress";
    /** Messages Helm gives when the chart or values are at fault; anything else comes from the cluster. */
    private static final List<String> INPUT_ERRORS = List.of(
            "values don't meet the specifications of the schema",
            "chart requires kubeversion",
            "template: ",
            "execution error at",
            "error calling include",
            "parse error",
            "error converting yaml to json",
            "unable to parse yaml",
            "failed to parse kubeconfig contents",
            "chart.yaml file is missing",
            "charts are not installable",
            "missing in charts/ directory",
            "invalid kube version",
            "no such file or directory");

    private final KubeAccess access;
    /** Only rollback needs it; null for a template-only driver, whose rollback is refused before it is read. */
    private final ChartResolver charts;

    /** A driver that can reach a cluster; {@code charts} finds a past revision's chart for {@link #rollback}. */
    public HelmJavaDriver(KubeAccess access, ChartResolver charts) {
        this.access = Objects.requireNonNull(access, "access");
        this.charts = Objects.requireNonNull(charts, "charts");
    }

    /** A driver for {@code plan}: {@link #template} only, every cluster operation is refused. */
    public static HelmJavaDriver templateOnly() {
        return new HelmJavaDriver();
    }

    private HelmJavaDriver() {
        this.access = KubeAccess.none();
        this.charts = null;
    }

    @Override
    public String template(ReleaseSpec spec, String kubeVersion) {
        Path values = writeValues(spec.valuesYaml());
        try {
            TemplateCommand template = new TemplateCommand(HelmLibrary.get(), chartArgument(spec.chartPath()))
                    .withName(spec.releaseName())
                    .withNamespace(spec.namespace())
                    .withKubeVersion(kubeVersion)
                    .withValuesFile(values);
            return HelmLibrary.command(template::call);
        } catch (IllegalStateException e) {
            String message = helmMessage(e).replace(values.toString(), VALUES_FILE_NAME);
            String hint = message.contains("error calling lookup")
                    ? " (the chart looked up a live object while rendering; set the value that makes the lookup unnecessary,"
                            + " like an existing Secret for an admin login, or lookup switches the chart offers)"
                    : "";
            throw new ConfigException(
                    "Helm cannot render " + spec.describe() + " for Kubernetes " + kubeVersion + ": " + message + hint,
                    e);
        } finally {
            deleteQuietly(values);
        }
    }

    @Override
    public HelmRelease upgradeInstall(ReleaseSpec spec, String kubeVersion, String description) {
        if (spec.mode() == InstallMode.APPLY_CRDS) {
            throw new IllegalArgumentException(
                    spec.describe() + " is installed by applying its CRDs server-side (from template()), not by Helm");
        }
        String what = "helm upgrade --install of " + spec.describe();
        Path values = writeValues(spec.valuesYaml());
        try {
            Release release = cluster(
                    what,
                    () -> releaseExists(spec.releaseName(), spec.namespace())
                            ? kube(new UpgradeCommand(HelmLibrary.get(), chartArgument(spec.chartPath())))
                                    .withName(spec.releaseName())
                                    .withNamespace(spec.namespace())
                                    .withKubeVersion(kubeVersion)
                                    .withTimeout(seconds(spec.timeout()))
                                    .withValuesFile(values)
                                    .withDescription(description)
                                    .call()
                            : kube(new InstallCommand(HelmLibrary.get(), chartArgument(spec.chartPath())))
                                    .withName(spec.releaseName())
                                    .withNamespace(spec.namespace())
                                    .withKubeVersion(kubeVersion)
                                    .withTimeout(seconds(spec.timeout()))
                                    .withValuesFile(values)
                                    .withDescription(description)
                                    .call(),
                    message -> message.replace(values.toString(), VALUES_FILE_NAME));
            return toHelmRelease(release, description);
        } finally {
            deleteQuietly(values);
        }
    }

    @Override
    public void uninstall(String releaseName, String namespace) {
        cluster(
                "helm uninstall of release " + releaseName + " in namespace " + namespace,
                () -> kube(new UninstallCommand(HelmLibrary.get(), releaseName))
                        .withNamespace(namespace)
                        .ignoreNotFound()
                        .call(),
                message -> message);
    }

    @Override
    public HelmRelease rollback(String releaseName, String namespace, int revision, String description) {
        String what = "rollback of release " + releaseName + " in namespace " + namespace + " to revision " + revision;
        List<HelmRelease> history = history(releaseName, namespace);
        HelmRelease target = history.stream()
                .filter(h -> h.revision() == revision)
                .findFirst()
                .orElseThrow(() -> new ConfigException("release " + releaseName + " in namespace " + namespace
                        + " has no revision " + revision + " (it has "
                        + history.stream().map(HelmRelease::revision).toList() + ")"));
        ChartRef chart = parseChart(target.chart(), what);
        ResolvedChart local = charts.findLocal(chart)
                .orElseThrow(() -> new ConfigException("cannot roll back " + releaseName + ": revision " + revision
                        + " used chart " + chart.coordinate()
                        + ", which is neither under --charts-dir nor in the chart cache " + charts.cacheDir()
                        + "; provide it with --charts-dir DIR holding " + chart.name() + "/ or " + chart.name() + "-"
                        + chart.version() + ".tgz"));
        String valuesYaml = cluster(
                what,
                () -> HelmLibrary.call(lib -> lib.GetValues(new GetValuesOptions(
                        releaseName, 0, revision, namespace, kubeconfigPath(), kubeconfigContents()))),
                message -> message);
        Path values = writeValues(valuesYaml);
        try {
            Release release = cluster(
                    what,
                    () -> kube(new UpgradeCommand(HelmLibrary.get(), chartArgument(local.path())))
                            .withName(releaseName)
                            .withNamespace(namespace)
                            .withTimeout(seconds(Duration.ofMinutes(5)))
                            .withValuesFile(values)
                            .withDescription(description)
                            .call(),
                    message -> message.replace(values.toString(), VALUES_FILE_NAME));
            return toHelmRelease(release, description);
        } finally {
            deleteQuietly(values);
        }
    }

    @Override
    public Optional<HelmRelease> status(String releaseName, String namespace) {
        try {
            Release release = cluster(
                    "helm status of release " + releaseName + " in namespace " + namespace,
                    () -> kube(new StatusCommand(HelmLibrary.get(), releaseName))
                            .withNamespace(namespace)
                            .call(),
                    message -> message);
            return Optional.of(toHelmRelease(release, ""));
        } catch (ClusterException e) {
            if (e.getCause() instanceof IllegalStateException helm
                    && helmMessage(helm).contains("release: not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<HelmRelease> history(String releaseName, String namespace) {
        try {
            List<ReleaseHistory> history = cluster(
                    "helm history of release " + releaseName + " in namespace " + namespace,
                    () -> kube(new HistoryCommand(HelmLibrary.get(), releaseName))
                            .withNamespace(namespace)
                            .call(),
                    message -> message);
            return history.stream()
                    .map(h -> new HelmRelease(
                            releaseName,
                            namespace,
                            Objects.requireNonNullElse(h.getChart(), ""),
                            Objects.requireNonNullElse(h.getAppVersion(), ""),
                            h.getRevision(),
                            HelmStatus.of(h.getStatus()),
                            Objects.requireNonNullElse(h.getDescription(), ""),
                            ""))
                    .sorted(Comparator.comparingInt(HelmRelease::revision))
                    .toList();
        } catch (ClusterException e) {
            if (e.getCause() instanceof IllegalStateException helm
                    && helmMessage(helm).contains("release: not found")) {
                return List.of();
            }
            throw e;
        }
    }

    /** What {@code helm upgrade --install} asks first: does the release have any history at all. */
    private boolean releaseExists(String releaseName, String namespace) {
        try {
            return !kube(new HistoryCommand(HelmLibrary.get(), releaseName))
                    .withNamespace(namespace)
                    .withMax(1)
                    .call()
                    .isEmpty();
        } catch (IllegalStateException e) {
            if (helmMessage(e).contains("release: not found")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<HelmRelease> list(String namespace) {
        List<Release> releases = cluster(
                "helm list in namespace " + namespace,
                () -> kube(new ListCommand(HelmLibrary.get()))
                        .all()
                        .withNamespace(namespace)
                        .call(),
                message -> message);
        return releases.stream().map(release -> toHelmRelease(release, "")).toList();
    }

    // ---- the cluster connection -------------------------------------------------------------------------------------

    private InstallCommand kube(InstallCommand command) {
        return kubeconfigContents() != null
                ? command.withKubeConfigContents(kubeconfigContents())
                : command.withKubeConfig(requirePath());
    }

    private UpgradeCommand kube(UpgradeCommand command) {
        return kubeconfigContents() != null
                ? command.withKubeConfigContents(kubeconfigContents())
                : command.withKubeConfig(requirePath());
    }

    private UninstallCommand kube(UninstallCommand command) {
        return kubeconfigContents() != null
                ? command.withKubeConfigContents(kubeconfigContents())
                : command.withKubeConfig(requirePath());
    }

    private StatusCommand kube(StatusCommand command) {
        return kubeconfigContents() != null
                ? command.withKubeConfigContents(kubeconfigContents())
                : command.withKubeConfig(requirePath());
    }

    private HistoryCommand kube(HistoryCommand command) {
        return kubeconfigContents() != null
                ? command.withKubeConfigContents(kubeconfigContents())
                : command.withKubeConfig(requirePath());
    }

    private ListCommand kube(ListCommand command) {
        return kubeconfigContents() != null
                ? command.withKubeConfigContents(kubeconfigContents())
                : command.withKubeConfig(requirePath());
    }

    private String kubeconfigContents() {
        return access instanceof KubeAccess.KubeconfigContents contents ? contents.yaml() : null;
    }

    private String kubeconfigPath() {
        return access instanceof KubeAccess.KubeconfigFile file
                ? file.path().toAbsolutePath().toString()
                : null;
    }

    private Path requirePath() {
        if (access instanceof KubeAccess.KubeconfigFile file) {
            return file.path();
        }
        throw new ClusterException("this Helm driver was made for rendering only and cannot reach a cluster");
    }

    /** Runs one Helm operation against the cluster, translating Helm's error into ours. */
    private <T> T cluster(String what, Callable<T> operation, java.util.function.UnaryOperator<String> clean) {
        if (access instanceof KubeAccess.None) {
            throw new ClusterException(what + " needs a cluster, and this Helm driver was made for rendering only");
        }
        try {
            return HelmLibrary.command(operation);
        } catch (IllegalStateException e) {
            throw translate(what, new IllegalStateException(clean.apply(helmMessage(e)), e));
        }
    }

    /**
     * Input errors (chart, values, Kubernetes version, kubeconfig) are the user's to fix: exit 2. Helm's per-release
     * lock is named as what it is. The rest: exit 3.
     */
    static BootstrapException translate(String what, IllegalStateException e) {
        String message = helmMessage(e);
        String lower = message.toLowerCase(Locale.ROOT);
        for (String inputError : INPUT_ERRORS) {
            if (lower.contains(inputError)) {
                return new ConfigException(what + " failed: " + message, e);
            }
        }
        if (lower.contains(PENDING_LOCK)) {
            return new HelmLockedException(
                    what + " failed: " + message
                            + " (the release is pending: an earlier install or upgrade of it did not finish)",
                    e);
        }
        return new ClusterException(what + " failed: " + message, e);
    }

    static String helmMessage(IllegalStateException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace(CLI_DEBUG_ADVICE, "").strip();
    }

    static ChartRef parseChart(String nameVersion, String what) {
        Matcher matcher = CHART_NAME_VERSION.matcher(nameVersion);
        if (!matcher.matches()) {
            throw new ClusterException(
                    what + ": Helm recorded the chart as '" + nameVersion + "', which is not name-version");
        }
        return new ChartRef("", matcher.group(1), matcher.group(2));
    }

    private static HelmRelease toHelmRelease(Release release, String description) {
        int revision;
        try {
            revision = Integer.parseInt(
                    Objects.requireNonNullElse(release.getRevision(), "0").strip());
        } catch (NumberFormatException e) {
            revision = 0;
        }
        return new HelmRelease(
                Objects.requireNonNullElse(release.getName(), ""),
                Objects.requireNonNullElse(release.getNamespace(), ""),
                Objects.requireNonNullElse(release.getChart(), ""),
                Objects.requireNonNullElse(release.getAppVersion(), ""),
                revision,
                HelmStatus.of(release.getStatus()),
                description,
                "");
    }

    private static Path chartArgument(Path chart) {
        return chart.toAbsolutePath().normalize();
    }

    private static int seconds(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    }

    /** Values go to Helm as a file (types and nulls survive, unlike --set), in this process's private directory. */
    private static Path writeValues(String valuesYaml) {
        Path file = ScratchDir.newFile("values-", ".yaml");
        try {
            Files.writeString(file, valuesYaml.isBlank() ? "{}\n" : valuesYaml);
            return file;
        } catch (IOException e) {
            deleteQuietly(file);
            throw new UncheckedIOException("cannot write a values file for Helm in " + file.getParent(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the directory goes with the process, or with the next start after a kill
        }
    }
}
