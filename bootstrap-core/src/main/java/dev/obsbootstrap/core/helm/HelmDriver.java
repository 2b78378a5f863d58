package dev.obsbootstrap.core.helm;

import java.util.List;
import java.util.Optional;

/**
 * The engine's only way to Helm. Errors a user can fix (values rejected by the chart's schema, a template that
 * fails, an incompatible Kubernetes version, a missing chart) are {@link dev.obsbootstrap.core.error.ConfigException}s;
 * everything the cluster refuses or does not answer is a {@link dev.obsbootstrap.core.error.ClusterException}.
 * Both name the chart and the release and keep Helm's own message.
 */
public interface HelmDriver {
    /** The manifests {@code helm template} renders for this spec, for a cluster of {@code kubeVersion} (1.31.0). Never contacts a cluster unless the chart calls {@code lookup}. */
    String template(ReleaseSpec spec, String kubeVersion);

    /**
     * {@code helm upgrade --install} without {@code --wait}: readiness is the caller's job. The namespace must exist.
     * The release is rendered for {@code kubeVersion}; {@code description} is recorded with the new revision (it says
     * which run made it). The returned release carries no manifest. Only for
     * {@link dev.obsbootstrap.core.config.InstallMode#HELM_RELEASE} specs: CRD specs are rendered with {@link #template}
     * and applied server-side.
     *
     * @throws HelmLockedException when the release is pending (another operation holds Helm's lock on it)
     */
    HelmRelease upgradeInstall(ReleaseSpec spec, String kubeVersion, String description);

    /** {@code helm uninstall}; a release that does not exist is not an error. */
    void uninstall(String releaseName, String namespace);

    /** Deploys {@code revision}'s chart and values again as a new revision, like {@code helm rollback}. */
    HelmRelease rollback(String releaseName, String namespace, int revision, String description);

    /** The release's latest revision, or empty when there is no such release. */
    Optional<HelmRelease> status(String releaseName, String namespace);

    /** Every revision of the release Helm keeps, oldest first (no manifests); empty when there is no such release. */
    List<HelmRelease> history(String releaseName, String namespace);

    /** Every release in the namespace, whatever its status. */
    List<HelmRelease> list(String namespace);
}
