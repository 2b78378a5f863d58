package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.readiness.Readiness;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Probes against the cluster: each topology endpoint is reached through a fabric8 port-forward to a ready pod
 * behind its Service (the Service's selector, the pod's Ready condition and the Service port's targetPort, named or
 * numbered). Port-forwards open on first use, stay open for the run, are reopened when one dies, and close in
 * {@link #close()}; the {@link KubernetesClient} itself belongs to the caller and stays open.
 *
 * <p>Credentials come from Secrets in the stack namespace, per endpoint name as the caller declares them
 * ({@link Builder#credentials}); values read are remembered for {@link #redact}.
 *
 * <p>{@link Builder#endpointOverrides} lets a run mix explicit URLs in (an Ingress, a local port-forward).
 */
public final class ClusterProbeContext implements ProbeContext, AutoCloseable {
    private static final String LOCALHOST = "127.0.0.1";

    private final BootstrapConfig config;
    private final StackTopology topology;
    private final String runId;
    private final OkHttpClient http;
    private final KubernetesClient client;
    private final Map<String, HttpUrl> overrides;
    private final Map<String, SecretCredentials> secrets;
    private final Map<String, LocalPortForward> forwards = new LinkedHashMap<>();
    private final Map<String, BasicCredentials> credentialsRead = new HashMap<>();
    private final Redaction redaction = new Redaction();

    private ClusterProbeContext(Builder builder) {
        this.config = builder.config;
        this.topology = builder.topology;
        this.client = builder.client;
        this.runId = builder.runId;
        this.http = builder.http == null ? ProbeHttp.newClient() : builder.http;
        this.overrides = Map.copyOf(builder.overrides);
        this.secrets = Map.copyOf(builder.secrets);
    }

    public static Builder builder(BootstrapConfig config, StackTopology topology, KubernetesClient client) {
        return new Builder(config, topology, client);
    }

    @Override
    public BootstrapConfig config() {
        return config;
    }

    @Override
    public StackTopology topology() {
        return topology;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public OkHttpClient http() {
        return http;
    }

    @Override
    public Optional<KubernetesClient> kubernetes() {
        return Optional.of(client);
    }

    @Override
    public String redact(String text) {
        return redaction.apply(text);
    }

    /**
     * @throws ClusterException when the Service is missing, has no ready pod, or the port-forward fails:
     *                          the probe's next try opens it again
     */
    @Override
    public HttpUrl endpoint(String name) {
        HttpUrl override = overrides.get(name);
        if (override != null) {
            return override;
        }
        ServiceEndpoint endpoint;
        try {
            endpoint = topology.endpoint(name);
        } catch (ConfigException e) {
            throw new TerminalProbeFailure(e.getMessage(), "a probe asks for an endpoint the catalog does not define: a bug in obs-bootstrap");
        }
        LocalPortForward forward = forwards.get(name);
        // errorOccurred() accumulates over every connection ever forwarded; only a dead listener or an error from the
        // API server side (pod gone, stream refused) means the next try needs a fresh forward to a ready pod
        if (forward != null && (!forward.isAlive() || !forward.getServerThrowables().isEmpty())) {
            closeQuietly(forward);
            forwards.remove(name);
            forward = null;
        }
        if (forward == null) {
            forward = open(endpoint);
            forwards.put(name, forward);
        }
        return new HttpUrl.Builder().scheme("http").host(LOCALHOST).port(forward.getLocalPort())
                .encodedPath(endpoint.path().isEmpty() ? "/" : endpoint.path()).build();
    }

    private LocalPortForward open(ServiceEndpoint endpoint) {
        String where = endpoint.namespace() + "/" + endpoint.service();
        try {
            Service service = client.services().inNamespace(endpoint.namespace()).withName(endpoint.service()).get();
            if (service == null) {
                throw new ClusterException("Service " + where + " does not exist (endpoint '" + endpoint.name()
                        + "' of " + endpoint.component() + "): is its release installed in namespace " + endpoint.namespace() + "?");
            }
            Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                throw new ClusterException("Service " + where + " has no pod selector: cannot port-forward to it");
            }
            ServicePort servicePort = servicePort(service, endpoint.port(), where);
            List<Pod> pods = client.pods().inNamespace(endpoint.namespace()).withLabels(selector).list().getItems();
            Pod pod = pods.stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(Readiness::isPodReady)
                    .min(Comparator.comparing(p -> p.getMetadata().getName()))
                    .orElseThrow(() -> new ClusterException("no ready pod behind Service " + where + " (selector " + selector
                            + ", " + pods.size() + " pod(s): " + describe(pods) + ")"));
            int containerPort = containerPort(servicePort, pod, where);
            return client.pods().inNamespace(endpoint.namespace()).withName(pod.getMetadata().getName())
                    .portForward(containerPort, InetAddress.getLoopbackAddress(), 0);
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot port-forward to Service " + where + ": " + e.getMessage(), e);
        }
    }

    private static ServicePort servicePort(Service service, int port, String where) {
        List<ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
        return ports.stream().filter(p -> p.getPort() != null && p.getPort() == port).findFirst()
                .orElseThrow(() -> new ClusterException("Service " + where + " has no port " + port + " (ports: "
                        + ports.stream().map(ServicePort::getPort).toList() + "): the catalog and the chart disagree"));
    }

    /** The pod port a Service port leads to: targetPort as a number, as a container port name, or the port itself. */
    private static int containerPort(ServicePort servicePort, Pod pod, String where) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
            return servicePort.getPort();
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        String portName = target.getStrVal();
        List<Container> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
        return containers.stream()
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> portName.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new ClusterException("Service " + where + " targets port '" + portName
                        + "' but pod " + pod.getMetadata().getName() + " has no container port of that name"));
    }

    private static String describe(List<Pod> pods) {
        if (pods.isEmpty()) {
            return "none";
        }
        return String.join(", ", pods.stream().limit(5).map(p -> p.getMetadata().getName() + " "
                + (p.getStatus() == null || p.getStatus().getPhase() == null ? "Unknown" : p.getStatus().getPhase())
                + (Readiness.isPodReady(p) ? " ready" : " not ready")).toList());
    }

    @Override
    public Optional<BasicCredentials> credentials(String endpointName) {
        BasicCredentials cached = credentialsRead.get(endpointName);
        if (cached != null) {
            return Optional.of(cached);
        }
        SecretCredentials source = secrets.get(endpointName);
        if (source == null) {
            return Optional.empty();
        }
        String where = topology.namespace() + "/" + source.secretName();
        Secret secret;
        try {
            secret = client.secrets().inNamespace(topology.namespace()).withName(source.secretName()).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot read Secret " + where + " for the " + endpointName + " credentials: " + e.getMessage(), e);
        }
        if (secret == null) {
            throw new ClusterException("Secret " + where + " with the " + endpointName + " credentials does not exist");
        }
        BasicCredentials credentials = new BasicCredentials(
                decode(secret, source.userKey(), where), decode(secret, source.passwordKey(), where));
        redaction.remember(credentials.password());
        credentialsRead.put(endpointName, credentials);
        return Optional.of(credentials);
    }

    @Override
    public String describeCredentials(String endpointName) {
        SecretCredentials source = secrets.get(endpointName);
        if (source == null) {
            return "no credentials configured for endpoint '" + endpointName + "'";
        }
        return "Secret " + topology.namespace() + "/" + source.secretName() + " (keys " + source.userKey() + ", " + source.passwordKey() + ")";
    }

    private static String decode(Secret secret, String key, String where) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        String value = data.get(key);
        if (value == null) {
            throw new ClusterException("Secret " + where + " has no key '" + key + "' (keys: " + data.keySet().stream().sorted().toList() + ")");
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    /** Closes every port-forward this context opened. The KubernetesClient stays open: it is the caller's. */
    @Override
    public void close() {
        forwards.values().forEach(ClusterProbeContext::closeQuietly);
        forwards.clear();
    }

    private static void closeQuietly(LocalPortForward forward) {
        try {
            forward.close();
        } catch (IOException | RuntimeException e) {
            // a forward that cannot close cleanly is gone either way
        }
    }

    public static final class Builder {
        private final BootstrapConfig config;
        private final StackTopology topology;
        private final KubernetesClient client;
        private String runId = RunIds.next();
        private OkHttpClient http;
        private final Map<String, HttpUrl> overrides = new HashMap<>();
        private final Map<String, SecretCredentials> secrets = new HashMap<>();

        private Builder(BootstrapConfig config, StackTopology topology, KubernetesClient client) {
            this.config = Objects.requireNonNull(config, "config");
            this.topology = Objects.requireNonNull(topology, "topology");
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Basic-auth credentials for an endpoint, read from a Secret in the stack namespace when first needed. */
        public Builder credentials(String endpointName, SecretCredentials source) {
            secrets.put(Objects.requireNonNull(endpointName, "endpointName"), Objects.requireNonNull(source, "source"));
            return this;
        }

        /** Explicit URLs used instead of a port-forward for these endpoints. */
        public Builder endpointOverrides(Map<String, HttpUrl> overrides) {
            this.overrides.putAll(overrides);
            return this;
        }

        public Builder runId(String runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            return this;
        }

        public Builder http(OkHttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        public ClusterProbeContext build() {
            return new ClusterProbeContext(this);
        }
    }
}
