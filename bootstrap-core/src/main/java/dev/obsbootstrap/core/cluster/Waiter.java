package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.config.Durations;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.manifest.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Waits on Kubernetes objects with fabric8's watch-based {@code waitUntilCondition} (no sleep loops), and turns a
 * timeout into one {@link ClusterException} that names each object and what is still wrong with it.
 * Also finds what to wait on: the workloads in a Helm release manifest, and those an operator creates.
 */
public final class Waiter {
    /** Kinds a release manifest is searched for: the ones that run pods. */
    public static final List<String> WORKLOAD_KINDS = List.of("Deployment", "StatefulSet", "DaemonSet", "Job");

    private static final Pattern EQUALITY_SELECTOR =
            Pattern.compile("^[A-Za-z0-9._/-]+(?:=|==)[A-Za-z0-9._-]*(?:,[A-Za-z0-9._/-]+(?:=|==)[A-Za-z0-9._-]*)*$");

    private final KubernetesClient client;

    public Waiter(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Told how the wait goes: how many of the awaited objects are ready and which are not, and trouble on the way. */
    public interface Progress {
        /** Called each time the count changes and at least every second while waiting (plain consoles print a heartbeat from it). */
        void update(int ready, int total, List<ResourceRef> pending);

        /** Something the user should know while the wait goes on (the API server not answering); "" when it cleared. */
        void trouble(String message);

        static Progress none() {
            return new Progress() {
                @Override
                public void update(int ready, int total, List<ResourceRef> pending) {}

                @Override
                public void trouble(String message) {}
            };
        }
    }

    /**
     * Waits until {@code condition} holds for the object (it receives null while the object does not exist).
     *
     * @return the object as it was when the condition held
     * @throws ClusterException on timeout, naming the object and what is still wrong, or when it cannot be watched
     */
    public HasMetadata until(ResourceRef ref, Predicate<HasMetadata> condition, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(condition, "condition");
        try {
            return await(ref, condition, timeout);
        } catch (KubernetesClientTimeoutException e) {
            throw new ClusterException(
                    "timed out after " + Durations.format(timeout) + " waiting for " + ref.describe() + ": "
                            + stillWrong(ref, condition) + ". " + hint(List.of(ref)),
                    e);
        }
    }

    /** {@link #waitAllReady(List, Duration, Progress, FailFast)} with the default {@link FailFast} rules. */
    public void waitAllReady(List<ResourceRef> refs, Duration timeout, Progress progress) throws InterruptedException {
        waitAllReady(refs, timeout, progress, FailFast.DEFAULT);
    }

    /**
     * Waits until every object is ready by {@link ReadinessChecks}, all within one {@code timeout}, reporting progress.
     * Each object is watched (an informer: readiness is noticed as soon as the API server says so); meanwhile the pods of
     * those not ready yet are looked at every {@code failFast.poll()}, and a pod broken beyond waiting ends the wait at
     * once with its diagnosis ({@link WorkloadFailedException}).
     *
     * @throws ConfigException          when one of them is of a kind readiness is not known for
     * @throws WorkloadFailedException  when a pod is crash-looping, cannot pull its image, misses a Secret, fits no node, or a Job failed
     * @throws ClusterException         on timeout, listing every object that is not ready and why
     */
    public void waitAllReady(List<ResourceRef> refs, Duration timeout, Progress progress, FailFast failFast)
            throws InterruptedException {
        waitAllReady(refs, timeout, progress, failFast, Map.of());
    }

    /**
     * The same, starting from workload lists just read ({@link #listWorkloads}, kind and namespace -> items) instead of
     * reading them again: what is ready in them needs no watch, and a kind or namespace they lack is listed as usual.
     */
    public void waitAllReady(
            List<ResourceRef> refs,
            Duration timeout,
            Progress progress,
            FailFast failFast,
            Map<List<String>, List<? extends HasMetadata>> listed)
            throws InterruptedException {
        List<ResourceRef> unique = List.copyOf(new LinkedHashSet<>(refs));
        unique.forEach(ref -> ReadinessChecks.forKind(ref.kind(), false));
        Instant deadline = Instant.now().plus(timeout);
        Map<ResourceRef, CompletableFuture<?>> watches = new java.util.LinkedHashMap<>();
        PodHealth health = new PodHealth(client, failFast);
        Instant nextHealthCheck = Instant.now().plus(failFast.poll());
        Instant unreachableSince = null;
        try {
            Set<ResourceRef> readyNow = readyNow(unique, listed);
            for (ResourceRef ref : unique) {
                if (readyNow.contains(ref)) {
                    watches.put(ref, CompletableFuture.completedFuture(null));
                    continue;
                }
                Predicate<HasMetadata> isReady = ReadinessChecks.forKind(ref.kind(), false);
                watches.put(ref, resource(ref).informOnCondition(list -> !list.isEmpty() && isReady.test(list.get(0))));
            }
            while (true) {
                List<ResourceRef> pending = new ArrayList<>();
                for (Map.Entry<ResourceRef, CompletableFuture<?>> watch : watches.entrySet()) {
                    if (!watch.getValue().isDone()) {
                        pending.add(watch.getKey());
                    } else if (watch.getValue().isCompletedExceptionally()) {
                        throw cannotWatch(watch.getKey(), watch.getValue());
                    }
                }
                progress.update(unique.size() - pending.size(), unique.size(), pending);
                if (pending.isEmpty()) {
                    return;
                }
                Instant now = Instant.now();
                if (!now.isBefore(deadline)) {
                    throw timedOut(timeout, unique, pending);
                }
                if (!now.isBefore(nextHealthCheck)) {
                    nextHealthCheck = now.plus(failFast.poll());
                    try {
                        Optional<PodHealth.Finding> broken = health.check(pending, now);
                        if (unreachableSince != null) {
                            progress.trouble("");
                            unreachableSince = null;
                        }
                        if (broken.isPresent()) {
                            throw failed(broken.get(), unique);
                        }
                    } catch (KubernetesClientException e) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw new InterruptedException("interrupted while waiting for "
                                    + pending.get(0).describe());
                        }
                        if (unreachableSince == null) {
                            unreachableSince = now;
                        }
                        progress.trouble("cannot read the pods: " + KubeErrors.describe(client, e) + " (for "
                                + Durations.format(Duration.between(unreachableSince, now))
                                + "; still waiting until the phase's time is up)");
                    }
                }
                Duration slice = Duration.between(now, earliest(deadline, nextHealthCheck, now.plusSeconds(1)));
                try {
                    CompletableFuture.anyOf(pending.stream().map(watches::get).toArray(CompletableFuture[]::new))
                            .get(Math.max(1, slice.toMillis()), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException | CancellationException e) {
                    // a slice is over, or a watch failed: the loop looks again
                }
            }
        } finally {
            watches.values().forEach(watch -> watch.cancel(true));
        }
    }

