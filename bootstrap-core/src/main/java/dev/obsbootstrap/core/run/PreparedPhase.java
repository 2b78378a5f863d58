package dev.obsbootstrap.core.run;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A phase with everything rendered and resolved, before anything touched the cluster.
 *
 * @param releases   release name -> chart coordinate (name@version), in install order
 * @param configHash digest of every rendered values file and chart coordinate of the phase: the ledger compares it
 */
public record PreparedPhase(String phaseId, Map<String, String> releases, String configHash) {
    public PreparedPhase {
        Objects.requireNonNull(phaseId, "phaseId");
        releases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(releases));
        Objects.requireNonNull(configHash, "configHash");
    }

    public List<String> releaseNames() {
        return List.copyOf(releases.keySet());
    }
}
