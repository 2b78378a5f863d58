package dev.obsbootstrap.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * One phase of the bundle.
 *
 * @param index    the phase's position in the whole plan (disabled phases count), so directory numbers never shift
 * @param enabled  false when the config or profile switched the phase off: it then has no releases
 * @param replaces the releases of the components this config replaces (the phase's other choices): where an earlier
 *                 {@code up} installed one, {@code up} uninstalls it once the phase is verified
 */
public record PlannedPhase(
        int index,
        String id,
        String description,
        boolean enabled,
        List<RenderedRelease> releases,
        List<Replaced> replaces) {
    public PlannedPhase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        releases = List.copyOf(releases);
        replaces = List.copyOf(replaces);
    }

    /** Replacing nothing. */
    public PlannedPhase(int index, String id, String description, boolean enabled, List<RenderedRelease> releases) {
        this(index, id, description, enabled, releases, List.of());
    }

    /** A release another choice of the config installs, which this config does not: {@code chart} is name@version. */
    public record Replaced(String component, String release, String chart) {
        public Replaced {
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(chart, "chart");
        }
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
