package dev.obsbootstrap.core.testing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the {@link KubeletSimulator} runs the pods of a workload. Build one with the factory methods:
 * {@link #ready()}, {@link #slow(Duration)}, {@link #crashLoop()}, {@link #imagePull()}, {@link #pending()}.
 */
public sealed interface WorkloadBehaviour {

    /** Pods start and turn ready at once (the default). */
    static WorkloadBehaviour ready() {
        return new Ready(Duration.ZERO);
    }

    /** Pods run but stay not-ready for {@code delay} after each rollout, then turn ready. */
    static WorkloadBehaviour slow(Duration delay) {
        return new Ready(delay);
    }

    /** The first container keeps crashing: waiting reason CrashLoopBackOff, restarts, default log lines. */
    static WorkloadBehaviour crashLoop() {
        return new CrashLoop(List.of(
                "level=info msg=\"starting\" version=1.0.0",
                "level=error msg=\"failed to load config\" err=\"open /etc/app/config.yaml: no such file or directory\"",
                "panic: cannot start without a config file"));
    }

    /** The first container keeps crashing and these are the last lines it logged. */
    static WorkloadBehaviour crashLoop(String... logLines) {
        return new CrashLoop(List.of(logLines));
    }

    /** The first container's image cannot be pulled: waiting reason ImagePullBackOff. */
    static WorkloadBehaviour imagePull() {
        return new ImagePull("ImagePullBackOff");
    }

    /** Like {@link #imagePull()}, caught on the first attempt: waiting reason ErrImagePull. */
    static WorkloadBehaviour errImagePull() {
        return new ImagePull("ErrImagePull");
    }

    /** No node fits: pods stay Pending with PodScheduled False "0/1 nodes are available: insufficient memory". */
    static WorkloadBehaviour pending() {
        return new Pending("0/1 nodes are available: insufficient memory");
    }

    /** Pods stay Pending with this scheduler message. */
    static WorkloadBehaviour pending(String schedulerMessage) {
        return new Pending(schedulerMessage);
    }

    /** Ready after {@code delay} (zero: at once) from the moment the simulator first sees a rollout. */
    record Ready(Duration delay) implements WorkloadBehaviour {
        public Ready {
            Objects.requireNonNull(delay, "delay");
        }
    }

    record CrashLoop(List<String> logLines) implements WorkloadBehaviour {
        public CrashLoop {
            logLines = List.copyOf(logLines);
        }
    }

    /** @param reason ImagePullBackOff or ErrImagePull */
    record ImagePull(String reason) implements WorkloadBehaviour {
        public ImagePull {
            Objects.requireNonNull(reason, "reason");
        }
    }

    record Pending(String schedulerMessage) implements WorkloadBehaviour {
        public Pending {
            Objects.requireNonNull(schedulerMessage, "schedulerMessage");
        }
    }
}
