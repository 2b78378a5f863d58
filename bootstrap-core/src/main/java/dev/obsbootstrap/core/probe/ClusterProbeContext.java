package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Redaction;
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
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Probes against the cluster, reaching each topology endpoint the way an in-cluster client does: through the API
 * server's service proxy ({@code /api/v1/namespaces/NS/services/NAME:PORT/proxy/...}), which applies the Service's
 * selector, its ready endpoints and its targetPort, and dials the pod IP. {@link #replicas} reaches every ready pod
 * behind a Service through the pod proxy ({@code pods/NAME:PORT/proxy}). Requests to these URLs go out through the
 * kube client's own HTTP client (its TLS and credentials), with retries off so the probe's polling decides.
 *
 * <p>A pod port-forward is the fallback, used only where the proxy cannot serve the endpoint, and the route says
 * why: the API server refused the proxy (403: RBAC grants no {@code services/proxy} or {@code pods/proxy}), or the
 * endpoint needs basic auth, which the proxy cannot carry: the API server removes the
 * {@code Authorization} header once it has authenticated the caller (kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go, WithAuthentication, v1.31). A port-forward
 * dials localhost inside the pod, so it only reaches listeners bound to 0.0.0.0 or localhost; the values templates
 * bind every probed listener so.
 *
 * <p>When the proxy itself answers that the Service has no ready endpoint or the pod cannot be dialled (503
 * {@code Status}, "no endpoints available for service", "error trying to reach service"), the exchange is reported as
 * not answered, with the API server's message: that is what a client in the cluster would see as a refused connection.
 *
 * <p>Credentials come from Secrets in the stack namespace, per endpoint name as the caller declares them
 * ({@link Builder#credentials}); values read are remembered for {@link #redact}. The {@link KubernetesClient}
 * belongs to the caller and stays open; port-forwards close in {@link #close()}.
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
    private final HttpUrl apiServer;
    private final Map<String, HttpUrl> overrides;
    private final Map<String, SecretCredentials> secrets;
    private final Map<String, LocalPortForward> forwards = new LinkedHashMap<>();
    private final Map<String, String> proxyRefused = new HashMap<>();
    private final Map<String, ServiceEndpoint> proxyBases = new LinkedHashMap<>();
    /** Services found once: later tries go straight to the proxy, which answers 404 itself should one disappear. */
    private final Map<String, Boolean> servicesSeen = new HashMap<>();

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
        HttpUrl master = HttpUrl.get(client.getMasterUrl().toString());
        this.apiServer = master.newBuilder()
                .encodedPath(master.encodedPath().endsWith("/") ? master.encodedPath() : master.encodedPath() + "/")
                .build();
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
     * @throws ClusterException when the Service is missing, or (on the port-forward route) has no ready pod or the
     *                          port-forward fails: the probe's next try resolves it again
     */
    @Override
    public HttpUrl endpoint(String name) {
        HttpUrl override = overrides.get(name);
        if (override != null) {
            return override;
        }
        ServiceEndpoint endpoint = known(name);
        if (usesPortForward(name)) {
            return forwardedUrl(name, endpoint);
        }
        if (!servicesSeen.containsKey(endpoint.namespace() + "/" + endpoint.service())) {
            requireService(endpoint);
        }
        HttpUrl base = apiServer
                .newBuilder()
                .addPathSegments("api/v1/namespaces")
                .addPathSegment(endpoint.namespace())
                .addPathSegment("services")
                .addPathSegment(endpoint.service() + ":" + endpoint.port())
                .addPathSegment("proxy")
                .build();
        HttpUrl url = ProbeHttp.resolve(base, endpoint.path());
        proxyBases.put(base.toString(), endpoint);
        return url;
    }

    @Override
    public List<Replica> replicas(String name) {
        HttpUrl override = overrides.get(name);
        if (override != null) {
            return List.of(new Replica("explicit URL", override));
        }
        ServiceEndpoint endpoint = known(name);
        String where = endpoint.namespace() + "/" + endpoint.service();
        try {
            Service service = requireService(endpoint);
            ServicePort servicePort = servicePort(service, endpoint.port(), where);
            List<Pod> ready = readyPods(service, endpoint, where);
            List<Replica> replicas = new ArrayList<>();
            for (Pod pod : ready) {
                int port = containerPort(servicePort, pod, where);
                String podName = pod.getMetadata().getName();
                if (usesPortForward(name)) {
                    String key = name + "@" + podName;
                    LocalPortForward forward = forwards.get(key);
                    if (forward == null
                            || !forward.isAlive()
                            || !forward.getServerThrowables().isEmpty()) {
                        if (forward != null) {
                            closeQuietly(forward);
                        }
                        forward = client.pods()
                                .inNamespace(endpoint.namespace())
                                .withName(podName)
                                .portForward(port, InetAddress.getLoopbackAddress(), 0);
                        forwards.put(key, forward);
                    }
                    replicas.add(new Replica(
                            podName,
                            new HttpUrl.Builder()
                                    .scheme("http")
                                    .host(LOCALHOST)
                                    .port(forward.getLocalPort())
                                    .encodedPath(endpoint.path().isEmpty() ? "/" : endpoint.path())
                                    .build()));
                    continue;
                }
                HttpUrl base = apiServer
                        .newBuilder()
                        .addPathSegments("api/v1/namespaces")
                        .addPathSegment(endpoint.namespace())
                        .addPathSegment("pods")
                        .addPathSegment(podName + ":" + port)
                        .addPathSegment("proxy")
                        .build();
                proxyBases.put(base.toString(), endpoint);
                replicas.add(new Replica(podName, ProbeHttp.resolve(base, endpoint.path())));
            }
            return List.copyOf(replicas);
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot list the pods behind Service " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String route(String name) {
        if (overrides.containsKey(name)) {
            return "explicit URL " + overrides.get(name);
        }
        ServiceEndpoint endpoint = known(name);
        String service = "Service " + endpoint.namespace() + "/" + endpoint.service() + ":" + endpoint.port();
        if (usesPortForward(name)) {
            return "port-forward to a ready pod of " + service + " (" + portForwardReason(name) + ")";
        }
        return "service proxy of the API server to " + service;
    }

    @Override
    public HttpReply exchange(Request request) throws InterruptedException {
        Optional<ServiceEndpoint> proxied = proxiedEndpoint(request.url());
        if (proxied.isEmpty()) {
            return ProbeHttp.send(http, request);
        }
        HttpReply reply = ApiServerProxy.send(client, request);
        Optional<String> refusal = ApiServerProxy.refusal(reply)
                .map(message -> "the API server refused the service proxy: " + message)
                .or(() -> ApiServerProxy.droppedOnTheWay(reply)
                        .map(message -> "the API server could not reach the pod (a NetworkPolicy admitting no "
                                + "connection from the control plane drops it; a port-forward dials inside the pod): "
                                + message));
        if (refusal.isEmpty()) {
            return ApiServerProxy.unreachableBackend(reply).orElse(reply);
        }
        // RBAC refuses the proxy, or a policy drops its connections: this endpoint goes through a port-forward from
        // now on, starting with this request
        ServiceEndpoint endpoint = proxied.get();
        proxyRefused.put(endpoint.name(), refusal.get());
        HttpUrl forwardedBase = forwardedUrl(endpoint.name(), endpoint);
        String proxyBase = proxyBases.keySet().stream()
                .filter(b -> request.url().toString().startsWith(b))
                .findFirst()
                .orElseThrow();
        String rest = request.url().toString().substring(proxyBase.length());
        String forwardRoot = forwardedBase.newBuilder().encodedPath("/").build().toString();
        HttpUrl rewritten = HttpUrl.get(forwardRoot + (rest.startsWith("/") ? rest.substring(1) : rest));
        return ProbeHttp.send(http, request.newBuilder().url(rewritten).build());
    }

    private Optional<ServiceEndpoint> proxiedEndpoint(HttpUrl url) {
        String text = url.toString();
        return proxyBases.entrySet().stream()
                .filter(e -> text.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private boolean usesPortForward(String name) {
        return secrets.containsKey(name) || proxyRefused.containsKey(name);
    }

    private String portForwardReason(String name) {
        if (proxyRefused.containsKey(name)) {
            return proxyRefused.get(name);
        }
        return "it needs basic auth, and the API server's proxy drops the Authorization header once it has authenticated the caller";
    }

    private ServiceEndpoint known(String name) {
        try {
            return topology.endpoint(name);
        } catch (ConfigException e) {
            throw new TerminalProbeFailure(
                    e.getMessage(), "a probe asks for an endpoint the catalog does not define: a bug in obs-bootstrap");
        }
    }

    private Service requireService(ServiceEndpoint endpoint) {
        String where = endpoint.namespace() + "/" + endpoint.service();
        Service service;
        try {
            service = client.services()
                    .inNamespace(endpoint.namespace())
                    .withName(endpoint.service())
                    .get();
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot read Service " + where + ": " + e.getMessage(), e);
        }
        if (service == null) {
            throw new MissingServiceException("Service " + where + " does not exist (endpoint '" + endpoint.name()
                    + "' of " + endpoint.component() + "): is its release installed in namespace "
                    + endpoint.namespace() + "?");
        }
        servicesSeen.put(where, true);
        return service;
    }

    private List<Pod> readyPods(Service service, ServiceEndpoint endpoint, String where) {
        Map<String, String> selector =
                service.getSpec() == null ? null : service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            throw new ClusterException("Service " + where + " has no pod selector: its pods cannot be found");
        }
        List<Pod> pods = client.pods()
                .inNamespace(endpoint.namespace())
                .withLabels(selector)
                .list()
                .getItems();
        List<Pod> ready = pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(Readiness::isPodReady)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
        if (ready.isEmpty()) {
            throw new ClusterException("no ready pod behind Service " + where + " (selector " + selector + ", "
                    + pods.size() + " pod(s): " + describe(pods) + ")");
        }
        return ready;
    }

    private HttpUrl forwardedUrl(String name, ServiceEndpoint endpoint) {
        LocalPortForward forward = forwards.get(name);
        // errorOccurred() accumulates over every connection ever forwarded; only a dead listener or an error from the
        // API server side (pod gone, stream refused) means the next try needs a fresh forward to a ready pod
        if (forward != null
                && (!forward.isAlive() || !forward.getServerThrowables().isEmpty())) {
            closeQuietly(forward);
            forwards.remove(name);
            forward = null;
        }
        if (forward == null) {
            forward = open(endpoint);
            forwards.put(name, forward);
        }
        return new HttpUrl.Builder()
                .scheme("http")
                .host(LOCALHOST)
                .port(forward.getLocalPort())
                .encodedPath(endpoint.path().isEmpty() ? "/" : endpoint.path())
                .build();
    }

    private LocalPortForward open(ServiceEndpoint endpoint) {
        return open(endpoint, InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * A port-forward from {@code address:localPort} on this machine (0: any free port) to a ready pod behind the
     * endpoint's Service, at the container port its targetPort names: what {@code kubectl port-forward svc/NAME}
     * does, for {@code open}. The caller closes it.
     *
     * @throws ClusterException when the Service, a ready pod or the port cannot be found, or the forward is refused
     */
    public LocalPortForward forward(String endpointName, InetAddress address, int localPort) {
        return open(topology.endpoint(endpointName), address, localPort);
    }

    private LocalPortForward open(ServiceEndpoint endpoint, InetAddress address, int localPort) {
        String where = endpoint.namespace() + "/" + endpoint.service();
        try {
            Service service = requireService(endpoint);
            ServicePort servicePort = servicePort(service, endpoint.port(), where);
            Pod pod = readyPods(service, endpoint, where).get(0);
            int containerPort = containerPort(servicePort, pod, where);
            return client.pods()
                    .inNamespace(endpoint.namespace())
                    .withName(pod.getMetadata().getName())
                    .portForward(containerPort, address, localPort);
        } catch (KubernetesClientException e) {
            throw new ClusterException("cannot port-forward to Service " + where + ": " + e.getMessage(), e);
        }
    }

    private static ServicePort servicePort(Service service, int port, String where) {
        List<ServicePort> ports = service.getSpec().getPorts() == null
                ? List.of()
                : service.getSpec().getPorts();
        return ports.stream()
                .filter(p -> p.getPort() != null && p.getPort() == port)
                .findFirst()
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
        List<Container> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null
                ? List.of()
                : pod.getSpec().getContainers();
        return containers.stream()
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> portName.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new ClusterException("Service " + where + " targets port '" + portName + "' but pod "
                        + pod.getMetadata().getName() + " has no container port of that name"));
    }

    private static String describe(List<Pod> pods) {
        if (pods.isEmpty()) {
            return "none";
        }
        return String.join(
                ", ",
                pods.stream()
                        .limit(5)
                        .map(p -> p.getMetadata().getName() + " "
                                + (p.getStatus() == null || p.getStatus().getPhase() == null
                                        ? "Unknown"
                                        : p.getStatus().getPhase())
                                + (Readiness.isPodReady(p) ? " ready" : " not ready"))
                        .toList());
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
            secret = client.secrets()
                    .inNamespace(topology.namespace())
                    .withName(source.secretName())
                    .get();
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read Secret " + where + " for the " + endpointName + " credentials: " + e.getMessage(), e);
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
        return "Secret " + topology.namespace() + "/" + source.secretName() + " (keys " + source.userKey() + ", "
                + source.passwordKey() + ")";
    }

    private static String decode(Secret secret, String key, String where) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        String value = data.get(key);
        if (value == null) {
            throw new ClusterException("Secret " + where + " has no key '" + key + "' (keys: "
                    + data.keySet().stream().sorted().toList() + ")");
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

        /** Explicit URLs used instead of the service proxy for these endpoints. */
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
