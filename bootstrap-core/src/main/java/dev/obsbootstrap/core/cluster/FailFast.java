package dev.obsbootstrap.core.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * When a wait stops hoping. A pod that is broken in a way more time will not fix fails its phase within about a
 * minute, whatever the phase's time limit, instead of at the end of it: a container crash-looping (restarts at least
 * {@code crashRestarts}, or back-off for longer than {@code crashLoop}), an image that cannot be pulled, a container
 * whose Secret or ConfigMap is missing, a pod no node can take (unless the cluster autoscaler said it is adding one),
 * a Job that failed. Slow but progressing workloads keep waiting.
 *
 * @param poll         how often pods of workloads not ready yet are looked at
 * @param crashRestarts restarts in CrashLoopBackOff that fail the phase at once
 * @param crashLoop     how long a container may stay in CrashLoopBackOff (without turning ready) before the phase fails
 * @param imagePull     how long ErrImagePull/ImagePullBackOff may last (a registry hiccup clears within it)
 * @param configError   how long CreateContainerConfigError may last (a Secret created a moment later fixes it)
 * @param unschedulable how long a pod may stay unschedulable without the autoscaler adding a node
 */
public record FailFast(
        Duration poll,
        int crashRestarts,
        Duration crashLoop,
        Duration imagePull,
        Duration configError,
        Duration unschedulable) {
    public static final FailFast DEFAULT = new FailFast(
            Duration.ofSeconds(2),
            4,
            Duration.ofSeconds(45),
            Duration.ofSeconds(20),
            Duration.ofSeconds(20),
            Duration.ofSeconds(45));

    public FailFast {
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(crashLoop, "crashLoop");
        Objects.requireNonNull(imagePull, "imagePull");
        Objects.requireNonNull(configError, "configError");
        Objects.requireNonNull(unschedulable, "unschedulable");
    }

    /** The same policy with every grace period replaced by {@code grace} (tests, which cannot wait 45 s). */
    public FailFast withGrace(Duration grace) {
        return new FailFast(poll, crashRestarts, grace, grace, grace, grace);
    }
}