    /**
     * The workloads that are ready already, by the same checks, from one list per kind and namespace: what is ready
     * needs no watch (an unchanged stack is all ready, and then none is opened). A list that fails (RBAC that allows
     * only named objects, a server hiccup) leaves every one to its watch, which reports such a failure itself.
     */
    private Set<ResourceRef> readyNow(List<ResourceRef> refs, Map<List<String>, List<? extends HasMetadata>> listed)
            throws InterruptedException {
        Map<List<String>, Map<String, ResourceRef>> wanted = new java.util.LinkedHashMap<>();
        for (ResourceRef ref : refs) {
            if (WORKLOAD_KINDS.contains(ref.kind()) && !ref.namespace().isEmpty()) {
                wanted.computeIfAbsent(List.of(ref.kind(), ref.namespace()), k -> new java.util.HashMap<>())
                        .put(ref.name(), ref);
            }
        }
        Set<ResourceRef> ready = new LinkedHashSet<>();
        try {
            for (Map.Entry<List<String>, Map<String, ResourceRef>> group : wanted.entrySet()) {
                String kind = group.getKey().get(0);
                String namespace = group.getKey().get(1);
                Predicate<HasMetadata> isReady = ReadinessChecks.forKind(kind, false);
                List<? extends HasMetadata> items = listed.get(group.getKey());
                for (HasMetadata item : items != null ? items : listWorkloads(client, kind, namespace)) {
                    ResourceRef ref = group.getValue().get(item.getMetadata().getName());
                    if (ref != null && isReady.test(item)) {
                        ready.add(ref);
                    }
                }
            }
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                throw new InterruptedException("interrupted while reading " + String.join(", ", WORKLOAD_KINDS));
            }
            return Set.of();
        }
        return ready;
    }

    /**
     * Every workload of one of {@link #WORKLOAD_KINDS} in a namespace, in one list request, typed without pod
     * templates ({@link StatusReads}): what readiness, names and labels need.
     */
    public static List<? extends HasMetadata> listWorkloads(KubernetesClient client, String kind, String namespace) {
        return StatusReads.list(client, kind, namespace, Optional.empty());
    }

    /** The full typed lists a wait's watches and pod checks read (PodHealth), pod templates and pods included. */
    private static final List<Class<? extends KubernetesResourceList<?>>> FULL_LISTS = List.of(
            io.fabric8.kubernetes.api.model.apps.DeploymentList.class,
            io.fabric8.kubernetes.api.model.apps.StatefulSetList.class,
            io.fabric8.kubernetes.api.model.apps.DaemonSetList.class,
            io.fabric8.kubernetes.api.model.batch.v1.JobList.class,
            io.fabric8.kubernetes.api.model.PodList.class);

    private static final Set<KubernetesClient> PREPARED =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    /**
     * Builds, on a thread of its own and once per client, the client's readers of the full workload and pod model that
     * the watches and pod checks of a wait read: about half a second of reflection on a cold JVM (containers, probes,
     * some thirty volume types). A run calls it when it starts installing, so that they are ready when Helm returns;
     * an unchanged run, whose workloads are ready at the first list, never builds them. Sends no request; a failure
     * changes nothing (the first real read builds the reader as it would have).
     */
    public static void prepareFullReaders(KubernetesClient client) {
        synchronized (PREPARED) {
            if (!PREPARED.add(client)) {
                return;
            }
        }
        ClusterHub.headStart("obs-bootstrap-full-readers", () -> {
            for (Class<? extends KubernetesResourceList<?>> type : FULL_LISTS) {
                client.getKubernetesSerialization().unmarshal("{\"items\":[]}", type);
            }
        });
    }

    private static Instant earliest(Instant... instants) {
        Instant min = instants[0];
        for (Instant instant : instants) {
            if (instant.isBefore(min)) {
                min = instant;
            }
        }
        return min;
    }

    private ClusterException cannotWatch(ResourceRef ref, CompletableFuture<?> watch) {
        Throwable cause;
        try {
            watch.getNow(null);
            cause = null;
        } catch (CompletionException | CancellationException e) {
            cause = e.getCause() == null ? e : e.getCause();
        }
        String reason = cause instanceof KubernetesClientException k
                ? KubeErrors.describe(client, k) + accessHint(k, ref)
                : String.valueOf(cause);
        return new ClusterException("cannot watch " + ref.describe() + ": " + reason, cause);
    }

    private ClusterException timedOut(Duration timeout, List<ResourceRef> all, List<ResourceRef> pending) {
        List<String> notReady = new ArrayList<>();
        for (ResourceRef ref : pending) {
            notReady.add(ref.describe() + ": " + stillWrong(ref, ReadinessChecks.forKind(ref.kind(), false)));
        }
        return new ClusterException("timed out after " + Durations.format(timeout) + " waiting for " + notReady.size()
                + " of " + all.size() + " workloads to become ready:\n  " + String.join("\n  ", notReady)
                + "\n" + hint(all));
    }

    private WorkloadFailedException failed(PodHealth.Finding finding, List<ResourceRef> all) {
        String diagnosis =
                new Diagnostics(client).diagnose(List.of(finding.workload())).render();
        return new WorkloadFailedException(
                finding.cause(),
                finding.describe() + "\n" + diagnosis + "\nWhat to do: "
                        + finding.cause().advice() + ". " + hint(all));
    }

    /**
     * The workloads (Deployment, StatefulSet, DaemonSet, Job) in a rendered release manifest, in manifest order.
     * Objects without a namespace are placed in {@code defaultNamespace}, as Helm does.
     */
    public static List<ResourceRef> workloadsInManifest(String manifest, String defaultNamespace) {
        List<ResourceRef> refs = new ArrayList<>();
        for (Map<String, Object> document : Manifests.maps(manifest, "the release manifest")) {
            String kind = Manifests.text(document, "kind");
            if (!WORKLOAD_KINDS.contains(kind)) {
                continue;
            }
            Map<String, Object> metadata = Manifests.map(document, "metadata");
            String namespace = Manifests.text(metadata, "namespace");
            refs.add(new ResourceRef(
                    Manifests.text(document, "apiVersion"),
                    kind,
                    namespace.isEmpty() ? defaultNamespace : namespace,
                    Manifests.text(metadata, "name")));
        }
        return refs;
    }

    /**
     * The Deployments, StatefulSets and DaemonSets an operator created for a release, found by label selector
     * ({@code ComponentSpec.operatorWorkloads}, like {@code app.kubernetes.io/name=server}). Waits up to
     * {@code timeout} for each selector to match at least one, because the operator creates them after Helm returns.
     *
     * @throws ConfigException  for a selector that is not a comma-separated list of key=value
     * @throws ClusterException when a selector matches nothing in time
     */
    public List<ResourceRef> operatorWorkloads(String namespace, List<String> labelSelectors, Duration timeout)
            throws InterruptedException {
        return operatorWorkloads(namespace, labelSelectors, timeout, Map.of());
    }

    /**
     * The same, looking first in workload lists just read ({@link #listWorkloads}, kind and namespace -> items) for a
     * kind they hold; what they lack, or a selector they match nothing for, is read from the API server.
     */
    public List<ResourceRef> operatorWorkloads(
            String namespace,
            List<String> labelSelectors,
            Duration timeout,
            Map<List<String>, List<? extends HasMetadata>> listed)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Set<ResourceRef> found = new LinkedHashSet<>();
        for (String selector : labelSelectors) {
            if (!EQUALITY_SELECTOR.matcher(selector).matches()) {
                throw new ConfigException("operator workload selector '" + selector
                        + "' is not a comma-separated list of key=value labels");
            }
            List<ResourceRef> matching = matching(namespace, selector, listed);
            if (matching.isEmpty()) {
                awaitAnyMatching(namespace, selector, Duration.between(Instant.now(), deadline), timeout);
                matching = matching(namespace, selector);
            }
            found.addAll(matching);
        }
        return List.copyOf(found);
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /** The Deployments, StatefulSets and DaemonSets the label selector matches now (no waiting). */
    public List<ResourceRef> matching(String namespace, String selector) {
        return matching(namespace, selector, Map.of());
    }

    /** The same, from the lists just read where they hold the kind (an equality selector, checked by the caller). */
    private List<ResourceRef> matching(
            String namespace, String selector, Map<List<String>, List<? extends HasMetadata>> listed) {
        if (listed.keySet()
                .containsAll(List.of(
                        List.of("Deployment", namespace),
                        List.of("StatefulSet", namespace),
                        List.of("DaemonSet", namespace)))) {
            Map<String, String> wanted = new java.util.HashMap<>();
            for (String term : selector.split(",")) {
                String[] pair = term.split("==?", 2);
                wanted.put(pair[0], pair[1]);
            }
            List<ResourceRef> refs = new ArrayList<>();
            for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet")) {
                for (HasMetadata item : listed.get(List.of(kind, namespace))) {
                    Map<String, String> labels = item.getMetadata().getLabels();
                    if (labels != null && labels.entrySet().containsAll(wanted.entrySet())) {
                        refs.add(new ResourceRef(
                                "apps/v1", kind, namespace, item.getMetadata().getName()));
                    }
                }
            }
            return refs;
        }
        List<ResourceRef> refs = new ArrayList<>();
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .withLabelSelector(selector)
                .list()
                .getItems()
                .forEach(o -> refs.add(
                        ResourceRef.deployment(namespace, o.getMetadata().getName())));
        client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .withLabelSelector(selector)
                .list()
                .getItems()
                .forEach(o -> refs.add(
                        ResourceRef.statefulSet(namespace, o.getMetadata().getName())));
        client.apps()
                .daemonSets()
                .inNamespace(namespace)
                .withLabelSelector(selector)
                .list()
                .getItems()
                .forEach(o -> refs.add(
                        ResourceRef.daemonSet(namespace, o.getMetadata().getName())));
        return refs;
    }

    private void awaitAnyMatching(String namespace, String selector, Duration remaining, Duration timeout)
            throws InterruptedException {
        List<CompletableFuture<?>> watches = List.of(
                client.apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withLabelSelector(selector)
                        .informOnCondition(l -> !l.isEmpty()),
                client.apps()
                        .statefulSets()
                        .inNamespace(namespace)
                        .withLabelSelector(selector)
                        .informOnCondition(l -> !l.isEmpty()),
                client.apps()
                        .daemonSets()
                        .inNamespace(namespace)
                        .withLabelSelector(selector)
                        .informOnCondition(l -> !l.isEmpty()));
        try {
            CompletableFuture.anyOf(watches.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, remaining.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ClusterException(
                    "no workload labelled " + selector + " appeared in namespace " + namespace + " within "
                            + Durations.format(timeout)
                            + ": the operator that creates it may not be running or may be failing; "
                            + "check its pods and logs (kubectl -n " + namespace + " get pods)",
                    e);
        } catch (ExecutionException | CancellationException e) {
            throw new ClusterException(
                    "cannot watch workloads labelled " + selector + " in namespace " + namespace + ": "
                            + e.getMessage(),
                    e);
        } finally {
            watches.forEach(w -> w.cancel(true));
        }
    }

    private HasMetadata await(ResourceRef ref, Predicate<HasMetadata> condition, Duration timeout)
            throws InterruptedException {
        try {
            return waitOn(resource(ref), condition, timeout);
        } catch (KubernetesClientTimeoutException e) {
            throw e;
        } catch (KubernetesClientException e) {
            if (Thread.interrupted() || e.getCause() instanceof InterruptedException) {
                throw new InterruptedException("interrupted while waiting for " + ref.describe());
            }
            throw new ClusterException(
                    "cannot watch " + ref.describe() + ": " + KubeErrors.describe(client, e) + accessHint(e, ref), e);
        }
    }

    private static <T extends HasMetadata> T waitOn(
            Resource<T> resource, Predicate<HasMetadata> condition, Duration timeout) {
        return resource.waitUntilCondition(condition::test, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    private HasMetadata get(ResourceRef ref) {
        try {
            return resource(ref).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read " + ref.describe() + ": " + KubeErrors.describe(client, e) + accessHint(e, ref), e);
        }
    }

    private Resource<? extends HasMetadata> resource(ResourceRef ref) {
        String namespace = ref.namespace();
        return switch (ref.kind()) {
            case "Deployment" ->
                client.apps().deployments().inNamespace(namespace).withName(ref.name());
            case "StatefulSet" ->
                client.apps().statefulSets().inNamespace(namespace).withName(ref.name());
            case "DaemonSet" ->
                client.apps().daemonSets().inNamespace(namespace).withName(ref.name());
            case "Job" -> client.batch().v1().jobs().inNamespace(namespace).withName(ref.name());
            case "Pod" -> client.pods().inNamespace(namespace).withName(ref.name());
            case "CustomResourceDefinition" ->
                client.apiextensions().v1().customResourceDefinitions().withName(ref.name());
            default ->
                namespace.isEmpty()
                        ? client.genericKubernetesResources(ref.apiVersion(), ref.kind())
                                .withName(ref.name())
                        : client.genericKubernetesResources(ref.apiVersion(), ref.kind())
                                .inNamespace(namespace)
                                .withName(ref.name());
        };
    }

    /** What is wrong now, read fresh after the wait gave up. */
    private String stillWrong(ResourceRef ref, Predicate<HasMetadata> condition) {
        HasMetadata current = get(ref);
        if (current == null) {
            return "it does not exist";
        }
        if (ReadinessChecks.isKnownKind(ref.kind())) {
            return ReadinessChecks.whyNotReady(current)
                    .orElse(condition.test(current) ? "ready now" : "the condition was not met");
        }
        return condition.test(current) ? "ready now" : "the condition was not met";
    }

    private static String hint(List<ResourceRef> refs) {
        Set<String> namespaces = new LinkedHashSet<>();
        refs.stream().map(ResourceRef::namespace).filter(ns -> !ns.isEmpty()).forEach(namespaces::add);
        if (namespaces.isEmpty()) {
            return "Check with: kubectl get " + refs.get(0).kind().toLowerCase(java.util.Locale.ROOT) + " "
                    + refs.get(0).name() + " -o yaml";
        }
        return "Check the pods and events: kubectl -n " + String.join(",", namespaces) + " get pods,events";
    }

    private static String accessHint(KubernetesClientException e, ResourceRef ref) {
        return KubeErrors.accessHint(
                e,
                "your user may not get/watch " + ref.kind() + " objects"
                        + (ref.namespace().isEmpty() ? "" : " in " + ref.namespace()));
    }
}
