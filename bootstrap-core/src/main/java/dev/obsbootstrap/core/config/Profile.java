package dev.obsbootstrap.core.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A profile (dev, ci, staging, prod) is data, loaded from charts-values {@code obs-bootstrap/profiles/<name>.yaml}.
 *
 * @param phaseTimeouts       phase id -> how long install + readiness may take
 * @param probeDeadline       how long each probe keeps trying
 * @param requireMemoryLimits plan's static check: every container must request and limit memory
 * @param phases              phase id -> enabled by default in this profile
 * @param settings            free-form values the templates read as {@code profile.settings.*}
 * @param base                the profile a user profile extends ({@code profiles/team-prod.yaml}: prod), "" for a
 *     built-in one
 * @param capacity            the nodes the profile is sized for, which plan sums requests and limits against
 */
public record Profile(
        String name,
        String description,
        Map<String, Duration> phaseTimeouts,
        Duration probeDeadline,
        boolean requireMemoryLimits,
        Map<String, Boolean> phases,
        Map<String, Object> settings,
        String base,
        Capacity capacity) {
    public Profile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        phaseTimeouts = Map.copyOf(phaseTimeouts);
        Objects.requireNonNull(probeDeadline, "probeDeadline");
        phases = Map.copyOf(phases);
        settings = Map.copyOf(settings);
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(capacity, "capacity");
    }

    /** A built-in profile that states no node size. */
    public Profile(
            String name,
            String description,
            Map<String, Duration> phaseTimeouts,
            Duration probeDeadline,
            boolean requireMemoryLimits,
            Map<String, Boolean> phases,
            Map<String, Object> settings) {
        this(
                name,
                description,
                phaseTimeouts,
                probeDeadline,
                requireMemoryLimits,
                phases,
                settings,
                "",
                Capacity.UNSTATED);
    }

    /** A built-in profile sized for {@code capacity}. */
    public Profile(
            String name,
            String description,
            Map<String, Duration> phaseTimeouts,
            Duration probeDeadline,
            boolean requireMemoryLimits,
            Map<String, Boolean> phases,
            Map<String, Object> settings,
            Capacity capacity) {
        this(name, description, phaseTimeouts, probeDeadline, requireMemoryLimits, phases, settings, "", capacity);
    }

    /** The same profile with every probe keeping trying at most {@code deadline}. */
    public Profile withProbeDeadline(Duration deadline) {
        return new Profile(
                name, description, phaseTimeouts, deadline, requireMemoryLimits, phases, settings, base, capacity);
    }

    public Duration timeoutFor(String phaseId) {
        return phaseTimeouts.getOrDefault(phaseId, Duration.ofMinutes(10));
    }
}
