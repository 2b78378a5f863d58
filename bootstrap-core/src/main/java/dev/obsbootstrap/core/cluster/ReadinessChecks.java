package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Is this object ready? Small, pure, null-safe predicates per kind: a missing object, spec or status is not ready,
 * zero desired replicas is ready, and a controller that has not yet observed the latest generation is not ready.
 * Each check also says what is still wrong ({@code whyNot...}), for timeout messages: "readyReplicas 0 of 1".
 *
 * <p>Kinds known: Deployment, StatefulSet, DaemonSet, Job (complete), Pod, CustomResourceDefinition (Established).
 * Any other kind is a {@link ConfigException} unless the caller marks it exists-only ({@link #forKind}).
 */
public final class ReadinessChecks {
    public static final List<String> KNOWN_KINDS =
            List.of("Deployment", "StatefulSet", "DaemonSet", "Job", "Pod", "CustomResourceDefinition");

    private ReadinessChecks() {}

    public static boolean isDeploymentReady(Deployment deployment) {
        return whyDeploymentNotReady(deployment).isEmpty();
    }

    public static boolean isStatefulSetReady(StatefulSet statefulSet) {
        return whyStatefulSetNotReady(statefulSet).isEmpty();
    }

    public static boolean isDaemonSetReady(DaemonSet daemonSet) {
        return whyDaemonSetNotReady(daemonSet).isEmpty();
    }

    /** A Job is "ready" when it has completed. */
    public static boolean isJobComplete(Job job) {
        return whyJobNotComplete(job).isEmpty();
    }

    public static boolean isPodReady(Pod pod) {
        return whyPodNotReady(pod).isEmpty();
    }

    public static boolean isCrdEstablished(CustomResourceDefinition crd) {
        return whyCrdNotEstablished(crd).isEmpty();
    }

    /** True when {@code kind} has a readiness check here. */
    public static boolean isKnownKind(String kind) {
        return KNOWN_KINDS.contains(kind);
    }

    /**
     * The readiness predicate for a kind. {@code existsOnly} waits only for the object to exist, for kinds that have
     * no readiness to judge (a ConfigMap, a ServiceMonitor).
     *
     * @throws ConfigException for a kind without a check that is not marked exists-only
     */
    public static Predicate<HasMetadata> forKind(String kind, boolean existsOnly) {
        if (existsOnly) {
            return Objects::nonNull;
        }
        requireKnownKind(kind);
        return object -> object != null && whyNotReady(object).isEmpty();
    }

    /** The readiness check matching the object's kind. */
    public static boolean isReady(HasMetadata object) {
        return object != null && whyNotReady(object).isEmpty();
    }

    /**
     * What is still wrong with the object, or empty when it is ready.
     *
     * @throws ConfigException for a kind without a check
     */
    public static Optional<String> whyNotReady(HasMetadata object) {
        if (object == null) {
            return Optional.of("does not exist");
        }
        String kind = object.getKind();
        requireKnownKind(kind);
        return switch (kind) {
            case "Deployment" -> whyDeploymentNotReady(typed(object, Deployment.class));
            case "StatefulSet" -> whyStatefulSetNotReady(typed(object, StatefulSet.class));
            case "DaemonSet" -> whyDaemonSetNotReady(typed(object, DaemonSet.class));
            case "Job" -> whyJobNotComplete(typed(object, Job.class));
            case "Pod" -> whyPodNotReady(typed(object, Pod.class));
            default -> whyCrdNotEstablished(typed(object, CustomResourceDefinition.class));
        };
    }

    public static Optional<String> whyDeploymentNotReady(Deployment deployment) {
        if (deployment == null) {
            return Optional.of("does not exist");
        }
        if (deployment.getSpec() == null) {
            return Optional.of("has no spec");
        }
        int desired = orDefault(deployment.getSpec().getReplicas(), 1);
        if (desired == 0) {
            return Optional.empty();
        }
        DeploymentStatus status = deployment.getStatus();
        if (status == null) {
            return Optional.of("no status yet (readyReplicas 0 of " + desired + ")");
        }
        Optional<String> generation = generationProblem(deployment.getMetadata(), status.getObservedGeneration());
        if (generation.isPresent()) {
            return generation;
        }
        if (status.getConditions() != null) {
            for (DeploymentCondition condition : status.getConditions()) {
                if ("Progressing".equals(condition.getType())
                        && "ProgressDeadlineExceeded".equals(condition.getReason())) {
                    return Optional.of("rollout failed: " + orEmpty(condition.getMessage()));
                }
            }
        }
        int updated = orDefault(status.getUpdatedReplicas(), 0);
        int ready = orDefault(status.getReadyReplicas(), 0);
        int available = orDefault(status.getAvailableReplicas(), 0);
        int total = orDefault(status.getReplicas(), 0);
        if (updated < desired) {
            return Optional.of("updatedReplicas " + updated + " of " + desired);
        }
        if (ready < desired) {
            return Optional.of("readyReplicas " + ready + " of " + desired);
        }
        if (available < desired) {
            return Optional.of("availableReplicas " + available + " of " + desired);
        }
        if (total > updated) {
            return Optional.of((total - updated) + " old replicas are still terminating");
        }
        return Optional.empty();
    }

    public static Optional<String> whyStatefulSetNotReady(StatefulSet statefulSet) {
        if (statefulSet == null) {
            return Optional.of("does not exist");
        }
        if (statefulSet.getSpec() == null) {
            return Optional.of("has no spec");
        }
        int desired = orDefault(statefulSet.getSpec().getReplicas(), 1);
        if (desired == 0) {
            return Optional.empty();
        }
        StatefulSetStatus status = statefulSet.getStatus();
        if (status == null) {
            return Optional.of("no status yet (readyReplicas 0 of " + desired + ")");
        }
        Optional<String> generation = generationProblem(statefulSet.getMetadata(), status.getObservedGeneration());
        if (generation.isPresent()) {
            return generation;
        }
        int ready = orDefault(status.getReadyReplicas(), 0);
        if (ready < desired) {
            return Optional.of("readyReplicas " + ready + " of " + desired);
        }
        var strategy = statefulSet.getSpec().getUpdateStrategy();
        boolean rolling = strategy == null || strategy.getType() == null || "RollingUpdate".equals(strategy.getType());
        if (rolling) {
            int partition = strategy == null || strategy.getRollingUpdate() == null
                    ? 0
                    : orDefault(strategy.getRollingUpdate().getPartition(), 0);
            int updated = orDefault(status.getUpdatedReplicas(), 0);
            if (updated < desired - partition) {
                return Optional.of("updatedReplicas " + updated + " of " + (desired - partition));
            }
            if (partition == 0
                    && status.getUpdateRevision() != null
                    && status.getCurrentRevision() != null
                    && !status.getUpdateRevision().equals(status.getCurrentRevision())) {
                return Optional.of("rolling update to revision " + status.getUpdateRevision() + " not finished");
            }
        }
        return Optional.empty();
    }

    public static Optional<String> whyDaemonSetNotReady(DaemonSet daemonSet) {
        if (daemonSet == null) {
            return Optional.of("does not exist");
        }
        if (daemonSet.getSpec() == null) {
            return Optional.of("has no spec");
        }
        DaemonSetStatus status = daemonSet.getStatus();
        if (status == null) {
            return Optional.of("no status yet (no pods scheduled)");
        }
        Optional<String> generation = generationProblem(daemonSet.getMetadata(), status.getObservedGeneration());
        if (generation.isPresent()) {
            return generation;
        }
        int desired = orDefault(status.getDesiredNumberScheduled(), 0);
        if (desired == 0) {
            return Optional.empty();
        }
        var strategy = daemonSet.getSpec().getUpdateStrategy();
        boolean rolling = strategy == null || strategy.getType() == null || "RollingUpdate".equals(strategy.getType());
        int updated = orDefault(status.getUpdatedNumberScheduled(), 0);
        if (rolling && updated < desired) {
            return Optional.of("updatedNumberScheduled " + updated + " of " + desired);
        }
        int ready = orDefault(status.getNumberReady(), 0);
        if (ready < desired) {
            return Optional.of("numberReady " + ready + " of " + desired);
        }
        int available = orDefault(status.getNumberAvailable(), 0);
        if (available < desired) {
            return Optional.of("numberAvailable " + available + " of " + desired);
        }
        return Optional.empty();
    }

    public static Optional<String> whyJobNotComplete(Job job) {
        if (job == null) {
            return Optional.of("does not exist");
        }
        JobStatus status = job.getStatus();
        if (status == null) {
            return Optional.of("has not started");
        }
        if (status.getConditions() != null) {
            for (JobCondition condition : status.getConditions()) {
                if ("Failed".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                    return Optional.of(
                            "failed: " + orEmpty(condition.getReason()) + " " + orEmpty(condition.getMessage()));
                }
            }
            for (JobCondition condition : status.getConditions()) {
                if ("Complete".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                    return Optional.empty();
                }
            }
        }
        int completions = job.getSpec() == null ? 1 : orDefault(job.getSpec().getCompletions(), 1);
        return Optional.of("not complete (succeeded " + orDefault(status.getSucceeded(), 0) + " of " + completions
                + ", active " + orDefault(status.getActive(), 0) + ")");
    }

    public static Optional<String> whyPodNotReady(Pod pod) {
        if (pod == null) {
            return Optional.of("does not exist");
        }
        if (pod.getStatus() == null) {
            return Optional.of("no status yet");
        }
        if (pod.getStatus().getConditions() != null) {
            for (PodCondition condition : pod.getStatus().getConditions()) {
                if ("Ready".equals(condition.getType())) {
                    if ("True".equals(condition.getStatus())) {
                        return Optional.empty();
                    }
                    return Optional.of("phase " + orEmpty(pod.getStatus().getPhase()) + ", not ready"
                            + (condition.getMessage() == null ? "" : ": " + condition.getMessage()));
                }
            }
        }
        return Optional.of("phase " + orEmpty(pod.getStatus().getPhase()) + ", no Ready condition yet");
    }

    public static Optional<String> whyCrdNotEstablished(CustomResourceDefinition crd) {
        if (crd == null) {
            return Optional.of("does not exist");
        }
        if (crd.getStatus() == null || crd.getStatus().getConditions() == null) {
            return Optional.of("condition Established not reported yet");
        }
        String namesProblem = "";
        for (CustomResourceDefinitionCondition condition : crd.getStatus().getConditions()) {
            if ("Established".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                return Optional.empty();
            }
            if ("NamesAccepted".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                namesProblem = " (names not accepted: " + orEmpty(condition.getMessage()) + ")";
            }
        }
        return Optional.of("condition Established is not True" + namesProblem);
    }

    private static void requireKnownKind(String kind) {
        if (!isKnownKind(kind)) {
            throw new ConfigException("cannot judge whether a " + kind + " is ready: readiness is known for "
                    + String.join(", ", KNOWN_KINDS) + ". Mark it exists-only to wait just until it exists.");
        }
    }

    /**
     * Objects read through the generic API arrive untyped; the checks read the typed model, which they need without
     * pod templates ({@link StatusReads}).
     */
    private static <T extends HasMetadata> T typed(HasMetadata object, Class<T> type) {
        if (type.isInstance(object)) {
            return type.cast(object);
        }
        if (object instanceof GenericKubernetesResource generic) {
            return StatusReads.typed(generic, type);
        }
        throw new IllegalArgumentException(object.getClass().getName() + " is not a " + type.getSimpleName());
    }

    private static Optional<String> generationProblem(ObjectMeta metadata, Long observedGeneration) {
        if (metadata == null || metadata.getGeneration() == null) {
            return Optional.empty();
        }
        if (observedGeneration == null) {
            return Optional.of("the controller has not observed it yet (no observedGeneration)");
        }
        if (observedGeneration < metadata.getGeneration()) {
            return Optional.of("observedGeneration " + observedGeneration + " < generation " + metadata.getGeneration()
                    + " (the controller has not seen the latest spec)");
        }
        return Optional.empty();
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value.trim();
    }
}
