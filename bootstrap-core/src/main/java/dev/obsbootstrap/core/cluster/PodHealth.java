package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.console.Redactor;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Watches the pods of workloads that are not ready yet and tells when one is broken beyond waiting (the rules are
 * {@link FailFast}'s). It remembers since when each container has been in a bad state, so a state that clears (an
 * image pulled on the second try, a crash during start-up) never fails the phase.
 */
public final class PodHealth {
    private static final Redactor REDACTOR = Redactor.standard();

    /** Why a workload is broken; each has its own advice. */
    public enum Cause {
        CRASH_LOOP(
                "the container keeps crashing: its last log lines above say why. Fix the cause (config, resources, a "
                        + "dependency) and run up again; more time will not help"),
        IMAGE_PULL("the image cannot be pulled: check its name and tag, that the nodes can reach the registry, and the "
                + "imagePullSecrets (air-gapped: mirror it and set the registry in the values)"),
        CONFIG_ERROR(
                "the pod refers to a Secret or ConfigMap (or a key of one) that does not exist: create it, or fix the reference"),
        UNSCHEDULABLE(
                "no node can take the pod (the scheduler's message says why): lower its requests in the profile or "
                        + "values, free or add nodes, or fix its node selector and tolerations"),
        JOB_FAILED("the Job failed: its pods' logs above say why");

        private final String advice;

        Cause(String advice) {
            this.advice = advice;
        }

        public String advice() {
            return advice;
        }
    }

    /** A broken pod: what, where, and since when it has been so. */
    public record Finding(
            Cause cause, ResourceRef workload, String pod, String container, String reason, String message) {
        public Finding {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(workload, "workload");
        }

        public String describe() {
            return workload.describe() + ": pod " + pod + (container.isEmpty() ? "" : " container " + container) + " "
                    + reason + (message.isEmpty() ? "" : ": " + message);
        }
    }

    private final KubernetesClient client;
    private final Diagnostics diagnostics;
    private final FailFast policy;
    private final Map<String, Instant> badSince = new HashMap<>();

    public PodHealth(KubernetesClient client, FailFast policy) {
        this.client = Objects.requireNonNull(client, "client");
        this.diagnostics = new Diagnostics(client, 0);
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Looks at the pods of {@code workloads} now.
     *
     * @return the first finding that should fail the phase, if any
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the cluster cannot be read
     */
    public Optional<Finding> check(List<ResourceRef> workloads, Instant now) {
        Set<String> seen = new HashSet<>();
        Optional<Finding> fatal = Optional.empty();
        for (ResourceRef workload : workloads) {
            if (workload.kind().equals("Job")) {
                Optional<Finding> failedJob = failedJob(workload);
                if (failedJob.isPresent()) {
                    return failedJob;
                }
            }
            for (Pod pod : diagnostics.podsOf(workload)) {
                if (pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                for (Finding finding : findings(workload, pod)) {
                    String key = finding.pod() + "/" + finding.container() + "/" + finding.cause();
                    seen.add(key);
                    Instant since = badSince.computeIfAbsent(key, k -> now);
                    if (fatal.isEmpty() && isFatal(finding, pod, Duration.between(since, now))) {
                        fatal = Optional.of(finding);
                    }
                }
            }
        }
        badSince.keySet().retainAll(seen); // a state that cleared starts from zero if it comes back
        return fatal;
    }

    private boolean isFatal(Finding finding, Pod pod, Duration lasting) {
        return switch (finding.cause()) {
            case CRASH_LOOP ->
                restarts(pod, finding.container()) >= policy.crashRestarts()
                        || lasting.compareTo(policy.crashLoop()) >= 0;
            case IMAGE_PULL ->
                finding.reason().equals("InvalidImageName") || lasting.compareTo(policy.imagePull()) >= 0;
            case CONFIG_ERROR -> lasting.compareTo(policy.configError()) >= 0;
            case UNSCHEDULABLE -> lasting.compareTo(policy.unschedulable()) >= 0 && !autoscalerAddsNode(pod);
            case JOB_FAILED -> true;
        };
    }

    private List<Finding> findings(ResourceRef workload, Pod pod) {
        List<Finding> findings = new ArrayList<>();
        String name = pod.getMetadata().getName();
        List<PodCondition> conditions =
                Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of());
        conditions.stream()
                .filter(c -> "PodScheduled".equals(c.getType())
                        && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))
                .findFirst()
                .ifPresent(c -> findings.add(new Finding(
                        Cause.UNSCHEDULABLE,
                        workload,
                        name,
                        "",
                        "Unschedulable",
                        REDACTOR.redact(Optional.ofNullable(c.getMessage()).orElse("")))));
        List<ContainerStatus> statuses = new ArrayList<>();
        Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).ifPresent(statuses::addAll);
        Optional.ofNullable(pod.getStatus().getContainerStatuses()).ifPresent(statuses::addAll);
        for (ContainerStatus status : statuses) {
            if (status.getState() == null
                    || status.getState().getWaiting() == null
                    || status.getState().getWaiting().getReason() == null) {
                continue;
            }
            String reason = status.getState().getWaiting().getReason();
            String message = REDACTOR.redact(
                    Optional.ofNullable(status.getState().getWaiting().getMessage())
                            .orElse(""));
            Cause cause = switch (reason) {
                case "CrashLoopBackOff", "RunContainerError" -> Cause.CRASH_LOOP;
                case "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull" -> Cause.IMAGE_PULL;
                case "CreateContainerConfigError", "CreateContainerError" -> Cause.CONFIG_ERROR;
                default -> null;
            };
            if (cause != null) {
                // ErrImagePull and ImagePullBackOff alternate for one image: keyed by cause, they share one clock
                findings.add(new Finding(cause, workload, name, status.getName(), reason, message));
            }
        }
        return findings;
    }

    private static int restarts(Pod pod, String container) {
        List<ContainerStatus> statuses = new ArrayList<>();
        Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).ifPresent(statuses::addAll);
        Optional.ofNullable(pod.getStatus().getContainerStatuses()).ifPresent(statuses::addAll);
        return statuses.stream()
                .filter(s -> container.equals(s.getName()))
                .mapToInt(s -> Optional.ofNullable(s.getRestartCount()).orElse(0))
                .max()
                .orElse(0);
    }

    /** The cluster autoscaler posts TriggeredScaleUp on a pod it is adding a node for: then waiting is right. */
    private boolean autoscalerAddsNode(Pod pod) {
        List<Event> events = client.v1()
                .events()
                .inNamespace(pod.getMetadata().getNamespace())
                .withField("involvedObject.name", pod.getMetadata().getName())
                .list()
                .getItems();
        return events.stream()
                .anyMatch(e -> "TriggeredScaleUp".equals(e.getReason())
                        && e.getInvolvedObject() != null
                        && pod.getMetadata()
                                .getName()
                                .equals(e.getInvolvedObject().getName()));
    }

    private Optional<Finding> failedJob(ResourceRef workload) {
        Job job = client.batch()
                .v1()
                .jobs()
                .inNamespace(workload.namespace())
                .withName(workload.name())
                .get();
        if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (JobCondition condition : job.getStatus().getConditions()) {
            if ("Failed".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                return Optional.of(new Finding(
                        Cause.JOB_FAILED,
                        workload,
                        "",
                        "",
                        Optional.ofNullable(condition.getReason()).orElse("Failed"),
                        REDACTOR.redact(
                                Optional.ofNullable(condition.getMessage()).orElse(""))));
            }
        }
        return Optional.empty();
    }
}
