package dev.obsbootstrap.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaiterTest {
    static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.builder().namespaces("obs").start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void findsTheWorkloadsOfAReleaseManifest() {
        String manifest = """
                ---
                # Source: stack/templates/configmap.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                data:
                  enabled: on
                ---
                # Source: stack/templates/deployment.yaml
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: gateway
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: store
                  namespace: storage
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: collector}
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: migrate}
                ---
                """;
        assertThat(Waiter.workloadsInManifest(manifest, "obs"))
                .containsExactly(
                        ResourceRef.deployment("obs", "gateway"),
                        ResourceRef.statefulSet("storage", "store"),
                        ResourceRef.daemonSet("obs", "collector"),
                        ResourceRef.job("obs", "migrate"));
        assertThat(Waiter.workloadsInManifest("", "obs")).isEmpty();
    }

    @Test
    void anUnparsableManifestIsBadInputNotACrash() {
        assertThatThrownBy(() -> Waiter.workloadsInManifest("kind: [unclosed", "obs"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the release manifest is not valid YAML");
    }

    @Test
    void waitsForAnObjectToAppearWithAnExistsOnlyCheck() throws Exception {
        Thread creator = new Thread(() -> {
            sleep(300);
            cluster.client()
                    .configMaps()
                    .inNamespace("obs")
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("late")
                            .endMetadata()
                            .build())
                    .create();
        });
        creator.start();

        var found = new Waiter(cluster.client())
                .until(
                        new ResourceRef("v1", "ConfigMap", "obs", "late"),
                        ReadinessChecks.forKind("ConfigMap", true),
                        Duration.ofSeconds(10));

        assertThat(found.getMetadata().getName()).isEqualTo("late");
        creator.join();
    }

    @Test
    void aTimeoutOnAnExistsOnlyObjectSaysItDoesNotExist() {
        assertThatThrownBy(() -> new Waiter(cluster.client())
                        .until(
                                new ResourceRef("v1", "ConfigMap", "obs", "never"),
                                Objects::nonNull,
                                Duration.ofMillis(200)))
                .isInstanceOf(ClusterException.class)
                .hasMessageStartingWith("timed out after 200ms waiting for ConfigMap obs/never: it does not exist");
    }

    @Test
    void waitingForAKindWithoutReadinessIsRefusedUpFront() {
        assertThatThrownBy(() -> new Waiter(cluster.client())
                        .waitAllReady(
                                List.of(new ResourceRef("monitoring.coreos.com/v1", "Prometheus", "obs", "k8s")),
                                Duration.ofSeconds(1),
                                Waiter.Progress.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Prometheus");
    }

    @Test
    void findsOperatorWorkloadsOnceTheOperatorCreatesThem() throws Exception {
        Thread operator = new Thread(() -> {
            sleep(300);
            cluster.client()
                    .apps()
                    .statefulSets()
                    .inNamespace("obs")
                    .resource(statefulSet(
                            "prometheus-k8s",
                            Map.of("app.kubernetes.io/name", "prometheus", "operator.prometheus.io/name", "k8s")))
                    .create();
        });
        operator.start();
        Waiter waiter = new Waiter(cluster.client());

        List<ResourceRef> found =
                waiter.operatorWorkloads("obs", List.of("app.kubernetes.io/name=prometheus"), Duration.ofSeconds(10));

        assertThat(found).containsExactly(ResourceRef.statefulSet("obs", "prometheus-k8s"));
        waiter.waitAllReady(found, Duration.ofSeconds(20), Waiter.Progress.none());
        operator.join();
    }

    @Test
    void whatIsReadyAlreadyIsReadFromOneListAndOnlyTheRestIsWatched() throws Exception {
        Waiter waiter = new Waiter(cluster.client());
        List<ResourceRef> ready = readyStatefulSets(waiter, "steady-a", "steady-b");
        cluster.kubelet().behave("late-*", WorkloadBehaviour.slow(Duration.ofMillis(500)));
        cluster.client()
                .apps()
                .statefulSets()
                .inNamespace("obs")
                .resource(statefulSet("late-c", Map.of("app", "late-c")))
                .create();
        List<ResourceRef> all = new java.util.ArrayList<>(ready);
        all.add(ResourceRef.statefulSet("obs", "late-c"));
        List<Integer> firstCount = new java.util.ArrayList<>();
        long mark = cluster.requestsServed();

        waiter.waitAllReady(all, Duration.ofSeconds(20), new Waiter.Progress() {
            @Override
            public void update(int readyCount, int total, List<ResourceRef> pending) {
                if (firstCount.isEmpty()) {
                    firstCount.add(readyCount);
                }
            }

            @Override
            public void trouble(String message) {}
        });

        List<String> requests = cluster.requestsSince(mark);
        assertThat(requests)
                .as("one list of the namespace's StatefulSets finds the two ready ones (the rest of the log is the"
                        + " simulated kubelet's)")
                .filteredOn(r -> r.contains("GET /apis/apps/v1/namespaces/obs/statefulsets -> "))
                .hasSize(1);
        assertThat(requests)
                .as("only the one not ready yet is watched")
                .filteredOn(r -> r.contains("watch=true"))
                .isNotEmpty()
                .allMatch(r -> r.contains("metadata.name%3Dlate-c"));
        assertThat(firstCount).containsExactly(2);
    }

    /** An unchanged phase: the check for deleted objects lists the workloads, and their readiness is read from that. */
    @Test
    void workloadsJustListedForTheDeletedObjectsCheckAreNotListedAgain() throws Exception {
        Waiter waiter = new Waiter(cluster.client());
        List<ResourceRef> ready = readyStatefulSets(waiter, "listed-a", "listed-b");
        long mark = cluster.requestsServed();

        LiveObjects.Listing listing = LiveObjects.read(
                cluster.client(), ready.stream().map(ResourceRef::key).toList(), "phase logs");
        waiter.waitAllReady(
                ready, Duration.ofSeconds(20), Waiter.Progress.none(), FailFast.DEFAULT, listing.workloads());

        assertThat(listing.missing()).isEmpty();
        assertThat(listing.workloads()).containsOnlyKeys(List.of("StatefulSet", "obs"));
        List<String> requests = cluster.requestsSince(mark);
        assertThat(requests)
                .as("one list for both questions (the rest of the log is the simulated kubelet's)")
                .filteredOn(r -> r.contains("GET /apis/apps/v1/namespaces/obs/statefulsets -> "))
                .hasSize(1);
        assertThat(requests).as("none watched: both are ready").noneMatch(r -> r.contains("watch=true"));
    }

    @Test
    void anOperatorsWorkloadsAreFoundInTheListsJustReadAsTheApiServerWouldSelectThem() throws Exception {
        Waiter waiter = new Waiter(cluster.client());
        cluster.client()
                .apps()
                .statefulSets()
                .inNamespace("obs")
                .resource(statefulSet("prometheus-main", Map.of("app.kubernetes.io/name", "prom", "tier", "x")))
                .create();
        cluster.client()
                .apps()
                .statefulSets()
                .inNamespace("obs")
                .resource(statefulSet("prometheus-other", Map.of("app.kubernetes.io/name", "prom", "tier", "y")))
                .create();
        Map<List<String>, List<? extends io.fabric8.kubernetes.api.model.HasMetadata>> listed =
                new java.util.HashMap<>();
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet")) {
            listed.put(List.of(kind, "obs"), Waiter.listWorkloads(cluster.client(), kind, "obs"));
        }
        List<String> selectors = List.of("app.kubernetes.io/name=prom,tier==x");
        List<ResourceRef> fromServer = waiter.operatorWorkloads("obs", selectors, Duration.ofSeconds(5));
        long mark = cluster.requestsServed();

        List<ResourceRef> fromLists = waiter.operatorWorkloads("obs", selectors, Duration.ofSeconds(5), listed);

        assertThat(fromServer).containsExactly(ResourceRef.statefulSet("obs", "prometheus-main"));
        assertThat(fromLists).isEqualTo(fromServer);
        assertThat(cluster.requestsSince(mark)).noneMatch(r -> r.contains("labelSelector"));
    }

    @Test
    void anOperatorThatCreatesNothingTimesOutWithAHint() {
        assertThatThrownBy(() -> new Waiter(cluster.client())
                        .operatorWorkloads(
                                "obs", List.of("app.kubernetes.io/name=alertmanager"), Duration.ofMillis(300)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining(
                        "no workload labelled app.kubernetes.io/name=alertmanager appeared in namespace obs within 300ms");
        assertThatThrownBy(() -> new Waiter(cluster.client())
                        .operatorWorkloads("obs", List.of("app in (a,b)"), Duration.ofMillis(300)))
                .isInstanceOf(ConfigException.class);
    }

    /** StatefulSets in namespace obs, created and waited for until the simulated kubelet made them ready. */
    private static List<ResourceRef> readyStatefulSets(Waiter waiter, String... names) throws InterruptedException {
        List<ResourceRef> refs = java.util.Arrays.stream(names)
                .map(name -> ResourceRef.statefulSet("obs", name))
                .toList();
        for (ResourceRef ref : refs) {
            cluster.client()
                    .apps()
                    .statefulSets()
                    .inNamespace("obs")
                    .resource(statefulSet(ref.name(), Map.of("app", ref.name())))
                    .create();
        }
        waiter.waitAllReady(refs, Duration.ofSeconds(20), Waiter.Progress.none());
        return refs;
    }

    private static StatefulSet statefulSet(String name, Map<String, String> labels) {
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("obs")
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("prometheus")
                .withImage("quay.io/prometheus/prometheus:v3")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
