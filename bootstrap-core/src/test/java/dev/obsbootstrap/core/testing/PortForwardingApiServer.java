package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Just enough of a Kubernetes API server for ClusterProbeContext: GET of Services, Secrets and Pods (by name and by
 * labelSelector) from what the test put in, and real port-forwarding: {@code pods/<name>/portforward?ports=N} is
 * upgraded to a WebSocket speaking the v4.channel.k8s.io framing (two port prefaces, then channel 0 data), tunnelled
 * to a local backend the test maps to the pod and port. fabric8's own mock cannot forward ports, hence this one.
 */
public final class PortForwardingApiServer implements AutoCloseable {
    private final Map<String, HasMetadata> objects = new ConcurrentHashMap<>();
    private final Map<String, HttpUrl> backends = new ConcurrentHashMap<>();
    private final FakeServer server;

    public PortForwardingApiServer() {
        this.server = new FakeServer("kube-apiserver", this::handle);
    }

    /** Adds or replaces a namespaced object (Service, Secret, Pod). */
    public PortForwardingApiServer put(HasMetadata object) {
        objects.put(key(object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName()), object);
        return this;
    }

    /** Connections forwarded to this pod's port go to {@code backend}. */
    public PortForwardingApiServer forward(String namespace, String pod, int port, HttpUrl backend) {
        backends.put(namespace + "/" + pod + ":" + port, backend);
        return this;
    }

    public List<String> requestLines() {
        return server.requestLines();
    }

    /** A client for this server: no retries, so a test sees each request once. */
    public KubernetesClient client() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url().toString()).withNamespace("default")
                .withRequestRetryBackoffLimit(0).withRequestTimeout(5_000).withConnectionTimeout(2_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "/" + namespace + "/" + name;
    }

    private MockResponse handle(RecordedRequest request) {
        String[] parts = FakeServer.path(request).split("/");
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
            return FakeServer.json(200, Serialization.asJson(pods(namespace, request.getUrl().queryParameter("labelSelector"))));
        }
        if (parts.length == 7) {
            HasMetadata object = objects.get(key(kind, namespace, parts[6]));
            return object == null ? notFound(parts[5] + " \"" + parts[6] + "\" not found") : FakeServer.json(200, Serialization.asJson(object));
        }
        if (parts.length == 8 && kind.equals("Pod") && parts[7].equals("portforward")) {
            String port = request.getUrl().queryParameter("ports");
            HttpUrl backend = backends.get(namespace + "/" + parts[6] + ":" + port);
            if (backend == null || !objects.containsKey(key("Pod", namespace, parts[6]))) {
                return notFound("no backend for pod " + parts[6] + " port " + port);
            }
            return new MockResponse.Builder().setHeader("Sec-WebSocket-Protocol", "v4.channel.k8s.io")
                    .webSocketUpgrade(new Tunnel(Integer.parseInt(port), backend)).build();
        }
        return notFound("unsupported path " + FakeServer.path(request));
    }

    private PodList pods(String namespace, String labelSelector) {
        Map<String, String> wanted = new HashMap<>();
        if (labelSelector != null && !labelSelector.isBlank()) {
            for (String pair : labelSelector.split(",")) {
                String[] kv = pair.split("=", 2);
                wanted.put(kv[0], kv[1]);
            }
        }
        return new PodListBuilder().withItems(objects.values().stream()
                .filter(o -> o instanceof Pod && namespace.equals(o.getMetadata().getNamespace()))
                .map(o -> (Pod) o)
                .filter(p -> p.getMetadata().getLabels() != null && p.getMetadata().getLabels().entrySet().containsAll(wanted.entrySet()))
                .toList()).build();
    }

    private static MockResponse notFound(String message) {
        Status status = new StatusBuilder().withStatus("Failure").withMessage(message).withReason("NotFound").withCode(404).build();
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
            try {
                socket = new Socket(backend.host(), backend.port());
            } catch (IOException e) {
                webSocket.send(ByteString.encodeUtf8("\u0001" + e.getMessage()));
                webSocket.close(1011, "backend unreachable");
                return;
            }
            Thread pump = new Thread(() -> {
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
            }, "port-forward-" + port);
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
    }
}
