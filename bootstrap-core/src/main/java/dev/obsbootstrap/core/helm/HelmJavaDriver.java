package dev.obsbootstrap.core.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import com.marcnuri.helm.TemplateCommand;
import com.marcnuri.helm.UpgradeCommand;
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
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link HelmDriver} on helm-java: real Helm (3.21 in helm-java 0.0.21) running in-process. The first call of a JVM
 * unpacks the native library (about 96 MB, half a second); later calls take milliseconds plus Helm's own work.
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
    private static final Pattern CHART_NAME_VERSION = Pattern.compile("^(.+?)-(v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.+-]*)?)$");
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
            TemplateCommand template = Helm.template(chartArgument(spec.chartPath()))
                    .withName(spec.releaseName())
                    .withNamespace(spec.namespace())
                    .withKubeVersion(kubeVersion)
                    .withValuesFile(values);
            return template.call();
        } catch (IllegalStateException e) {
            String message = helmMessage(e).replace(values.toString(), VALUES_FILE_NAME);
            String hint = message.contains("error calling lookup")
                    ? " (the chart looked up a live object while rendering; set the value that makes the lookup unnecessary,"
                      + " for Grafana admin.existingSecret and persistence.lookupVolumeName=false)"
                    : "";
            throw new ConfigException("Helm cannot render " + spec.describe() + " for Kubernetes " + kubeVersion + ": "
                    + message + hint, e);
        } finally {
            deleteQuietly(values);
        }
    }

    @Override
    public HelmRelease upgradeInstall(ReleaseSpec spec, String kubeVersion) {
        if (spec.mode() == InstallMode.APPLY_CRDS) {
            throw new IllegalArgumentException(spec.describe() + " is installed by applying its CRDs server-side (from template()), not by Helm");
        }
        String manifest = template(spec, kubeVersion);
        Release release = withKubeconfig("helm upgrade --install of " + spec.describe(), kubeconfig -> {
            Path values = writeValues(spec.valuesYaml());
            try {
                return upgrade(spec.chartPath(), spec.releaseName(), spec.namespace(), spec.timeout(), kubeconfig)
                        .withValuesFile(values)
                        .withDescription("obs-bootstrap")
                        .call();
            } catch (IllegalStateException e) {
                throw new IllegalStateException(helmMessage(e).replace(values.toString(), VALUES_FILE_NAME), e);
            } finally {
                deleteQuietly(values);
            }
        });
        return toHelmRelease(release, manifest);
    }

    @Override
    public void uninstall(String releaseName, String namespace) {
        withKubeconfig("helm uninstall of release " + releaseName + " in namespace " + namespace,
                kubeconfig -> Helm.uninstall(releaseName).withNamespace(namespace).ignoreNotFound().withKubeConfig(kubeconfig).call());
    }

    @Override
    public HelmRelease rollback(String releaseName, String namespace, int revision) {
        String what = "rollback of release " + releaseName + " in namespace " + namespace + " to revision " + revision;
        Release release = withKubeconfig(what, kubeconfig -> {
            List<ReleaseHistory> history = Helm.history(releaseName).withNamespace(namespace).withKubeConfig(kubeconfig).call();
            ReleaseHistory target = history.stream().filter(h -> h.getRevision() == revision).findFirst()
                    .orElseThrow(() -> new ConfigException("release " + releaseName + " in namespace " + namespace + " has no revision "
                            + revision + " (it has " + history.stream().map(ReleaseHistory::getRevision).toList() + ")"));
            ChartRef chart = parseChart(target.getChart(), what);
            ResolvedChart local = charts.findLocal(chart).orElseThrow(() -> new ConfigException(
                    "cannot roll back " + releaseName + ": revision " + revision + " used chart " + chart.coordinate()
                            + ", which is neither under --charts-dir nor in the chart cache " + charts.cacheDir()
                            + "; provide it with --charts-dir DIR holding " + chart.name() + "/ or " + chart.name() + "-" + chart.version() + ".tgz"));
            String valuesYaml = Helm.get(releaseName).values().withRevision(revision).withNamespace(namespace)
                    .withKubeConfig(kubeconfig).call();
            Path values = writeValues(valuesYaml);
            try {
                return upgrade(local.path(), releaseName, namespace, Duration.ofMinutes(5), kubeconfig)
                        .withValuesFile(values)
                        .withDescription("obs-bootstrap rollback to " + revision)
                        .call();
            } finally {
                deleteQuietly(values);
            }
        });
        return toHelmRelease(release, "");
    }

    @Override
    public Optional<HelmRelease> status(String releaseName, String namespace) {
        try {
            Release release = withKubeconfig("helm status of release " + releaseName + " in namespace " + namespace,
                    kubeconfig -> Helm.status(releaseName).withNamespace(namespace).withKubeConfig(kubeconfig).call());
            return Optional.of(toHelmRelease(release, ""));
        } catch (ClusterException e) {
            if (e.getCause() instanceof IllegalStateException helm && helmMessage(helm).contains("release: not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<HelmRelease> list(String namespace) {
        List<Release> releases = withKubeconfig("helm list in namespace " + namespace,
                kubeconfig -> Helm.list().all().withNamespace(namespace).withKubeConfig(kubeconfig).call());
        return releases.stream().map(release -> toHelmRelease(release, "")).toList();
    }

    private static UpgradeCommand upgrade(Path chart, String releaseName, String namespace, Duration timeout, Path kubeconfig) {
        // no --wait: readiness is judged by the caller with watches, so Helm's timeout only bounds its own API calls and hooks
        return Helm.upgrade(chartArgument(chart))
                .install()
                .withName(releaseName)
                .withNamespace(namespace)
                .withTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds())))
                .withKubeConfig(kubeconfig);
    }

    /**
     * Runs a cluster operation with a kubeconfig file. Contents are written to a private temporary file because
     * helm-java 0.0.21 drops kubeconfig contents when {@code upgrade --install} falls through to an install.
     */
    private <T> T withKubeconfig(String what, Function<Path, T> operation) {
        Path temporary = null;
        Path kubeconfig;
        if (access instanceof KubeAccess.KubeconfigFile file) {
            kubeconfig = file.path();
        } else if (access instanceof KubeAccess.KubeconfigContents contents) {
            temporary = writePrivate(contents.yaml());
            kubeconfig = temporary;
        } else {
            throw new ClusterException(what + " needs a cluster, and this Helm driver was made for rendering only");
        }
        try {
            return operation.apply(kubeconfig);
        } catch (IllegalStateException e) {
            throw translate(what, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Input errors (chart, values, Kubernetes version, kubeconfig) are the user's to fix: exit 2; the rest: exit 3. */
    static BootstrapException translate(String what, IllegalStateException e) {
        String message = helmMessage(e);
        String lower = message.toLowerCase(Locale.ROOT);
        for (String inputError : INPUT_ERRORS) {
            if (lower.contains(inputError)) {
                return new ConfigException(what + " failed: " + message, e);
            }
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
            throw new ClusterException(what + ": Helm recorded the chart as '" + nameVersion + "', which is not name-version");
        }
        return new ChartRef("", matcher.group(1), matcher.group(2));
    }

    private static HelmRelease toHelmRelease(Release release, String manifest) {
        int revision;
        try {
            revision = Integer.parseInt(Objects.requireNonNullElse(release.getRevision(), "0").strip());
        } catch (NumberFormatException e) {
            revision = 0;
        }
        return new HelmRelease(
                Objects.requireNonNullElse(release.getName(), ""),
                Objects.requireNonNullElse(release.getNamespace(), ""),
                Objects.requireNonNullElse(release.getChart(), ""),
                Objects.requireNonNullElse(release.getAppVersion(), ""),
                revision,
                Objects.requireNonNullElse(release.getStatus(), "unknown"),
                manifest);
    }

    private static String chartArgument(Path chart) {
        return chart.toAbsolutePath().normalize().toString();
    }

    /** Values go to Helm as a file (types and nulls survive, unlike --set), deleted right after the call. */
    private static Path writeValues(String valuesYaml) {
        return writePrivate(valuesYaml.isBlank() ? "{}\n" : valuesYaml);
    }

    private static Path writePrivate(String text) {
        try {
            // createTempFile makes the file readable by its owner only
            Path file = Files.createTempFile("obs-bootstrap-", ".yaml");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary file for Helm", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is harmless and the OS cleans it
        }
    }

    /** For messages and tests: which Helm helm-java bundles. */
    public static String helmVersion() {
        return Helm.version().call();
    }
}
