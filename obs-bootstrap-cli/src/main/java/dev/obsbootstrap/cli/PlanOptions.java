package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.plan.KubeVersionChoice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How a bundle is rendered and checked: --charts-dir, --kube-version, --pod-security, --sarif (plan, validate, smoke). */
public final class PlanOptions {
    @Option(
            names = "--charts-dir",
            paramLabel = "DIR",
            description = "Directory of charts: <name>/ (unpacked, with the pinned version) or <name>-<version>.tgz. "
                    + "Repeatable. Charts not found there come from the cache ($OBS_BOOTSTRAP_CACHE/charts, "
                    + "default ~/.cache/obs-bootstrap/charts) or their repository.")
    List<Path> chartsDirs = new ArrayList<>();

    @Option(
            names = "--kube-version",
            paramLabel = "VERSION",
            description =
                    "Kubernetes version to render for and check against, like 1.31.0 (default: the reachable cluster's, else "
                            + KubeVersionChoice.DEFAULT_VERSION + ").")
    String kubeVersion = "";

    @Option(
            names = "--pod-security",
            paramLabel = "LEVEL",
            converter = LevelConverter.class,
            description =
                    "The Pod Security level the stack namespace enforces (privileged, baseline, restricted): every workload "
                            + "is checked against it. Default: not known offline (each workload's needed level is listed).")
    PodSecurityLevel podSecurity;

    @Option(
            names = "--sarif",
            paramLabel = "FILE",
            description = "Also write the findings as SARIF 2.1.0 (code-scanning UIs).")
    Path sarif;

    public Optional<PodSecurityLevel> podSecurity() {
        return Optional.ofNullable(podSecurity);
    }

    public Optional<Path> sarif() {
        return Optional.ofNullable(sarif);
    }

    static final class LevelConverter implements picocli.CommandLine.ITypeConverter<PodSecurityLevel> {
        @Override
        public PodSecurityLevel convert(String value) {
            try {
                return PodSecurityLevel.parse(value, "--pod-security");
            } catch (dev.obsbootstrap.core.error.ConfigException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
