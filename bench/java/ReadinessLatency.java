import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ResourceRef;
import dev.obsbootstrap.core.cluster.Waiter;
import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.WorkloadBehaviour;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How soon {@code up} notices that the last workload it waits for turned ready: the time from the moment the API
 * server is told a Deployment's pods are ready (its status written, as the controller manager would) to the moment
 * the {@link Waiter} that {@code up} uses returns, both read off one clock in one JVM. The waiter talks to the
 * simulated cluster through the production client (ClusterHub: fabric8 on OkHttp, watches); the status is written
 * by a second client, as the kubelet and controllers are separate processes in a real cluster. The write's own
 * round trip is counted in, so the figure is an upper bound.
 *
 * <p>Usage: ReadinessLatency [TRIALS]; prints each latency, then the median, 90th percentile and maximum. The first
 * {@value #WARM_UP} trials load and compile the code paths and are printed, not counted.
 */
public final class ReadinessLatency {
    private static final int WARM_UP = 3;

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        List<Long> micros = new ArrayList<>();
        Path kubeconfig = Files.createTempFile("readiness-latency", ".yaml");
        try (FakeCluster cluster = FakeCluster.start();
                ClusterHub hub = ClusterHub.forKubeconfig(cluster.writeKubeconfig(kubeconfig), "", Map.of())) {
            KubernetesClient writer = cluster.client();
            Waiter waiter = new Waiter(hub.client());
            for (int i = 0; i < WARM_UP + trials; i++) {
                // the simulated kubelet starts the pod but leaves it unready: this benchmark decides when it is ready
                cluster.kubelet().behave("default/latency-" + i, WorkloadBehaviour.slow(Duration.ofMinutes(10)));
                Deployment deployment = writer.apps()
                        .deployments()
                        .inNamespace("default")
                        .resource(new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("latency-" + i)
                                .withNamespace("default")
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(1)
                                .withNewSelector()
                                .addToMatchLabels("app", "latency-" + i)
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", "latency-" + i)
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("main")
                                .withImage("registry.example/pause:3.10")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                        .create();
                ResourceRef ref = ResourceRef.deployment("default", deployment.getMetadata().getName());
                CompletableFuture<Long> noticed = CompletableFuture.supplyAsync(() -> {
                    try {
                        waiter.waitAllReady(List.of(ref), Duration.ofSeconds(60), Waiter.Progress.none());
                        return System.nanoTime();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(700); // the waiter is watching by now
                long told = System.nanoTime();
                Deployment current = writer.apps().deployments().inNamespace("default").withName(ref.name()).get();
                current.setStatus(new DeploymentStatusBuilder()
                        .withObservedGeneration(current.getMetadata().getGeneration())
                        .withReplicas(1)
                        .withUpdatedReplicas(1)
                        .withReadyReplicas(1)
                        .withAvailableReplicas(1)
                        .build());
                writer.apps().deployments().inNamespace("default").resource(current).updateStatus();
                long latency = (noticed.get() - told) / 1_000;
                if (i >= WARM_UP) {
                    micros.add(latency);
                }
                System.out.printf("%s %2d: %6.1f ms%n", i < WARM_UP ? "warm-up" : "trial  ", i + 1, latency / 1000.0);
            }
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
        Collections.sort(micros);
        System.out.printf(
                "readiness noticed after the status write: median %.1f ms, p90 %.1f ms, max %.1f ms (%d trials; goal <= 200 ms)%n",
                micros.get(micros.size() / 2) / 1000.0,
                micros.get((int) Math.ceil(micros.size() * 0.9) - 1) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0,
                micros.size());
    }
}
