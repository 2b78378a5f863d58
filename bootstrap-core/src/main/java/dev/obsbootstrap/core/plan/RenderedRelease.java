package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.helm.ReleaseSpec;
import java.util.Objects;

/** A release as plan rendered it: the spec (with its values) and the manifests Helm produced for it. */
public record RenderedRelease(ReleaseSpec spec, String manifests) {
    public RenderedRelease {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(manifests, "manifests");
    }

    /** Without the manifests and values, which are long. */
    @Override
    public String toString() {
        return "RenderedRelease[" + spec.releaseName() + " " + spec.chart().coordinate() + "]";
    }
}
