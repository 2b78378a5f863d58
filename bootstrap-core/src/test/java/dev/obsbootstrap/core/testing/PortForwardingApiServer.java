package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * Just enough of a Kubernetes API server for ClusterProbeContext: GET of Services, Secrets and Pods (by name and by
 * labelSelector) from what the test put in; the service and pod proxies; and real port-forwarding. fabric8's own
 * mock does neither proxying nor port-forwarding, hence this one. What each reproduces (kubernetes v1.31):
 * <ul>
 *   <li>{@code services/NAME:PORT/proxy/...}: the Service's selector, its ready pods (round robin, as endpoints
 *   rotate) and its targetPort (number or container port name) pick the backend, which is dialled at the pod IP
 *   (here: the backend the test maps to that pod and port). No ready pod: 503 {@code Status} "no endpoints available
 *   for service" (staging/src/k8s.io/apiserver/pkg/util/proxy/proxy.go, ResolveEndpoint). A backend that refuses: 503
 *   {@code Status} "error trying to reach service: dial tcp ..." (staging/src/k8s.io/apimachinery/pkg/util/proxy/
 *   transport.go). The caller's {@code Authorization} header never reaches the backend: the API server removes it
 *   once it has authenticated the caller (staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go).</li>
 *   <li>{@code pods/NAME:PORT/proxy/...}: the same, for one pod.</li>
 *   <li>{@link #forbidProxy}: a caller whose RBAC lacks {@code services/proxy} and {@code pods/proxy} gets 403
 *   {@code Status} reason Forbidden (the authorizer's message, as kubectl shows it).</li>
 *   <li>{@code pods/NAME/portforward?ports=N}: upgraded to a WebSocket speaking the v4.channel.k8s.io framing (two
 *   port prefaces, then channel 0 data), tunnelled to the mapped backend. The kubelet's port-forward dials
 *   <em>localhost</em> inside the pod's network namespace (containerd internal/cri/server/sandbox_portforward_linux.go,
 *   CRI-O the same): a port the test marks {@link #boundToPodIpOnly} (a listener on ${env:MY_POD_IP}) is refused on
 *   the error channel, while the proxies, which dial the pod IP, reach it.</li>
 * </ul>
 */
public final class PortForwardingApiServer implements AutoCloseable {
    private final Map<String, HasMetadata> objects = new ConcurrentHashMap<>();
    private final Map<String, HttpUrl> backends = new ConcurrentHashMap<>();
    private final Set<String> podIpOnly = ConcurrentHashMap.newKeySet();
    private final Set<String> droppedFromControlPlane = ConcurrentHashMap.newKeySet();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final OkHttpClient proxyClient =
            new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private volatile boolean proxyForbidden;
    private final FakeServer server;

    public PortForwardingApiServer() {
        this.server = new FakeServer("kube-apiserver", this::handle);
    }

    /** Adds or replaces a namespaced object (Service, Secret, Pod). */
    public PortForwardingApiServer put(HasMetadata object) {
        objects.put(
                key(
                        object.getKind(),
                        object.getMetadata().getNamespace(),
                        object.getMetadata().getName()),
                object);
        return this;
    }

    /** Connections forwarded to this pod's port go to {@code backend}. */
    public PortForwardingApiServer forward(String namespace, String pod, int port, HttpUrl backend) {
        backends.put(namespace + "/" + pod + ":" + port, backend);
        return this;
    }

    /** Nothing listens on this pod's port any more: the proxies' dial is refused, and so is a port-forward. */
    public PortForwardingApiServer stopListening(String namespace, String pod, int port) {
        backends.remove(namespace + "/" + pod + ":" + port);
        return this;
    }

    /** The pod's listener on this port is bound to the pod IP only: port-forwards (which dial localhost) are refused. */
    public PortForwardingApiServer boundToPodIpOnly(String namespace, String pod, int port) {
        podIpOnly.add(namespace + "/" + pod + ":" + port);
        return this;
    }

    /**
     * A NetworkPolicy admits no connection from the control plane to this pod's port: the proxies' dial times out,
     * and the API server answers 503 "error trying to reach service: dial tcp IP:PORT: i/o timeout" (kubernetes
     * v1.31 staging/src/k8s.io/apimachinery/pkg/util/proxy/upgradeaware.go, the dialer's net.OpError), while a
     * port-forward, which dials localhost inside the pod's network namespace, is not subject to the policy.
     */
    public PortForwardingApiServer dropsControlPlaneConnections(String namespace, String pod, int port) {
        droppedFromControlPlane.add(namespace + "/" + pod + ":" + port);
        return this;
    }

    /** RBAC grants the caller no services/proxy and no pods/proxy. */
    public PortForwardingApiServer forbidProxy(boolean forbidden) {
        this.proxyForbidden = forbidden;
        return this;
    }

    /** The server's URL, for a kubeconfig. */
    public HttpUrl url() {
        return server.url();
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    /** A client for this server: no retries, so a test sees each request once. */
    public KubernetesClient client() {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url().toString())
                .withNamespace("default")
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(5_000)
                .withConnectionTimeout(2_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "/" + namespace + "/" + name;
    }

    private MockResponse handle(RecordedRequest request) {
        String[] parts =
                FakeServer.path(request).replace("%3A", ":").replace("%3a", ":").split("/");
        if (FakeServer.path(request).equals("/version")) {
            // what every client asks first (kubernetes v1.31 staging/src/k8s.io/apimachinery/pkg/version/types.go Info)
            return FakeServer.json(200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}");
        }
        // /api/v1/namespaces/<ns>/<plural>[/<name>[/portforward]]
        if (parts.length < 6 || !parts[1].equals("api") || !parts[3].equals("namespaces")) {
            return notFound("the fake serves only /api/v1/namespaces/...");
        }
        String namespace = parts[4];
        String kind = switch (parts[5]) {
            case "services" -> "Service";
            case "secrets" -> "Secret";
            case "pods" -> "Pod";
            default -> "";
        };
        if (parts.length == 6 && kind.equals("Pod")) {
            return FakeServer.json(
                    200, Serialization.asJson(pods(namespace, request.getUrl().queryParameter("labelSelector"))));
        }
        if (parts.length == 7) {
            HasMetadata object = objects.get(key(kind, namespace, parts[6]));
            return object == null
                    ? notFound(parts[5] + " \"" + parts[6] + "\" not found")
                    : FakeServer.json(200, Serialization.asJson(object));
        }
        if (parts.length >= 8 && parts[7].equals("proxy") && (kind.equals("Service") || kind.equals("Pod"))) {
            return proxy(request, namespace, kind, parts[6], parts);
        }
        if (parts.length == 8 && kind.equals("Pod") && parts[7].equals("portforward")) {
            String port = request.getUrl().queryParameter("ports");
            HttpUrl backend = backends.get(namespace + "/" + parts[6] + ":" + port);
            if (backend == null || !objects.containsKey(key("Pod", namespace, parts[6]))) {
                return notFound("no backend for pod " + parts[6] + " port " + port);
            }
            boolean refused = podIpOnly.contains(namespace + "/" + parts[6] + ":" + port);
            return new MockResponse.Builder()
                    .setHeader("Sec-WebSocket-Protocol", "v4.channel.k8s.io")
                    .webSocketUpgrade(new Tunnel(Integer.parseInt(port), refused ? null : backend))
                    .build();
        }
        return notFound("unsupported path " + FakeServer.path(request));
    }

    private MockResponse proxy(
            RecordedRequest request, String namespace, String kind, String nameAndPort, String[] parts) {
        String resource = kind.equals("Service") ? "services" : "pods";
        if (proxyForbidden) {
            return status(
                    403,
                    "Forbidden",
                    resource + " \"" + nameAndPort + "\" is forbidden: User \"probe\" cannot get resource \"" + resource
                            + "/proxy\" in API group \"\" in the namespace \"" + namespace + "\"");
        }
        int colon = nameAndPort.lastIndexOf(':');
        String name = colon < 0 ? nameAndPort : nameAndPort.substring(0, colon);
        String port = colon < 0 ? "" : nameAndPort.substring(colon + 1);
        String podName;
        String podPort;
        if (kind.equals("Service")) {
            HasMetadata object = objects.get(key("Service", namespace, name));
            if (!(object instanceof Service service)) {
                return status(404, "NotFound", "services \"" + name + "\" not found");
            }
            ServicePort servicePort = service.getSpec().getPorts().stream()
                    .filter(p -> port.equals(String.valueOf(p.getPort())) || port.equals(p.getName()))
                    .findFirst()
                    .orElse(null);
            if (servicePort == null) {
                return status(503, "ServiceUnavailable", "no endpoints available for service \"" + name + "\"");
            }
            List<Pod> ready = pods(namespace, service.getSpec().getSelector()).getItems().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null && ready(p))
                    .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();
            if (ready.isEmpty()) {
                return status(503, "ServiceUnavailable", "no endpoints available for service \"" + name + "\"");
            }
            Pod pod = ready.get(Math.floorMod(roundRobin.getAndIncrement(), ready.size()));
            podName = pod.getMetadata().getName();
            podPort = String.valueOf(targetPort(servicePort, pod));
        } else {
            if (!(objects.get(key("Pod", namespace, name)) instanceof Pod)) {
                return status(404, "NotFound", "pods \"" + name + "\" not found");
            }
            podName = name;
            podPort = port;
        }
        if (droppedFromControlPlane.contains(namespace + "/" + podName + ":" + podPort)) {
            return status(
                    503,
                    "ServiceUnavailable",
                    "error trying to reach service: dial tcp 10.42.0.9:" + podPort + ": i/o timeout");
        }
        HttpUrl backend = backends.get(namespace + "/" + podName + ":" + podPort);
        if (backend == null) {
            return status(
                    503,
                    "ServiceUnavailable",
                    "error trying to reach service: dial tcp 10.42.0.9:" + podPort + ": connect: connection refused");
        }
        String prefix = "/api/v1/namespaces/" + namespace + "/" + resource + "/" + nameAndPort + "/proxy";
        String requestTarget = request.getTarget().replace("%3A", ":").replace("%3a", ":");
        String rest = requestTarget.substring(requestTarget.indexOf(prefix) + prefix.length());
        HttpUrl target = HttpUrl.get(
                backend.newBuilder().encodedPath("/").build() + (rest.startsWith("/") ? rest.substring(1) : rest));
        Request.Builder forwarded = new Request.Builder().url(target);
        request.getHeaders().forEach(h -> {
            String header = h.getFirst();
            // the API server authenticated the caller with this header and removed it before proxying
            if (!header.equalsIgnoreCase("Authorization")
                    && !header.equalsIgnoreCase("Host")
                    && !header.equalsIgnoreCase("Content-Length")
                    && !header.equalsIgnoreCase("Connection")
                    && !header.equalsIgnoreCase("Accept-Encoding")) {
                forwarded.addHeader(header, h.getSecond());
            }
        });
        String contentType = request.getHeaders().get("Content-Type");
        byte[] body =
                request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        if (request.getMethod().equals("GET")) {
            forwarded.get();
        } else {
            forwarded.method(
                    request.getMethod(),
                    RequestBody.create(body, contentType == null ? null : MediaType.parse(contentType)));
        }
        try (Response response = proxyClient.newCall(forwarded.build()).execute()) {
            MockResponse.Builder answer = new MockResponse.Builder()
                    .code(response.code())
                    .body(response.body().string());
            for (String header : List.of("Content-Type", "Date", "Retry-After")) {
                String value = response.header(header);
                if (value != null) {
                    answer.setHeader(header, value);
                }
            }
            return answer.build();
        } catch (IOException e) {
            return status(
                    503,
                    "ServiceUnavailable",
                    "error trying to reach service: dial tcp 10.42.0.9:" + podPort + ": " + e.getMessage());
        }
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static int targetPort(ServicePort servicePort, Pod pod) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
            return servicePort.getPort();
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> target.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElse(-1);
    }

    private static MockResponse status(int code, String reason, String message) {
        Status status = new StatusBuilder()
                .withStatus("Failure")
                .withMessage(message)
                .withReason(reason)
                .withCode(code)
                .build();
        return FakeServer.json(code, Serialization.asJson(status));
    }

    private PodList pods(String namespace, Map<String, String> selector) {
        return pods(
                namespace,
                selector.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .reduce((a, b) -> a + "," + b)
                        .orElse(""));
    }

    private PodList pods(String namespace, String labelSelector) {
        Map<String, String> wanted = new HashMap<>();
        if (labelSelector != null && !labelSelector.isBlank()) {
            for (String pair : labelSelector.split(",")) {
                String[] kv = pair.split("=", 2);
                wanted.put(kv[0], kv[1]);
            }
        }
        return new PodListBuilder()
                .withItems(objects.values().stream()
                        .filter(o -> o instanceof Pod
                                && namespace.equals(o.getMetadata().getNamespace()))
                        .map(o -> (Pod) o)
                        .filter(p -> p.getMetadata().getLabels() != null
                                && p.getMetadata().getLabels().entrySet().containsAll(wanted.entrySet()))
                        .toList())
                .build();
    }

    private static MockResponse notFound(String message) {
        Status status = new StatusBuilder()
                .withStatus("Failure")
                .withMessage(message)
                .withReason("NotFound")
                .withCode(404)
                .build();
        return FakeServer.json(404, Serialization.asJson(status));
    }

    /** One forwarded connection: WebSocket frames <-> a TCP socket to the backend. */
    private static final class Tunnel extends WebSocketListener {
        private final int port;
        private final HttpUrl backend;
        private Socket socket;

        Tunnel(int port, HttpUrl backend) {
            this.port = port;
            this.backend = backend;
        }

        @Override
        public void onOpen(WebSocket webSocket, okhttp3.Response response) {
            byte[] preface = {0, (byte) (port & 0xff), (byte) (port >> 8)};
            webSocket.send(ByteString.of(preface));
            preface[0] = 1;
            webSocket.send(ByteString.of(preface));
            if (backend == null) {
                // what containerd's port-forward reports when nothing listens on localhost in the pod
                webSocket.send(ByteString.encodeUtf8("\u0001error forwarding port " + port
                        + " to pod: failed to connect to localhost:" + port + " inside namespace: connection refused"));
                webSocket.close(1011, "nothing listens on localhost:" + port + " in the pod");
                return;
            }
            try {
                socket = new Socket(backend.host(), backend.port());
            } catch (IOException e) {
                webSocket.send(ByteString.encodeUtf8("\u0001" + e.getMessage()));
                webSocket.close(1011, "backend unreachable");
                return;
            }
            Thread pump = new Thread(
                    () -> {
                        byte[] buffer = new byte[8192];
                        try (InputStream in = socket.getInputStream()) {
                            int read;
                            while ((read = in.read(buffer)) >= 0) {
                                byte[] frame = new byte[read + 1];
                                System.arraycopy(buffer, 0, frame, 1, read);
                                webSocket.send(ByteString.of(frame));
                            }
                        } catch (IOException e) {
                            // the backend or the tunnel closed
                        }
                        webSocket.close(1000, "backend closed");
                    },
                    "port-forward-" + port);
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            if (bytes.size() > 1 && bytes.getByte(0) == 0 && socket != null) {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(bytes.substring(1).toByteArray());
                    out.flush();
                } catch (IOException e) {
                    webSocket.close(1011, "backend write failed");
                }
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            closeSocket();
            webSocket.close(1000, null);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, okhttp3.Response response) {
            closeSocket();
        }

        private void closeSocket() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        server.close();
        proxyClient.dispatcher().executorService().shutdown();
        proxyClient.connectionPool().evictAll();
    }
}
