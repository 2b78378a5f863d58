package dev.obsbootstrap.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * One phase of the bundle.
 *
 * @param index    the phase's position in the whole plan (disabled phases count), so directory numbers never shift
 * @param enabled  false when the config or profile switched the phase off: it then has no releases
 */
public record PlannedPhase(int index, String id, String description, boolean enabled, List<RenderedRelease> releases) {
    public PlannedPhase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        releases = List.copyOf(releases);
    }

    /** "02-logs". */
    public String directory() {
        return String.format("%02d-%s", index, id);
    }

    /** "02-logs/obs-store.values.yaml". */
    public String valuesFile(RenderedRelease release) {
        return directory() + "/" + release.spec().releaseName() + ".values.yaml";
    }

    /** "02-logs/obs-store.manifests.yaml". */
    public String manifestsFile(RenderedRelease release) {
        return directory() + "/" + release.spec().releaseName() + ".manifests.yaml";
    }
}
