package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Plays kubelet and the workload controllers for the {@link FakeCluster}: one thread that watches Deployments,
 * StatefulSets, DaemonSets and Jobs and, after Helm's writes, creates their ReplicaSets and pods and writes the status
 * a real cluster would show. What happens to a workload is chosen by name ({@link #behave}): ready (default), slow,
 * crash-looping (with log lines served by the pod log endpoint), image pull failing or unschedulable, with the Warning
 * events a real cluster records. Pods carry the workload's selector labels and ownerReferences (Deployment -> ReplicaSet
 * -> Pod), and deleting a workload deletes what the simulator created for it.
 *
 * <p>Watch callbacks only enqueue work; the one simulator thread does every read and write, in a plain loop over a
 * {@link DelayQueue} (a slow workload is a work item due later).
 */
public final class KubeletSimulator implements AutoCloseable {
    /** The single simulated node. */
    public static final String NODE_NAME = "fake-node-1";

    private static final String HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int MAX_ATTEMPTS = 50;

    private enum Kind {
        DEPLOYMENT,
        STATEFULSET,
        DAEMONSET,
        JOB
    }

    private enum PodState {
        READY,
        STARTING,
        CRASH_LOOP,
        IMAGE_PULL,
        PENDING,
        SUCCEEDED
    }

    private record Rule(Pattern pattern, boolean qualified, WorkloadBehaviour behaviour) {}

    private record Rollout(String templateHash, Instant since) {}

    private final KubernetesClient client;
    private final DelayQueue<Work> queue = new DelayQueue<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<String>>> logs = new ConcurrentHashMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile WorkloadBehaviour defaultBehaviour = WorkloadBehaviour.ready();
    private volatile boolean closed;

    KubeletSimulator(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.thread = new Thread(this::run, "kubelet-simulator");
        this.thread.setDaemon(true);
    }

    void start() {
        watches.add(client.apps().deployments().inAnyNamespace().watch(watcher(Kind.DEPLOYMENT)));
        watches.add(client.apps().statefulSets().inAnyNamespace().watch(watcher(Kind.STATEFULSET)));
        watches.add(client.apps().daemonSets().inAnyNamespace().watch(watcher(Kind.DAEMONSET)));
        watches.add(client.batch().v1().jobs().inAnyNamespace().watch(watcher(Kind.JOB)));
        thread.start();
    }

    /**
     * Workloads whose name matches {@code namePattern} behave like this from now on (their next rollout or status
     * write). The pattern is a glob ({@code *} and {@code ?}) matched against the workload name, or against
     * {@code namespace/name} when it contains a slash. The rule added last wins.
     */
    public KubeletSimulator behave(String namePattern, WorkloadBehaviour behaviour) {
        String regex = Pattern.quote(namePattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        rules.add(
                0,
                new Rule(
                        Pattern.compile(regex),
                        namePattern.contains("/"),
                        Objects.requireNonNull(behaviour, "behaviour")));
        return this;
    }

    /** What workloads that match no rule do (initially {@link WorkloadBehaviour#ready()}). */
    public KubeletSimulator defaultBehaviour(WorkloadBehaviour behaviour) {
        this.defaultBehaviour = Objects.requireNonNull(behaviour, "behaviour");
        return this;
    }

    /** Unexpected failures of the simulator thread (a test can assert there were none). */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** True while the simulator thread runs (it stops in {@link #close()}). */
    boolean isRunning() {
        return thread.isAlive();
    }

    /** Log lines of a container, as the pod log endpoint serves them. */
    Optional<List<String>> logs(String namespaceAndPod, String container) {
        Map<String, List<String>> byContainer = logs.get(namespaceAndPod);
        if (byContainer == null) {
            return Optional.empty();
        }
        if (container.isEmpty()) {
            return byContainer.values().stream().findFirst();
        }
        return Optional.ofNullable(byContainer.get(container));
    }

    @Override
    public void close() {
        closed = true;
        watches.forEach(Watch::close);
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the loop ----------------------------------------------------------------------------------------------

    private <T extends HasMetadata> Watcher<T> watcher(Kind kind) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
                String namespace = resource.getMetadata().getNamespace();
                String name = resource.getMetadata().getName();
                if (action == Action.DELETED) {
                    queue.add(new Work(
                            kind, namespace, name, resource.getMetadata().getUid(), System.nanoTime(), 0));
                } else {
                    queue.add(new Work(kind, namespace, name, "", System.nanoTime(), 0));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                if (!closed) {
                    error(kind + " watch closed: " + cause.getMessage());
                }
            }
        };
    }

    private void run() {
        while (!closed) {
            Work work;
            try {
                work = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (work == null || closed) {
                continue;
            }
            try {
                if (!work.deletedUid().isEmpty()) {
                    collectGarbage(work.namespace(), work.deletedUid());
                    rollouts.remove(work.key());
                } else {
                    reconcile(work);
                }
            } catch (KubernetesClientException e) {
                // a conflict with Helm's own writes, or the object went away: look again shortly
                if (work.attempt() < MAX_ATTEMPTS && !closed) {
                    queue.add(work.retry(Duration.ofMillis(100)));
                } else if (!closed) {
                    error(work.key() + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    error(work.key() + ": " + e);
                }
            }
        }
    }

    /** Kept for {@link #errors()} and printed at once: a broken simulator otherwise shows up only as a wait timeout. */
    private void error(String message) {
        errors.add(message);
        System.err.println("[kubelet-simulator] " + message);
    }

    private void reconcile(Work work) {
        switch (work.kind()) {
            case DEPLOYMENT ->
                Optional.ofNullable(client.apps()
                                .deployments()
                                .inNamespace(work.namespace())
                                .withName(work.name())
                                .get())
                        .ifPresent(this::deployment);
            case STATEFULSET ->
                Optional.ofNullable(client.apps()
                                .statefulSets()
                                .inNamespace(work.namespace())
                                .withName(work.name())
                                .get())
                        .ifPresent(this::statefulSet);
            case DAEMONSET ->
                Optional.ofNullable(client.apps()
                                .daemonSets()
                                .inNamespace(work.namespace())
                                .withName(work.name())
                                .get())
                        .ifPresent(this::daemonSet);
            case JOB ->
                Optional.ofNullable(client.batch()
                                .v1()
                                .jobs()
                                .inNamespace(work.namespace())
                                .withName(work.name())
                                .get())
                        .ifPresent(this::job);
        }
    }

    // ---- per kind ----------------------------------------------------------------------------------------------

    private void deployment(Deployment deployment) {
        String namespace = deployment.getMetadata().getNamespace();
        String name = deployment.getMetadata().getName();
        int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
        PodTemplateSpec template = deployment.getSpec().getTemplate();
        String hash = templateHash(template);
        PodState state = state(Kind.DEPLOYMENT, deployment, hash, false);
        String rsName = name + "-" + hash;

        List<ReplicaSet> owned = client.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
                .filter(rs -> isOwnedBy(rs, deployment.getMetadata().getUid()))
                .toList();
        for (ReplicaSet old : owned) {
            if (!old.getMetadata().getName().equals(rsName)) {
                deletePodsOwnedBy(namespace, old.getMetadata().getUid());
                if (!Objects.equals(old.getSpec().getReplicas(), 0)) {
                    client.apps()
                            .replicaSets()
                            .inNamespace(namespace)
                            .withName(old.getMetadata().getName())
                            .edit(rs -> {
                                rs.getSpec().setReplicas(0);
                                return rs;
                            });
                }
            }
        }
        ReplicaSet rs = owned.stream()
                .filter(r -> r.getMetadata().getName().equals(rsName))
                .findFirst()
                .orElseGet(() -> createReplicaSet(deployment, rsName, hash, replicas));
        if (!Objects.equals(rs.getSpec().getReplicas(), replicas)) {
            rs = client.apps()
                    .replicaSets()
                    .inNamespace(namespace)
                    .withName(rsName)
                    .edit(r -> {
                        r.getSpec().setReplicas(replicas);
                        return r;
                    });
        }
        List<String> podNames = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            podNames.add(rsName + "-" + suffix(rsName + i, 5));
        }
        Map<String, String> podLabels = new LinkedHashMap<>(labels(template));
        podLabels.put("pod-template-hash", hash);
        ensurePods(namespace, template, podNames, podLabels, controllerRef(rs), state, behaviour(namespace, name));

        int ready = state == PodState.READY ? replicas : 0;
        var rsStatus = new ReplicaSetStatusBuilder()
                .withReplicas(replicas)
                .withFullyLabeledReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .build();
        updateStatusIfChanged(
                rsStatus,
                client.apps()
                        .replicaSets()
                        .inNamespace(namespace)
                        .withName(rsName)
                        .get(),
                fresh -> {
                    fresh.setStatus(rsStatus);
                    client.apps().replicaSets().resource(fresh).updateStatus();
                });

        boolean available = ready >= replicas;
        var status = new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas(replicas - ready)
                .withConditions(
                        new DeploymentConditionBuilder()
                                .withType("Available")
                                .withStatus(available ? "True" : "False")
                                .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                                .withMessage(
                                        available
                                                ? "Deployment has minimum availability."
                                                : "Deployment does not have minimum availability.")
                                .build(),
                        new DeploymentConditionBuilder()
                                .withType("Progressing")
                                .withStatus("True")
                                .withReason(available ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")
                                .withMessage("ReplicaSet \"" + rsName + "\" "
                                        + (available ? "has successfully progressed." : "is progressing."))
                                .build())
                .build();
        updateStatusIfChanged(status, deployment, fresh -> {
            fresh.setStatus(status);
            client.apps().deployments().resource(fresh).updateStatus();
        });
    }

    private ReplicaSet createReplicaSet(Deployment deployment, String rsName, String hash, int replicas) {
        PodTemplateSpec template = Serialization.clone(deployment.getSpec().getTemplate());
        Map<String, String> labels = new LinkedHashMap<>(labels(template));
        labels.put("pod-template-hash", hash);
        if (template.getMetadata() == null) {
            template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        template.getMetadata().setLabels(labels);
        Map<String, String> selector = new LinkedHashMap<>(
                deployment.getSpec().getSelector() == null
                                || deployment.getSpec().getSelector().getMatchLabels() == null
                        ? Map.of()
                        : deployment.getSpec().getSelector().getMatchLabels());
        selector.put("pod-template-hash", hash);
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(rsName)
                .withNamespace(deployment.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(controllerRef(deployment))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withTemplate(template)
                .endSpec()
                .build();
        return client.apps()
                .replicaSets()
                .inNamespace(rs.getMetadata().getNamespace())
                .resource(rs)
                .create();
    }

    private void statefulSet(StatefulSet sts) {
        String namespace = sts.getMetadata().getNamespace();
        String name = sts.getMetadata().getName();
        int replicas = Optional.ofNullable(sts.getSpec().getReplicas()).orElse(1);
        String hash = templateHash(sts.getSpec().getTemplate());
        PodState state = state(Kind.STATEFULSET, sts, hash, false);
        String revision = name + "-" + hash;
        List<String> podNames = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            podNames.add(name + "-" + i);
        }
        Map<String, String> podLabels = new LinkedHashMap<>(labels(sts.getSpec().getTemplate()));
        podLabels.put("controller-revision-hash", revision);
        ensurePods(
                namespace,
                sts.getSpec().getTemplate(),
                podNames,
                podLabels,
                controllerRef(sts),
                state,
                behaviour(namespace, name));
        int ready = state == PodState.READY ? replicas : 0;
        var status = new StatefulSetStatusBuilder()
                .withObservedGeneration(sts.getMetadata().getGeneration())
                .withReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withCurrentReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withCurrentRevision(revision)
                .withUpdateRevision(revision)
                .withCollisionCount(0)
                .build();
        updateStatusIfChanged(status, sts, fresh -> {
            fresh.setStatus(status);
            client.apps().statefulSets().resource(fresh).updateStatus();
        });
    }

    private void daemonSet(DaemonSet ds) {
        String namespace = ds.getMetadata().getNamespace();
        String name = ds.getMetadata().getName();
        String hash = templateHash(ds.getSpec().getTemplate());
        PodState state = state(Kind.DAEMONSET, ds, hash, false);
        Map<String, String> podLabels = new LinkedHashMap<>(labels(ds.getSpec().getTemplate()));
        podLabels.put("controller-revision-hash", hash);
        podLabels.put("pod-template-generation", String.valueOf(ds.getMetadata().getGeneration()));
        ensurePods(
                namespace,
                ds.getSpec().getTemplate(),
                List.of(name + "-" + suffix(name + hash, 5)),
                podLabels,
                controllerRef(ds),
                state,
                behaviour(namespace, name));
        int ready = state == PodState.READY ? 1 : 0;
        var status = new DaemonSetStatusBuilder()
                .withObservedGeneration(ds.getMetadata().getGeneration())
                .withDesiredNumberScheduled(1)
                .withCurrentNumberScheduled(1)
                .withNumberMisscheduled(0)
                .withUpdatedNumberScheduled(1)
                .withNumberReady(ready)
                .withNumberAvailable(ready)
                .withNumberUnavailable(1 - ready)
                .build();
        updateStatusIfChanged(status, ds, fresh -> {
            fresh.setStatus(status);
            client.apps().daemonSets().resource(fresh).updateStatus();
        });
    }

    private void job(Job job) {
        String namespace = job.getMetadata().getNamespace();
        String name = job.getMetadata().getName();
        String hash = templateHash(job.getSpec().getTemplate());
        PodState state = state(Kind.JOB, job, hash, true);
        Map<String, String> podLabels = new LinkedHashMap<>(labels(job.getSpec().getTemplate()));
        podLabels.put("job-name", name);
        podLabels.put("batch.kubernetes.io/job-name", name);
        podLabels.put("controller-uid", job.getMetadata().getUid());
        ensurePods(
                namespace,
                job.getSpec().getTemplate(),
                List.of(name + "-" + suffix(name + hash, 5)),
                podLabels,
                controllerRef(job),
                state,
                behaviour(namespace, name));
        Rollout rollout = rollouts.get(key(Kind.JOB, namespace, name));
        String started = rollout.since().toString();
        JobStatusBuilder status = new JobStatusBuilder().withStartTime(started);
        if (state == PodState.SUCCEEDED) {
            status.withSucceeded(
                            Optional.ofNullable(job.getSpec().getCompletions()).orElse(1))
                    .withActive(0)
                    .withCompletionTime(started)
                    .withConditions(
                            new JobConditionBuilder()
                                    .withType("SuccessCriteriaMet")
                                    .withStatus("True")
                                    .withReason("CompletionsReached")
                                    .build(),
                            new JobConditionBuilder()
                                    .withType("Complete")
                                    .withStatus("True")
                                    .withReason("CompletionsReached")
                                    .build());
        } else {
            status.withActive(1).withReady(0);
        }
        var built = status.build();
        updateStatusIfChanged(built, job, fresh -> {
            fresh.setStatus(built);
            client.batch().v1().jobs().resource(fresh).updateStatus();
        });
    }

    /** Where this rollout stands now; a not-yet-ready slow rollout is looked at again when it is due. */
    private PodState state(Kind kind, HasMetadata workload, String templateHash, boolean runsToCompletion) {
        String namespace = workload.getMetadata().getNamespace();
        String name = workload.getMetadata().getName();
        String key = key(kind, namespace, name);
        Rollout rollout = rollouts.compute(
                key,
                (k, seen) -> seen != null && seen.templateHash().equals(templateHash)
                        ? seen
                        : new Rollout(templateHash, Instant.now()));
        WorkloadBehaviour behaviour = behaviour(namespace, name);
        if (behaviour instanceof WorkloadBehaviour.Ready ready) {
            Instant readyAt = rollout.since().plus(ready.delay());
            if (Instant.now().isBefore(readyAt)) {
                long delayNanos = Duration.between(Instant.now(), readyAt).toNanos();
                queue.add(new Work(kind, namespace, name, "", System.nanoTime() + delayNanos, 0));
                return PodState.STARTING;
            }
            return runsToCompletion ? PodState.SUCCEEDED : PodState.READY;
        }
        if (behaviour instanceof WorkloadBehaviour.CrashLoop) {
            return PodState.CRASH_LOOP;
        }
        if (behaviour instanceof WorkloadBehaviour.ImagePull) {
            return PodState.IMAGE_PULL;
        }
        return PodState.PENDING;
    }

    private WorkloadBehaviour behaviour(String namespace, String name) {
        for (Rule rule : rules) {
            if (rule.pattern()
                    .matcher(rule.qualified() ? namespace + "/" + name : name)
                    .matches()) {
                return rule.behaviour();
            }
        }
        return defaultBehaviour;
    }

    // ---- pods --------------------------------------------------------------------------------------------------

    private void ensurePods(
            String namespace,
            PodTemplateSpec template,
            List<String> names,
            Map<String, String> labels,
            OwnerReference owner,
            PodState state,
            WorkloadBehaviour behaviour) {
        Map<String, Pod> existing = new HashMap<>();
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            if (isOwnedBy(pod, owner.getUid())) {
                existing.put(pod.getMetadata().getName(), pod);
            }
        }
        for (Pod pod : existing.values()) {
            boolean stale = !names.contains(pod.getMetadata().getName())
                    || !labels.equals(pod.getMetadata().getLabels());
            if (stale) {
                client.pods()
                        .inNamespace(namespace)
                        .withName(pod.getMetadata().getName())
                        .delete();
                logs.remove(namespace + "/" + pod.getMetadata().getName());
                existing.remove(pod.getMetadata().getName());
            }
        }
        for (String name : names) {
            PodSpec spec = Serialization.clone(template.getSpec());
            if (state != PodState.PENDING) {
                spec.setNodeName(NODE_NAME);
            }
            PodStatus status = podStatus(name, namespace, spec, state, behaviour);
            Pod current = existing.get(name);
            if (current == null) {
                Pod pod = new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .withLabels(labels)
                        .withAnnotations(
                                template.getMetadata() == null
                                                || template.getMetadata().getAnnotations() == null
                                        ? Map.of()
                                        : template.getMetadata().getAnnotations())
                        .withOwnerReferences(owner)
                        .endMetadata()
                        .withSpec(spec)
                        .withStatus(status)
                        .build();
                current = client.pods().inNamespace(namespace).resource(pod).create();
            } else if (!sameJson(current.getStatus(), status)) {
                current.setStatus(status);
                current = client.pods().resource(current).updateStatus();
            }
            recordFailure(current, state, behaviour);
        }
    }

    private PodStatus podStatus(
            String podName, String namespace, PodSpec spec, PodState state, WorkloadBehaviour behaviour) {
        PodStatusBuilder status = new PodStatusBuilder().withQosClass("BestEffort");
        if (state == PodState.PENDING) {
            String message = ((WorkloadBehaviour.Pending) behaviour).schedulerMessage();
            return status.withPhase("Pending")
                    .withConditions(condition("PodScheduled", false, "Unschedulable", message))
                    .build();
        }
        boolean ready = state == PodState.READY;
        List<ContainerStatus> containers = new ArrayList<>();
        for (int i = 0; i < spec.getContainers().size(); i++) {
            containers.add(containerStatus(
                    podName, namespace, spec.getContainers().get(i), i == 0 ? state : PodState.READY, behaviour));
        }
        String notReady = containers.stream()
                .filter(c -> !Boolean.TRUE.equals(c.getReady()))
                .map(ContainerStatus::getName)
                .toList()
                .toString();
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition("PodScheduled", true, null, null));
        conditions.add(condition("Initialized", true, null, null));
        if (state == PodState.SUCCEEDED) {
            conditions.add(condition("ContainersReady", false, "PodCompleted", null));
            conditions.add(condition("Ready", false, "PodCompleted", null));
        } else {
            conditions.add(condition(
                    "ContainersReady",
                    ready,
                    ready ? null : "ContainersNotReady",
                    ready ? null : "containers with unready status: " + notReady));
            conditions.add(condition(
                    "Ready",
                    ready,
                    ready ? null : "ContainersNotReady",
                    ready ? null : "containers with unready status: " + notReady));
        }
        String phase = switch (state) {
            case IMAGE_PULL -> "Pending";
            case SUCCEEDED -> "Succeeded";
            default -> "Running";
        };
        int ipSuffix = 2 + Math.floorMod(podName.hashCode(), 250);
        return status.withPhase(phase)
                .withConditions(conditions)
                .withContainerStatuses(containers)
                .withHostIP("172.18.0.2")
                .withPodIP("10.244.0." + ipSuffix)
                .build();
    }

    private static ContainerStatus containerStatus(
            String podName,
            String namespace,
            io.fabric8.kubernetes.api.model.Container container,
            PodState state,
            WorkloadBehaviour behaviour) {
        ContainerStatusBuilder status = new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withImageID("")
                .withContainerID("containerd://" + suffix(podName + container.getName(), 16));
        return switch (state) {
            case READY, STARTING ->
                status.withReady(state == PodState.READY)
                        .withStarted(true)
                        .withRestartCount(0)
                        .withState(new ContainerStateBuilder()
                                .withNewRunning()
                                .withStartedAt("2026-01-01T00:00:00Z")
                                .endRunning()
                                .build())
                        .build();
            case SUCCEEDED ->
                status.withReady(false)
                        .withStarted(false)
                        .withRestartCount(0)
                        .withState(new ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(0)
                                .withReason("Completed")
                                .endTerminated()
                                .build())
                        .build();
            case CRASH_LOOP ->
                status.withReady(false)
                        .withStarted(false)
                        .withRestartCount(5)
                        .withState(new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason("CrashLoopBackOff")
                                .withMessage("back-off 2m40s restarting failed container=" + container.getName()
                                        + " pod=" + podName + "_" + namespace)
                                .endWaiting()
                                .build())
                        .withLastState(new ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(2)
                                .withReason("Error")
                                .endTerminated()
                                .build())
                        .build();
            case IMAGE_PULL -> {
                String reason = ((WorkloadBehaviour.ImagePull) behaviour).reason();
                String message = reason.equals("ErrImagePull")
                        ? "rpc error: code = NotFound desc = failed to pull and unpack image \"" + container.getImage()
                                + "\": not found"
                        : "Back-off pulling image \"" + container.getImage() + "\"";
                yield status.withReady(false)
                        .withStarted(false)
                        .withRestartCount(0)
                        .withImageID("")
                        .withContainerID(null)
                        .withState(new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason(reason)
                                .withMessage(message)
                                .endWaiting()
                                .build())
                        .build();
            }
            case PENDING -> throw new IllegalStateException("a pending pod has no container statuses");
        };
    }

    private static PodCondition condition(String type, boolean status, String reason, String message) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .build();
    }

    /** Warning events and log lines, as kubelet and the scheduler would record them for a failing pod. */
    private void recordFailure(Pod pod, PodState state, WorkloadBehaviour behaviour) {
        String namespace = pod.getMetadata().getNamespace();
        String podName = pod.getMetadata().getName();
        String container = pod.getSpec().getContainers().isEmpty()
                ? ""
                : pod.getSpec().getContainers().get(0).getName();
        String image = pod.getSpec().getContainers().isEmpty()
                ? ""
                : pod.getSpec().getContainers().get(0).getImage();
        switch (state) {
            case CRASH_LOOP -> {
                logs.put(
                        namespace + "/" + podName,
                        Map.of(container, ((WorkloadBehaviour.CrashLoop) behaviour).logLines()));
                warning(
                        pod,
                        "BackOff",
                        "kubelet",
                        "Back-off restarting failed container " + container + " in pod " + podName + "_" + namespace
                                + "(" + pod.getMetadata().getUid() + ")");
            }
            case IMAGE_PULL -> {
                warning(
                        pod,
                        "Failed",
                        "kubelet",
                        "Failed to pull image \"" + image + "\": rpc error: code = NotFound desc = "
                                + "failed to pull and unpack image \"" + image + "\": not found");
                warning(pod, "BackOff", "kubelet", "Back-off pulling image \"" + image + "\"");
            }
            case PENDING ->
                warning(
                        pod,
                        "FailedScheduling",
                        "default-scheduler",
                        ((WorkloadBehaviour.Pending) behaviour).schedulerMessage());
            default ->
                logs.putIfAbsent(namespace + "/" + podName, Map.of(container, List.of("level=info msg=\"started\"")));
        }
    }

    private void warning(Pod pod, String reason, String component, String message) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName() + "." + suffix(reason + message, 10);
        if (client.v1().events().inNamespace(namespace).withName(name).get() != null) {
            return;
        }
        String now =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withApiVersion("v1")
                .withNamespace(namespace)
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource()
                .withComponent(component)
                .withHost(NODE_NAME)
                .endSource()
                .build();
        client.v1().events().inNamespace(namespace).resource(event).create();
    }

    // ---- garbage collection ------------------------------------------------------------------------------------

    private void collectGarbage(String namespace, String ownerUid) {
        for (ReplicaSet rs :
                client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
            if (isOwnedBy(rs, ownerUid)) {
                deletePodsOwnedBy(namespace, rs.getMetadata().getUid());
                client.apps()
                        .replicaSets()
                        .inNamespace(namespace)
                        .withName(rs.getMetadata().getName())
                        .delete();
            }
        }
        deletePodsOwnedBy(namespace, ownerUid);
    }

    private void deletePodsOwnedBy(String namespace, String ownerUid) {
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            if (isOwnedBy(pod, ownerUid)) {
                client.pods()
                        .inNamespace(namespace)
                        .withName(pod.getMetadata().getName())
                        .delete();
                logs.remove(namespace + "/" + pod.getMetadata().getName());
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private <S, T extends HasMetadata> void updateStatusIfChanged(
            S desired, T current, java.util.function.Consumer<T> write) {
        if (current == null) {
            return;
        }
        Object currentStatus = Serialization.jsonMapper().valueToTree(current).get("status");
        if (!Objects.equals(currentStatus, Serialization.jsonMapper().valueToTree(desired))) {
            write.accept(current);
        }
    }

    private static boolean sameJson(Object a, Object b) {
        return Objects.equals(
                Serialization.jsonMapper().valueToTree(a),
                Serialization.jsonMapper().valueToTree(b));
    }

    private static Map<String, String> labels(PodTemplateSpec template) {
        if (template.getMetadata() == null || template.getMetadata().getLabels() == null) {
            return Map.of();
        }
        return template.getMetadata().getLabels();
    }

    private static boolean isOwnedBy(HasMetadata object, String ownerUid) {
        return object.getMetadata().getOwnerReferences() != null
                && object.getMetadata().getOwnerReferences().stream().anyMatch(ref -> ownerUid.equals(ref.getUid()));
    }

    private static OwnerReference controllerRef(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static String templateHash(PodTemplateSpec template) {
        return suffix(Serialization.asJson(template), 10);
    }

    /** A stable name suffix in the alphabet Kubernetes uses for generated names. */
    private static String suffix(String seed, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < length; i++) {
                out.append(HASH_ALPHABET.charAt(Math.floorMod(digest[i], HASH_ALPHABET.length())));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(Kind kind, String namespace, String name) {
        return kind + "/" + namespace + "/" + name;
    }

    private record Work(Kind kind, String namespace, String name, String deletedUid, long dueNanos, int attempt)
            implements Delayed {
        String key() {
            return KubeletSimulator.key(kind, namespace, name);
        }

        Work retry(Duration after) {
            return new Work(kind, namespace, name, deletedUid, System.nanoTime() + after.toNanos(), attempt + 1);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
