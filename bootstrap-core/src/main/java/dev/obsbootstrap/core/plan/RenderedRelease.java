package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.manifest.ParsedManifests;
import java.util.Objects;

/**
 * A release as plan rendered it: the spec (with its values), the manifests Helm produced for it, and those manifests
 * parsed once for everything that reads them (summary, static checks).
 */
public record RenderedRelease(ReleaseSpec spec, String manifests, ParsedManifests parsed) {
    public RenderedRelease {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(manifests, "manifests");
        Objects.requireNonNull(parsed, "parsed");
    }

    public RenderedRelease(ReleaseSpec spec, String manifests) {
        this(spec, manifests, ParsedManifests.parse(manifests));
    }

    /** Object counts by kind and images, from the parsed manifests. */
    public ReleaseSummary summary() {
        return ReleaseSummary.of(parsed.objects());
    }

    /** Without the manifests and values, which are long. */
    @Override
    public String toString() {
        return "RenderedRelease[" + spec.releaseName() + " " + spec.chart().coordinate() + "]";
    }
}
