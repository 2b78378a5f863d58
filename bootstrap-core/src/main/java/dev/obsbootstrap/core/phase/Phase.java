package dev.obsbootstrap.core.phase;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.SecretCredentials;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of the install graph, found with {@link java.util.ServiceLoader}. A phase names the components
 * (catalog ids, in install order) it installs, and its ready postcondition is its probes: only a verified
 * phase lets the phases that depend on it start.
 */
public interface Phase {
    /** Stable id, lower case (like "metrics"): config keys, --phase, bundle folders and reports use it. */
    String id();

    /** One line for `--help`, `plan` and reports. */
    String description();

    /** Ids of the phases that must be verified before this one starts. */
    List<String> dependsOn();

    /** False when the config switches this phase off. */
    boolean enabled(BootstrapConfig config);

    /** Catalog ids of the components this phase installs, in install order. */
    List<String> components(BootstrapConfig config);

    /**
     * Catalog ids of the components this phase installs under another choice of its config section and not under this
     * config: the alternatives a choice switches away from. Each has a release of its own, so a switch would leave the
     * old one running beside its replacement. Where obs-bootstrap installed that release (its ledger says so),
     * {@code up} uninstalls it once this phase is verified with the replacement, {@code down} removes it with the
     * phase, and {@code plan} lists it. None by default.
     */
    default List<String> replacedComponents(BootstrapConfig config) {
        return List.of();
    }

    /**
     * The Secrets this phase's charts read by name. {@code up} creates them before installing (a generated value
     * once, never regenerated); {@code plan} writes the commands that create them into install.sh. One declaration,
     * so the two cannot drift apart.
     */
    List<StackSecret> secrets(BootstrapConfig config, StackTopology topology);

    /** The probes that prove this phase's signal flows. */
    List<Probe> probes(BootstrapConfig config);

    /**
     * The top-level config key this phase owns, if any ({@code logs:} for the logs phase): the loader hands it that
     * part of the file to read and check, and templates see what it says as {@code config.<key>}. None by default.
     */
    default Optional<ConfigSection<?>> configSection() {
        return Optional.empty();
    }

    /**
     * What the profile requires of the config that this config does not give (a production profile whose alerts reach
     * nobody): each a message naming the key and what to do. {@code plan} reports each as an error finding and
     * {@code up} refuses before the first cluster write. None by default.
     */
    default List<String> configProblems(BootstrapConfig config) {
        return List.of();
    }

    /**
     * The checkers of this phase's components' own configs (a rule checker, a collector's validate command), which
     * plan and validate run on the bundle when their tools are on PATH. None by default.
     */
    default List<ConfigChecker> configCheckers() {
        return List.of();
    }

    /**
     * Endpoint name -> where the login for it lives in the cluster, for probes that authenticate (a UI's admin
     * login, in the phase that installs that UI). The CLI hands every phase's to the probe context; none by default.
     */
    default Map<String, SecretCredentials> probeCredentials(StackTopology topology) {
        return Map.of();
    }
}
