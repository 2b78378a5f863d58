package dev.obsbootstrap.core.run;

import java.util.Objects;

/** What happened to one Helm release (or CRD set) in a phase. action: installed, upgraded, unchanged, applied, rendered, failed. */
public record ReleaseOutcome(String component, String release, String chart, int revision, String action, int ready, int total) {
    public ReleaseOutcome {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(action, "action");
    }
}
