package dev.obsbootstrap.core.helm;

import java.util.Objects;

/**
 * A Helm release as Helm reports it.
 *
 * @param chart      {@code name-version}, Helm's spelling (loki-18.11.0)
 * @param appVersion the chart's appVersion, "" when the chart has none
 * @param status     Helm's status word: deployed, failed, pending-install, pending-upgrade, superseded, uninstalling...
 * @param manifest   the rendered manifests of this revision; "" when not known ({@link HelmDriver#status} and
 *                   {@link HelmDriver#list} report none: helm-java does not expose a release's manifest)
 */
public record HelmRelease(String name, String namespace, String chart, String appVersion, int revision, String status, String manifest) {
    public HelmRelease {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(appVersion, "appVersion");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(manifest, "manifest");
    }

    public boolean deployed() {
        return "deployed".equals(status);
    }

    /** Without the manifest, which may be long. */
    @Override
    public String toString() {
        return "HelmRelease[" + namespace + "/" + name + " " + chart + " rev " + revision + " " + status + "]";
    }
}
