import dev.obsbootstrap.core.testing.FakeCluster;
import java.nio.file.Path;

/**
 * The tests' simulated cluster (fabric8 mock API server + kubelet simulator) as a process of its own, so that
 * {@code up} and the Helm chain can each be measured as whole processes against it. Writes a kubeconfig, prints
 * "ready" and runs until its standard input closes.
 *
 * <p>Usage: SimulatedCluster KUBECONFIG [LATENCY_MS]: with a latency, every answer but a watch's comes that many
 * milliseconds later, as from an API server a network away.
 */
public final class SimulatedCluster {
    public static void main(String[] args) throws Exception {
        try (FakeCluster cluster = FakeCluster.builder()
                .contextName("fake-bench")
                .kubernetesVersion("1.31.0")
                .latency(java.time.Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 0))
                .start()) {
            cluster.writeKubeconfig(Path.of(args[0]));
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() != -1) {
                // runs until the bench closes our stdin
            }
        }
    }
}
