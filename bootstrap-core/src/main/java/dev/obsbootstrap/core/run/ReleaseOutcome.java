package dev.obsbootstrap.core.run;

import java.util.Objects;

/** What happened to one Helm release (or CRD set) in a phase, with its workloads ready/total when they were awaited. */
public record ReleaseOutcome(
        String component, String release, String chart, int revision, ReleaseAction action, int ready, int total) {
    public ReleaseOutcome {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(action, "action");
    }
}
