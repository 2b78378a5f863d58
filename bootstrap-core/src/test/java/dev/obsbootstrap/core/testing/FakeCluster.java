package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A simulated Kubernetes cluster for tests: fabric8's mock API server in CRUD mode behind {@link SimulatedApiServer}, so
 * that real Helm (helm-java) can install, upgrade, list, show status and values, roll back and uninstall against it, plus
 * a {@link KubeletSimulator} that turns workloads ready, slow or broken. Plain HTTP on 127.0.0.1, one node.
 *
 * <pre>{@code
 * try (FakeCluster cluster = FakeCluster.builder().contextName("fake-ci").start()) {
 *     cluster.kubelet().behave("*-web", WorkloadBehaviour.crashLoop());
 *     new Helm(chart).install().withName("demo").withNamespace("obs")
 *             .withKubeConfigContents(cluster.kubeconfigYaml()).call();
 *     cluster.client().apps().deployments().inNamespace("obs").list();
 * }
 * }</pre>
 *
 * What it cannot show: server-side-apply field ownership, exact strategic-merge semantics for every list, admission,
 * RBAC, real controllers beyond the simulated ones. See reference/fake-cluster.md.
 *
 * <p>Where its behaviour comes from (kubernetes/kubernetes at tag v1.31.0; each path below follows
 * https://github.com/kubernetes/kubernetes/blob/v1.31.0/):
 *
 * <ul>
 *   <li>stored objects: a create, update or delete is seen by the next get or list at once, a list answers every object
 *       of its collection (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go: Create, Update,
 *       Delete, List);
 *   <li>a Deployment deleted through apps/v1 without options goes at once, its ReplicaSets left to the garbage
 *       collector (pkg/registry/apps/deployment/strategy.go, DefaultGarbageCollectionPolicy: DeleteDependents, which
 *       adds no finalizer to the object itself, unlike foreground deletion in store.go's deletion handling);
 *   <li>the namespaces and the node a fresh cluster holds ({@link #seed}:
 *       pkg/controlplane/controller/systemnamespaces/system_namespaces_controller.go and
 *       pkg/kubelet/nodestatus/setters.go);
 *   <li>the rest through {@link SimulatedApiServer} and {@link KubeletSimulator}, which cite their own sources.
 * </ul>
 *
 * {@link Builder#latency} imitates no server behaviour: it puts the API server a network away for benches.
 */
public final class FakeCluster implements AutoCloseable {
    /** Keeps the mock server's per-request INFO logging quiet (a logger only held weakly would lose its level). */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger(MockWebServer.class.getName());
    /** Netty reports Helm's keep-alive connections closing after the server's event loop stopped: noise, not a failure. */
    private static final Logger NETTY_PROMISE_LOG = Logger.getLogger("io.netty.util.concurrent.DefaultPromise");

    private final KubernetesMockServer server;
    private final SimulatedApiServer api;
    private final String contextName;
    private final String defaultNamespace;
    private final KubernetesClient client;
    private final KubeletSimulator kubelet;

    private FakeCluster(Builder builder) {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        NETTY_PROMISE_LOG.setLevel(Level.OFF);
        this.contextName = builder.contextName;
        this.defaultNamespace = builder.defaultNamespace;
        KubeletSimulator[] kubeletHolder = new KubeletSimulator[1];
        this.api = new SimulatedApiServer(
                builder.kubernetesVersion,
                (pod, container) ->
                        kubeletHolder[0] == null ? Optional.empty() : kubeletHolder[0].logs(pod, container));
        this.server = new KubernetesMockServer(
                new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(), api, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        api.serverAddress("127.0.0.1:" + server.getPort());
        api.latency(builder.latency);
        Config config = new ConfigBuilder(Config.fromKubeconfig(kubeconfigYaml()))
                .withRequestRetryBackoffLimit(1)
                .withConnectionTimeout(5_000)
                .build();
        this.client = new KubernetesClientBuilder().withConfig(config).build();
        seed(builder);
        this.kubelet = new KubeletSimulator(client);
        kubeletHolder[0] = kubelet;
        kubelet.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A cluster with the defaults: Kubernetes 1.31.0, context "fake-ci", namespaces default and kube-system. */
    public static FakeCluster start() {
        return builder().start();
    }

    /** The API server's URL, http://127.0.0.1:PORT. */
    public String serverUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public String contextName() {
        return contextName;
    }

    /** A kubeconfig with one cluster, user and context (the current one), for helm-java and for ClusterHub. */
    public String kubeconfigYaml() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s-user
                  user:
                    token: fake-cluster-token
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s-user
                    namespace: %3$s
                current-context: %1$s
                """.formatted(contextName, serverUrl(), defaultNamespace);
    }

    /** Writes {@link #kubeconfigYaml()} to {@code file} (parent directories created) and returns it. */
    public Path writeKubeconfig(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return Files.writeString(file, kubeconfigYaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fabric8 client for the test's own setup and assertions (closed with the cluster). */
    public KubernetesClient client() {
        return client;
    }

    public KubeletSimulator kubelet() {
        return kubelet;
    }

    /**
     * Holds the next request whose method is {@code method} and whose path contains {@code pathFragment} until the test
     * calls {@link Stall#release()} or {@link Stall#drop()}.
     */
    public Stall stall(String method, String pathFragment) {
        return api.stall(method, pathFragment);
    }

    /** Every request served so far as "METHOD path -> code", oldest first (bounded): for debugging a failing test. */
    public List<String> requests() {
        return api.requestLog();
    }

    /**
     * A mark for {@link #requestsSince}: how many requests were served so far. Test bookkeeping, not server behaviour
     * (a real API server keeps no such count; its audit log is the nearest thing).
     */
    public long requestsServed() {
        return api.requestsServed();
    }

    /** Every request served after {@code mark}, as "METHOD path -> code", oldest first: what a command sent. */
    public List<String> requestsSince(long mark) {
        return api.requestsSince(mark);
    }

    @Override
    public void close() {
        kubelet.close();
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException stalled) {
            // "Unable to close MockWebServer": the mock's known watch-close stall (see the root pom); the port is
            // released with the JVM, and failing a whole test class over the harness's shutdown would hide results
            System.err.println("FakeCluster: " + stalled.getMessage() + " (fabric8 mock server stall; ignored)");
        }
    }

    /**
     * What a fresh cluster holds before anyone writes: the namespaces {@code default} and {@code kube-system} (the API
     * server creates both at start; kube-public and kube-node-lease, which it also creates, are left out because
     * nothing here reads them: kubernetes/website content/en/docs/concepts/overview/working-with-objects/namespaces.md,
     * "Initial namespaces"), and one Ready node as the kubelet registers it: the hostname and os labels, allocatable
     * resources, node info, and the Ready condition with reason KubeletReady (kubernetes/kubernetes v1.31.0
     * pkg/kubelet/nodestatus/setters.go, ReadyCondition:
     * https://github.com/kubernetes/kubernetes/blob/v1.31.0/pkg/kubelet/nodestatus/setters.go; kubernetes/website
     * content/en/docs/reference/node/node-status.md, "Conditions"). The API server's own controller creates the
     * system namespaces
     * (https://github.com/kubernetes/kubernetes/blob/v1.31.0/pkg/controlplane/controller/systemnamespaces/system_namespaces_controller.go).
     * /version answers from the builder's version (SimulatedApiServer).
     */
    private void seed(Builder builder) {
        List<String> namespaces = new ArrayList<>(List.of("default", "kube-system"));
        builder.namespaces.stream().filter(ns -> !namespaces.contains(ns)).forEach(namespaces::add);
        for (String namespace : namespaces) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .endMetadata()
                            .withNewStatus()
                            .withPhase("Active")
                            .endStatus()
                            .build())
                    .create();
        }
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(KubeletSimulator.NODE_NAME)
                        .addToLabels("kubernetes.io/hostname", KubeletSimulator.NODE_NAME)
                        .addToLabels("kubernetes.io/os", "linux")
                        .endMetadata()
                        .withNewStatus()
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("KubeletReady")
                        .endCondition()
                        .withAllocatable(Map.of(
                                "cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110")))
                        .withNewNodeInfo()
                        .withKubeletVersion("v" + builder.kubernetesVersion)
                        .withOperatingSystem("linux")
                        .withArchitecture("amd64")
                        .withContainerRuntimeVersion("containerd://2.0.0")
                        .endNodeInfo()
                        .endStatus()
                        .build())
                .create();
        for (String resource : builder.preloadedResources) {
            try (InputStream in = Objects.requireNonNull(
                    FakeCluster.class.getResourceAsStream(resource), "no test resource " + resource)) {
                for (HasMetadata object : client.load(in).items()) {
                    client.resource(object).create();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static final class Builder {
        private String kubernetesVersion = "1.31.0";
        private String contextName = "fake-ci";
        private String defaultNamespace = "default";
        private final List<String> namespaces = new ArrayList<>();
        private final List<String> preloadedResources = new ArrayList<>();
        private java.time.Duration latency = java.time.Duration.ZERO;

        private Builder() {}

        /**
         * Each answer comes this much later, as from an API server a network away (bench/java/SimulatedCluster's
         * second argument); watches are not delayed. For measuring round trips, not for tests.
         */
        public Builder latency(java.time.Duration latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** What /version reports, like 1.31.0 (charts check kubeVersion against it). */
        public Builder kubernetesVersion(String version) {
            this.kubernetesVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The kubeconfig's context (and cluster) name. */
        public Builder contextName(String name) {
            this.contextName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The kubeconfig context's namespace. */
        public Builder defaultNamespace(String namespace) {
            this.defaultNamespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** Namespaces that exist from the start, besides default and kube-system. */
        public Builder namespaces(String... names) {
            namespaces.addAll(List.of(names));
            return this;
        }

        /**
         * Objects created before the test starts, from a classpath YAML resource (multi-document), for example
         * {@code /fixtures/cluster/crds/monitoring-crds.yaml} to start with the Prometheus Operator's CRDs installed.
         */
        public Builder preload(String classpathResource) {
            preloadedResources.add(Objects.requireNonNull(classpathResource, "classpathResource"));
            return this;
        }

        public FakeCluster start() {
            return new FakeCluster(this);
        }
    }
}
