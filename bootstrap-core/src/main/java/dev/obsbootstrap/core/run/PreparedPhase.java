package dev.obsbootstrap.core.run;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A phase with everything rendered and resolved, before anything touched the cluster.
 *
 * @param releases   release name -> chart coordinate (name@version), in install order
 * @param configHash digest of every rendered values file and chart coordinate of the phase: the ledger compares it
 * @param components    release name -> the catalog component it installs (reports name both)
 * @param releaseHashes release name -> the digest of that release alone (and the phase's Secrets): a release whose
 *                      digest and revision match the ledger is not upgraded even when another release of its phase is
 * @param replaces      release name -> component, for the releases of the components this config replaces
 *                      ({@link dev.obsbootstrap.core.phase.Phase#replacedComponents}): removed once the phase is
 *                      verified, where obs-bootstrap installed them
 * @param inputsHash    digest of what the phase's values are rendered from (templates, their variables, the user's
 *                      values, the code) and of everything else {@code configHash} covers; empty when not known. When
 *                      the ledger recorded the same, the phase's digests are the recorded ones and nothing is rendered
 */
public record PreparedPhase(
        String phaseId,
        Map<String, String> releases,
        String configHash,
        Map<String, String> components,
        Map<String, String> releaseHashes,
        Map<String, String> replaces,
        String inputsHash) {
    public PreparedPhase {
        Objects.requireNonNull(phaseId, "phaseId");
        releases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(releases));
        Objects.requireNonNull(configHash, "configHash");
        components = Map.copyOf(components);
        releaseHashes = Map.copyOf(releaseHashes);
        replaces = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(replaces));
        Objects.requireNonNull(inputsHash, "inputsHash");
    }

    /** Replacing no other component's release. */
    public PreparedPhase(
            String phaseId,
            Map<String, String> releases,
            String configHash,
            Map<String, String> components,
            Map<String, String> releaseHashes) {
        this(phaseId, releases, configHash, components, releaseHashes, Map.of(), "");
    }

    /** Without component ids or release digests: each release stands for its own component, every release changes with the phase. */
    public PreparedPhase(String phaseId, Map<String, String> releases, String configHash) {
        this(phaseId, releases, configHash, Map.of(), Map.of(), Map.of(), "");
    }

    public List<String> releaseNames() {
        return List.copyOf(releases.keySet());
    }

    /** The component a release installs; the release name when not known. */
    public String componentOf(String release) {
        return components.getOrDefault(release, release);
    }
}
