package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.secret.StackSecret;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code plan} rendered, in install order: what {@link PlanBundleWriter} writes and {@link StaticChecks} checks.
 *
 * @param kubeVersion       the Kubernetes version the charts were rendered for
 * @param kubeVersionSource where that version came from ("--kube-version", "cluster", "default")
 * @param generator         "obs-bootstrap 0.1.0 (helm 3.21.0)", for the bundle's README and summary
 * @param secrets           Secrets install.sh creates before the first release
 */
public record PlanBundle(
        String profile,
        String kubeVersion,
        String kubeVersionSource,
        String generator,
        List<PlannedPhase> phases,
        List<StackSecret> secrets) {
    public PlanBundle {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(kubeVersion, "kubeVersion");
        Objects.requireNonNull(kubeVersionSource, "kubeVersionSource");
        Objects.requireNonNull(generator, "generator");
        phases = List.copyOf(phases);
        secrets = List.copyOf(secrets);
    }
}
