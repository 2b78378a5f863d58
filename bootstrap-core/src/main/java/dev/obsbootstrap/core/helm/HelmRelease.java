package dev.obsbootstrap.core.helm;

import java.util.Objects;

/**
 * A Helm release (one revision of it) as Helm reports it.
 *
 * @param chart       {@code name-version}, Helm's spelling (store-1.2.0)
 * @param appVersion  the chart's appVersion, "" when the chart has none
 * @param description Helm's description of the revision ("Install complete", ours: "obs-bootstrap run ..."), "" when not known
 * @param manifest    the rendered manifests of this revision; "" when not known ({@link HelmDriver#status},
 *                    {@link HelmDriver#history} and {@link HelmDriver#list} report none)
 */
public record HelmRelease(
        String name,
        String namespace,
        String chart,
        String appVersion,
        int revision,
        HelmStatus status,
        String description,
        String manifest) {
    public HelmRelease {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(appVersion, "appVersion");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(manifest, "manifest");
    }

    public boolean deployed() {
        return status == HelmStatus.DEPLOYED;
    }

    /** Without the manifest, which may be long. */
    @Override
    public String toString() {
        return "HelmRelease[" + namespace + "/" + name + " " + chart + " rev " + revision + " " + status + "]";
    }
}
