package dev.obsbootstrap.core.run;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A phase with everything rendered and resolved, before anything touched the cluster.
 *
 * @param releases   release name -> chart coordinate (name@version), in install order
 * @param configHash digest of every rendered values file and chart coordinate of the phase: the ledger compares it
 * @param components release name -> the catalog component it installs (reports name both)
 */
public record PreparedPhase(String phaseId, Map<String, String> releases, String configHash, Map<String, String> components) {
    public PreparedPhase {
        Objects.requireNonNull(phaseId, "phaseId");
        releases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(releases));
        Objects.requireNonNull(configHash, "configHash");
        components = Map.copyOf(components);
    }

    /** Without component ids: each release stands for its own component. */
    public PreparedPhase(String phaseId, Map<String, String> releases, String configHash) {
        this(phaseId, releases, configHash, Map.of());
    }

    public List<String> releaseNames() {
        return List.copyOf(releases.keySet());
    }

    /** The component a release installs; the release name when not known. */
    public String componentOf(String release) {
        return components.getOrDefault(release, release);
    }
}
