package dev.obsbootstrap.core.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dispatcher in front of fabric8's CRUD mock that makes real Helm (client-go) and fabric8 work against it
 * (reference/fake-cluster.md, point by point): discovery and /version answered whatever the query string, a minimal
 * OpenAPI v3 that tells client-go the server validates fields itself, protobuf Secret/ConfigMap bodies turned into JSON,
 * typed list kinds, strategic-merge and merge patches applied here (the mock appends lists), server-side apply as
 * create-or-merge, CRDs Established and Services given a clusterIP on write, pod logs from the kubelet simulator, and
 * client-go's chunked HTTP watches answered with the current objects and then closed instead of never.
 *
 * <p>Runs on the mock server's event loops: nothing here blocks except the short write lock that keeps
 * read-modify-write patches atomic.
 */
final class SimulatedApiServer extends Dispatcher {
    private static final String JSON = "application/json";
    private static final int REQUEST_LOG_LIMIT = 5000;

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final String kubernetesVersion;
    private final BiFunction<String, String, Optional<List<String>>> podLogs;
    private final Object writeLock = new Object();
    private final AtomicInteger nextClusterIp = new AtomicInteger(10);
    private final Deque<String> requestLog = new ArrayDeque<>();
    private long served;
    /** The name a POST creates (it is in the body, not the path): the request log shows it, so tests can see what was written when. */
    private static final ThreadLocal<String> CREATED_NAME = new ThreadLocal<>();

    private final long startNanos = System.nanoTime();
    private volatile String serverAddress = "127.0.0.1:0";
    /** Parsing every CRD (the Prometheus Operator's are megabytes) on each request is slow: recomputed after CRD writes. */
    private final java.util.concurrent.atomic.AtomicLong crdWrites = new java.util.concurrent.atomic.AtomicLong();

    private volatile CustomTypes customTypes = new CustomTypes(-1, List.of());

    private record CustomTypes(long crdWrites, List<ApiResources.Type> types) {}

    /**
     * @param kubernetesVersion what /version reports, like 1.31.0
     * @param podLogs           (namespace/pod, container) -> log lines, when the kubelet simulator has some
     */
    SimulatedApiServer(String kubernetesVersion, BiFunction<String, String, Optional<List<String>>> podLogs) {
        this.kubernetesVersion = kubernetesVersion;
        this.podLogs = podLogs;
    }

    void serverAddress(String hostPort) {
        this.serverAddress = hostPort;
    }

    /**
     * Every answer's body is sent this much later (the mock's timer, so answers to requests made at once overlap),
     * as from an API server a network away; watches are left as they are. Bench tooling: no test relies on it.
     */
    void latency(java.time.Duration latency) {
        this.latency = latency;
    }

    private volatile java.time.Duration latency = java.time.Duration.ZERO;

    /** How many requests were served so far (not bounded like the log): a mark for {@link #requestsSince}. */
    long requestsServed() {
        synchronized (requestLog) {
            return served;
        }
    }

    /** The requests served after {@code mark} (a {@link #requestsServed()} value), oldest first. */
    List<String> requestsSince(long mark) {
        synchronized (requestLog) {
            long count = served - mark;
            if (count > requestLog.size()) {
                throw new IllegalStateException("the request log keeps only " + REQUEST_LOG_LIMIT + " requests; "
                        + count + " were served since the mark");
            }
            List<String> all = List.copyOf(requestLog);
            return all.subList(all.size() - (int) count, all.size());
        }
    }

    List<String> requestLog() {
        synchronized (requestLog) {
            return List.copyOf(requestLog);
        }
    }

    /** Requests to hold until the test decides (one request each). */
    private final List<Stall> stalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    Stall stall(String method, String pathFragment) {
        Stall stall = new Stall(method, pathFragment);
        stalls.add(stall);
        return stall;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        for (Stall stall : stalls) {
            if (stall.matches(request.getMethod(), request.getPath())) {
                stalls.remove(stall);
                record("held " + request.getMethod() + " " + request.getPath());
                if (!stall.hold()) {
                    record("dropped " + request.getMethod() + " " + request.getPath());
                    return status(503, "ServiceUnavailable", "simulated API server: the request was dropped");
                }
            }
        }
        MockResponse response;
        try {
            response = route(request, ApiPath.parse(request.getPath()));
        } catch (RuntimeException e) {
            response = status(500, "InternalError", "simulated API server: " + e);
        }
        if (response.getBody() != null && response.getBody().size() > 0 && response.header("Content-Type") == null) {
            response.setHeader("Content-Type", JSON);
        }
        if (!latency.isZero() && !request.getPath().contains("watch=")) {
            response.setBodyDelay(latency);
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        String created = CREATED_NAME.get();
        CREATED_NAME.remove();
        record("+" + millis + "ms " + request.getMethod() + " " + request.getPath()
                + (created == null ? "" : " name=" + created) + " -> " + response.code());
        return response;
    }

    private void record(String line) {
        synchronized (requestLog) {
            requestLog.addLast(line);
            served++;
            if (requestLog.size() > REQUEST_LOG_LIMIT) {
                requestLog.removeFirst();
            }
        }
    }

    private MockResponse route(RecordedRequest request, ApiPath path) {
        if (request.method() != HttpMethod.GET && path.plural().equals("customresourcedefinitions")) {
            try {
                return handle(request, path);
            } finally {
                crdWrites.incrementAndGet();
            }
        }
        return handle(request, path);
    }

    private MockResponse handle(RecordedRequest request, ApiPath path) {
        if ("All".equals(path.query().get("dryRun"))
                && (request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT)) {
            return dryRun(request, path);
        }
        return switch (request.method()) {
            case GET -> get(request, path);
            case POST -> create(request, path);
            case PUT -> replace(request, path);
            case PATCH -> patch(request, path);
            case DELETE -> {
                synchronized (writeLock) {
                    yield withStatusBody(crud.dispatch(request), path);
                }
            }
            default -> status(405, "MethodNotAllowed", request.getMethod() + " is not simulated");
        };
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    private MockResponse get(RecordedRequest request, ApiPath path) {
        String p = path.path();
        if (p.equals("/version")) {
            return json(200, version());
        }
        if (p.equals("/api")) {
            return json(200, apiVersions());
        }
        if (p.equals("/apis")) {
            return json(200, apiGroups());
        }
        if (p.equals("/healthz") || p.equals("/readyz") || p.equals("/livez")) {
            return new MockResponse()
                    .setResponseCode(200)
                    .setHeader("Content-Type", "text/plain")
                    .setBody("ok");
        }
        if (p.startsWith("/openapi/v3")) {
            return openApiV3(p.substring("/openapi/v3".length()));
        }
        if (p.equals("/openapi/v2")) {
            return openApiV2();
        }
        if (!path.isResource()) {
            return resourceList(path);
        }
        if (path.plural().equals("pods") && path.subresource().equals("log")) {
            return podLog(path);
        }
        if (isChunkedWatch(request, path)) {
            return watchOnce(path);
        }
        MockResponse response = crud.dispatch(request);
        if (response.getWebSocketListener() != null) {
            return response.withWebSocketUpgrade(new ClosedOffTheEventLoop(response.getWebSocketListener()));
        }
        return asPartialMetadata(request, typedList(withStatusBody(response, path), path), path);
    }

    /**
     * A list's Accept header negotiated as the API server negotiates it (kubernetes v1.31.0,
     * https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go,
     * NegotiateOutputMediaType and acceptMediaTypeOptions): the media types are tried in order, and the first one the
     * endpoint can serve wins. A type with {@code as}, {@code g} or {@code v} asks for a conversion, which a list
     * endpoint serves for kinds PartialObjectMetadata and PartialObjectMetadataList of meta.k8s.io/v1 or v1beta1
     * (https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go,
     * AllowsMediaTypeTransform; Table too, which is not simulated and skipped here). None servable: 406 NotAcceptable.
     * PartialObjectMetadataList is each item's metadata alone, with the list's resourceVersion and continue
     * (https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go,
     * asPartialObjectMetadataList); PartialObjectMetadata asked of a list is 406 (asPartialObjectMetadata). Only JSON
     * is simulated: a protobuf or YAML type is skipped, where the real server would serve it (nothing here asks).
     */
    private MockResponse asPartialMetadata(RecordedRequest request, MockResponse response, ApiPath path) {
        String accept = request.getHeader("Accept");
        if (accept == null || response.code() != 200 || !path.isCollection() || response.getBody() == null) {
            return response;
        }
        for (String offered : accept.split(",")) {
            String[] parts = offered.split(";");
            String type = parts[0].trim();
            if (!type.equals("application/json") && !type.equals("application/*") && !type.equals("*/*")) {
                continue;
            }
            Map<String, String> params = new java.util.HashMap<>();
            for (int k = 1; k < parts.length; k++) {
                String[] pair = parts[k].trim().split("=", 2);
                params.put(pair[0].trim(), pair.length > 1 ? pair[1].trim() : "");
            }
            if (!params.containsKey("as") && !params.containsKey("g") && !params.containsKey("v")) {
                return response;
            }
            String as = params.getOrDefault("as", "");
            String version = params.getOrDefault("v", "");
            boolean meta = "meta.k8s.io".equals(params.get("g")) && (version.equals("v1") || version.equals("v1beta1"));
            if (!meta || !(as.equals("PartialObjectMetadataList") || as.equals("PartialObjectMetadata"))) {
                continue;
            }
            if (as.equals("PartialObjectMetadata")) {
                return status(
                        406,
                        "NotAcceptable",
                        "you requested PartialObjectMetadata, but the requested object is a list");
            }
            return partialList(read(response), "meta.k8s.io/" + version);
        }
        return status(
                406,
                "NotAcceptable",
                "only the following media types are accepted: application/json, application/yaml, "
                        + "application/vnd.kubernetes.protobuf");
    }

    private static MockResponse partialList(JsonNode list, String apiVersion) {
        ObjectNode partial = JsonNodeFactory.instance.objectNode();
        partial.put("kind", "PartialObjectMetadataList");
        partial.put("apiVersion", apiVersion);
        ObjectNode listMeta = partial.putObject("metadata");
        JsonNode metadata = list.path("metadata");
        if (metadata.has("resourceVersion")) {
            listMeta.set("resourceVersion", metadata.get("resourceVersion"));
        }
        if (metadata.has("continue")) {
            listMeta.set("continue", metadata.get("continue"));
        }
        var items = partial.putArray("items");
        for (JsonNode item : list.path("items")) {
            ObjectNode one = items.addObject();
            one.put("kind", "PartialObjectMetadata");
            one.put("apiVersion", apiVersion);
            one.set("metadata", item.path("metadata"));
        }
        String[] groupVersion = apiVersion.split("/");
        return json(200, partial)
                .setHeader(
                        "Content-Type",
                        "application/json;as=PartialObjectMetadataList;g=" + groupVersion[0] + ";v=" + groupVersion[1]);
    }

    /**
     * A WebSocket watch whose close and failure handling runs off the mock server's event loop. The mock's watch
     * listener (kubernetes-server-mock 8.0.0 WatchEventsListener.onClosed and onFailure) shuts its send executor down
     * and waits up to a minute for it to end, on the event loop; a send in flight on that executor waits up to 30 s
     * for its write (mockwebserver 8.0.0 VertxMockWebSocket.awaitWrite), which only that event loop can complete. A
     * watch closed while an event was on its way so stalled every connection of that loop for 30 s (read off the
     * classes with javap; thread dumps of the hang). A real API server ends a watch without stopping the others.
     */
    private static final class ClosedOffTheEventLoop extends io.fabric8.mockwebserver.http.WebSocketListener {
        private final io.fabric8.mockwebserver.http.WebSocketListener watch;

        ClosedOffTheEventLoop(io.fabric8.mockwebserver.http.WebSocketListener watch) {
            this.watch = watch;
        }

        @Override
        public void onBeforeAccept(
                io.fabric8.mockwebserver.http.WebSocket socket, io.fabric8.mockwebserver.http.Response response) {
            watch.onBeforeAccept(socket, response);
        }

        @Override
        public void onOpen(
                io.fabric8.mockwebserver.http.WebSocket socket, io.fabric8.mockwebserver.http.Response response) {
            watch.onOpen(socket, response);
        }

        @Override
        public void onMessage(io.fabric8.mockwebserver.http.WebSocket socket, String text) {
            watch.onMessage(socket, text);
        }

        @Override
        public void onMessage(
                io.fabric8.mockwebserver.http.WebSocket socket, io.fabric8.mockwebserver.http.ByteString bytes) {
            watch.onMessage(socket, bytes);
        }

        @Override
        public void onMessage(io.fabric8.mockwebserver.http.WebSocket socket, byte[] bytes) {
            watch.onMessage(socket, bytes);
        }

        @Override
        public void onPing(io.fabric8.mockwebserver.http.WebSocket socket, byte[] bytes) {
            watch.onPing(socket, bytes);
        }

        @Override
        public void onClosing(io.fabric8.mockwebserver.http.WebSocket socket, int code, String reason) {
            watch.onClosing(socket, code, reason);
        }

        @Override
        public void onClosed(io.fabric8.mockwebserver.http.WebSocket socket, int code, String reason) {
            offTheEventLoop(() -> watch.onClosed(socket, code, reason));
        }

        @Override
        public void onFailure(
                io.fabric8.mockwebserver.http.WebSocket socket,
                Throwable failure,
                io.fabric8.mockwebserver.http.Response response) {
            offTheEventLoop(() -> watch.onFailure(socket, failure, response));
        }

        private static void offTheEventLoop(Runnable close) {
            Thread thread = new Thread(close, "simulated-watch-close");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private JsonNode version() {
        String[] parts = kubernetesVersion.split("\\.");
        ObjectNode version = JsonNodeFactory.instance.objectNode();
        version.put("major", parts[0]);
        version.put("minor", parts.length > 1 ? parts[1] : "0");
        version.put("gitVersion", "v" + kubernetesVersion);
        version.put("gitCommit", "0000000000000000000000000000000000000000");
        version.put("gitTreeState", "clean");
        version.put("buildDate", "2026-01-01T00:00:00Z");
        version.put("goVersion", "go1.24.0");
        version.put("compiler", "gc");
        version.put("platform", "linux/amd64");
        return version;
    }

    private JsonNode apiVersions() {
        ObjectNode versions = JsonNodeFactory.instance.objectNode();
        versions.put("kind", "APIVersions");
        versions.withArrayProperty("versions").add("v1");
        ObjectNode address =
                versions.withArrayProperty("serverAddressByClientCIDRs").addObject();
        address.put("clientCIDR", "0.0.0.0/0");
        address.put("serverAddress", serverAddress);
        return versions;
    }

    private JsonNode apiGroups() {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", "APIGroupList");
        list.put("apiVersion", "v1");
        ArrayNode groups = list.withArrayProperty("groups");
        Map<String, List<ApiResources.Type>> byGroupVersion = ApiResources.byGroupVersion(customTypes());
        List<String> seen = new ArrayList<>();
        for (List<ApiResources.Type> types : byGroupVersion.values()) {
            ApiResources.Type first = types.get(0);
            if (first.group().isEmpty() || seen.contains(first.group())) {
                continue;
            }
            seen.add(first.group());
            ObjectNode group = groups.addObject();
            group.put("name", first.group());
            ArrayNode versions = group.withArrayProperty("versions");
            byGroupVersion.values().stream()
                    .map(t -> t.get(0))
                    .filter(t -> t.group().equals(first.group()))
                    .forEach(t -> {
                        ObjectNode v = versions.addObject();
                        v.put("groupVersion", t.groupVersion());
                        v.put("version", t.version());
                    });
            group.set("preferredVersion", versions.get(0).deepCopy());
        }
        return list;
    }

    /** /api/v1 and /apis/group/version: the APIResourceList client-go's REST mapper is built from. */
    private MockResponse resourceList(ApiPath path) {
        List<ApiResources.Type> types =
                ApiResources.byGroupVersion(customTypes()).get(path.groupVersion());
        if (path.version().isEmpty() || types == null) {
            return status(404, "NotFound", "the server could not find the requested resource " + path.path());
        }
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", path.groupVersion());
        ArrayNode resources = list.withArrayProperty("resources");
        for (ApiResources.Type type : types) {
            ObjectNode resource = resources.addObject();
            resource.put("name", type.plural());
            resource.put("singularName", type.singular());
            resource.put("namespaced", type.namespaced());
            resource.put("kind", type.kind());
            ApiResources.VERBS.forEach(resource.withArrayProperty("verbs")::add);
            if (!type.shortNames().isEmpty()) {
                type.shortNames().forEach(resource.withArrayProperty("shortNames")::add);
            }
            ObjectNode status = resources.addObject();
            status.put("name", type.plural() + "/status");
            status.put("singularName", "");
            status.put("namespaced", type.namespaced());
            status.put("kind", type.kind());
            List.of("get", "patch", "update").forEach(status.withArrayProperty("verbs")::add);
        }
        return json(200, list);
    }

    /**
     * A minimal OpenAPI v3: one PATCH path per kind that takes {@code fieldValidation}. client-go then leaves field
     * validation to the server (which this one does not do) instead of validating against a schema we do not have.
     */
    private MockResponse openApiV3(String rest) {
        Map<String, List<ApiResources.Type>> byGroupVersion = ApiResources.byGroupVersion(customTypes());
        if (rest.isEmpty() || rest.equals("/")) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            ObjectNode paths = root.withObjectProperty("paths");
            for (String groupVersion : byGroupVersion.keySet()) {
                String key = groupVersion.contains("/") ? "apis/" + groupVersion : "api/" + groupVersion;
                paths.withObjectProperty(key)
                        .put(
                                "serverRelativeURL",
                                "/openapi/v3/" + key + "?hash=" + Integer.toHexString(key.hashCode()));
            }
            return json(200, root);
        }
        String key = rest.substring(1);
        String groupVersion =
                key.startsWith("apis/") ? key.substring(5) : key.startsWith("api/") ? key.substring(4) : key;
        List<ApiResources.Type> types = byGroupVersion.get(groupVersion);
        if (types == null) {
            return status(404, "NotFound", "no OpenAPI document for " + key);
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("openapi", "3.0.0");
        doc.withObjectProperty("info").put("title", "Kubernetes").put("version", "v" + kubernetesVersion);
        ObjectNode paths = doc.withObjectProperty("paths");
        for (ApiResources.Type type : types) {
            String prefix = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.groupVersion();
            String itemPath =
                    prefix + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural() + "/{name}";
            ObjectNode patch = paths.withObjectProperty(itemPath).withObjectProperty("patch");
            ObjectNode gvk = patch.withObjectProperty("x-kubernetes-group-version-kind");
            gvk.put("group", type.group());
            gvk.put("version", type.version());
            gvk.put("kind", type.kind());
            ObjectNode param = patch.withArrayProperty("parameters").addObject();
            param.put("name", "fieldValidation");
            param.put("in", "query");
            param.withObjectProperty("schema").put("type", "string");
            patch.withObjectProperty("responses").withObjectProperty("200").put("description", "OK");
        }
        doc.withObjectProperty("components").withObjectProperty("schemas");
        return json(200, doc);
    }

    /**
     * client-go falls back to the OpenAPI v2 document for kinds it finds in neither v3 nor a CRD (a custom resource
     * whose CRD is not installed yet). An empty v2 document (protobuf, {@code swagger: "2.0"}) has no schema for it, so
     * validation passes and Helm reports what a real cluster reports: no matches for kind ... ensure CRDs are installed.
     */
    private static MockResponse openApiV2() {
        byte[] swagger20 = {0x0a, 0x03, '2', '.', '0'};
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
                .setBody(swagger20);
    }

    private MockResponse podLog(ApiPath path) {
        String container = path.param("container").orElse("");
        Optional<List<String>> lines = podLogs.apply(path.namespace() + "/" + path.name(), container);
        MockResponse pod = crud.handleGet(path.objectPath());
        if (lines.isEmpty() && pod.code() == 404) {
            return status(404, "NotFound", "pods \"" + path.name() + "\" not found");
        }
        List<String> all = lines.orElse(List.of());
        int tail = path.param("tailLines").map(Integer::parseInt).orElse(all.size());
        List<String> shown = all.subList(Math.max(0, all.size() - tail), all.size());
        StringBuilder text = new StringBuilder();
        shown.forEach(line -> text.append(line).append('\n'));
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "text/plain")
                .setBody(text.toString());
    }

    /** fabric8 watches over WebSocket (the mock handles those); client-go watches over a chunked HTTP response. */
    private static boolean isChunkedWatch(RecordedRequest request, ApiPath path) {
        String watch = path.query().getOrDefault("watch", "");
        boolean upgrade = Optional.ofNullable(request.getHeader("Upgrade"))
                .orElse("")
                .toLowerCase(Locale.ROOT)
                .contains("websocket");
        return (watch.equals("true") || watch.equals("1")) && !upgrade;
    }

    /**
     * The mock cannot stream a chunked watch: answer with the current objects as ADDED events (and the bookmark a
     * watch-list client waits for), then end the stream. client-go re-lists and watches again, so a waiter still sees
     * every change, a little later, and nothing hangs.
     */
    private MockResponse watchOnce(ApiPath path) {
        StringBuilder listPath = new StringBuilder(path.isCollection() ? path.path() : path.collectionPath());
        List<String> selectors = new ArrayList<>();
        path.param("labelSelector").ifPresent(s -> selectors.add("labelSelector=" + encode(s)));
        path.param("fieldSelector").ifPresent(s -> selectors.add("fieldSelector=" + encode(s)));
        if (!path.isCollection()) {
            selectors.add("fieldSelector=" + encode("metadata.name=" + path.name()));
        }
        if (!selectors.isEmpty()) {
            listPath.append('?').append(String.join("&", selectors));
        }
        JsonNode list = read(crud.handleGet(listPath.toString()));
        StringBuilder events = new StringBuilder();
        for (JsonNode item : list.path("items")) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("type", "ADDED");
            event.set("object", item);
            events.append(Serialization.asJson(event)).append('\n');
        }
        if ("true".equals(path.query().get("sendInitialEvents"))) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("type", "BOOKMARK");
            ObjectNode object = event.withObjectProperty("object");
            object.put("apiVersion", path.groupVersion());
            object.put("kind", kindOf(path).orElse(""));
            ObjectNode meta = object.withObjectProperty("metadata");
            meta.put(
                    "resourceVersion",
                    list.path("metadata").path("resourceVersion").asString("0"));
            meta.withObjectProperty("annotations").put("k8s.io/initial-events-end", "true");
            events.append(Serialization.asJson(event)).append('\n');
        }
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", JSON)
                .setBody(events.toString());
    }

    /** The mock answers every collection as kind List; client-go and Helm's storage want SecretList, DeploymentList, ... */
    private MockResponse typedList(MockResponse response, ApiPath path) {
        if (response.code() != 200 || !path.isCollection() || response.getBody() == null) {
            return response;
        }
        JsonNode body = read(response);
        if (!body.isObject() || !"List".equals(body.path("kind").asString(""))) {
            return response;
        }
        ObjectNode typed = (ObjectNode) body;
        kindOf(path).ifPresent(kind -> typed.put("kind", kind + "List"));
        typed.put("apiVersion", path.groupVersion());
        // The API server sends the items of a built-in type's list without kind and apiVersion: only the list says
        // what they are (kubernetes/kubernetes#3030, open since 2014: "the list API omits apiVersion and kind from the
        // returned items", https://github.com/kubernetes/kubernetes/issues/3030; seen on v1.31). Custom resources
        // are served as unstructured objects and keep theirs. The CRUD mock keeps whatever was written, so they are
        // taken off here: a client that needs an item's kind must take it from the list.
        boolean builtIn = ApiResources.find(List.of(), path.group(), path.version(), path.plural())
                .isPresent();
        if (builtIn && typed.path("items").isArray()) {
            for (JsonNode item : typed.path("items")) {
                if (item instanceof ObjectNode object) {
                    object.remove("kind");
                    object.remove("apiVersion");
                }
            }
        }
        return json(200, typed);
    }

    // ---- writes ------------------------------------------------------------------------------------------------

    /**
     * {@code ?dryRun=All} as the API server answers it (kubernetes/kubernetes
     * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go and update.go, v1.31): everything is
     * checked, nothing is stored. A create needs the namespace and must not find the object (409 AlreadyExists); an
     * update must find it. The CRUD mock itself would store the object, so it is never asked to write.
     */
    private MockResponse dryRun(RecordedRequest request, ApiPath path) {
        ObjectNode object = bodyAsJson(request);
        String name = request.method() == HttpMethod.POST
                ? object.path("metadata").path("name").asString("")
                : path.name();
        if (!path.namespace().isEmpty() && !exists(request, "/api/v1/namespaces/" + path.namespace())) {
            return status(404, "NotFound", "namespaces \"" + path.namespace() + "\" not found");
        }
        boolean exists = exists(request, path.collectionPath() + "/" + name);
        if (request.method() == HttpMethod.POST && exists) {
            String what = path.group().isEmpty() ? path.plural() : path.plural() + "." + path.group();
            return status(409, "AlreadyExists", what + " \"" + name + "\" already exists");
        }
        if (request.method() == HttpMethod.PUT && !exists) {
            return notFound(path);
        }
        prepareWrite(object, path);
        return json(request.method() == HttpMethod.POST ? 201 : 200, object);
    }

    private boolean exists(RecordedRequest original, String objectPath) {
        RecordedRequest get = new RecordedRequest(
                original.getHttpVersion(), HttpMethod.GET, objectPath, original.getHeaders(), new Buffer());
        synchronized (writeLock) {
            return crud.dispatch(get).code() == 200;
        }
    }

    private MockResponse create(RecordedRequest request, ApiPath path) {
        ObjectNode object = bodyAsJson(request);
        CREATED_NAME.set(object.path("metadata").path("name").asString(""));
        prepareWrite(object, path);
        synchronized (writeLock) {
            return withStatusBody(
                    crud.dispatch(jsonRequest(request, HttpMethod.POST, request.getPath(), object)), path);
        }
    }

    private MockResponse replace(RecordedRequest request, ApiPath path) {
        ObjectNode object = bodyAsJson(request);
        prepareWrite(object, path);
        synchronized (writeLock) {
            return withStatusBody(crud.dispatch(jsonRequest(request, HttpMethod.PUT, request.getPath(), object)), path);
        }
    }

    private MockResponse patch(RecordedRequest request, ApiPath path) {
        String contentType = Optional.ofNullable(request.getHeader("Content-Type"))
                .orElse("")
                .toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json-patch+json")) {
            synchronized (writeLock) {
                return withStatusBody(crud.dispatch(request), path);
            }
        }
        if (contentType.startsWith("application/merge-patch+json")) {
            return mergePatch(request, path, false);
        }
        if (contentType.startsWith("application/strategic-merge-patch+json")) {
            return mergePatch(request, path, true);
        }
        if (contentType.startsWith("application/apply-patch+yaml")
                || contentType.startsWith("application/apply-patch+cbor")) {
            return serverSideApply(request, path);
        }
        return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format: " + contentType);
    }

    private MockResponse mergePatch(RecordedRequest request, ApiPath path, boolean strategic) {
        JsonNode patch = Serialization.jsonMapper().readTree(bodyBytes(request));
        synchronized (writeLock) {
            MockResponse current = crud.handleGet(path.objectPath());
            if (current.code() != 200) {
                return notFound(path);
            }
            ObjectNode merged = (ObjectNode) MergePatch.apply(read(current), patch, strategic);
            prepareWrite(merged, path);
            return withStatusBody(crud.dispatch(jsonRequest(request, HttpMethod.PUT, request.getPath(), merged)), path);
        }
    }

    /**
     * Server-side apply without field ownership: create when missing, otherwise merge the applied configuration into
     * the live object. Enough for fabric8 {@code serverSideApply()} and Helm's SSA; conflicts are never reported.
     */
    private MockResponse serverSideApply(RecordedRequest request, ApiPath path) {
        ObjectNode applied = yamlOrJson(bodyBytes(request));
        synchronized (writeLock) {
            MockResponse current = crud.handleGet(path.objectPath());
            if (current.code() != 200) {
                applied.withObjectProperty("metadata").put("name", path.name());
                prepareWrite(applied, path);
                MockResponse created =
                        crud.dispatch(jsonRequest(request, HttpMethod.POST, path.collectionPath(), applied));
                return withStatusBody(created, path);
            }
            ObjectNode merged = (ObjectNode) MergePatch.apply(read(current), applied, true);
            prepareWrite(merged, path);
            MockResponse updated = crud.dispatch(jsonRequest(request, HttpMethod.PUT, path.objectPath(), merged));
            return withStatusBody(updated, path);
        }
    }

    /** What a real API server would fill in on every write that the mock does not. */
    private void prepareWrite(ObjectNode object, ApiPath path) {
        Optional<ApiResources.Type> type =
                ApiResources.find(customTypes(), path.group(), path.version(), path.plural());
        if (type.isPresent()
                && !type.get().namespaced()
                && object.path("metadata").isObject()) {
            ((ObjectNode) object.get("metadata")).remove("namespace");
        }
        if (path.group().isEmpty()
                && path.plural().equals("services")
                && !path.subresource().equals("status")) {
            ObjectNode spec = object.withObjectProperty("spec");
            String clusterIp = spec.path("clusterIP").asString("");
            if (!"ExternalName".equals(spec.path("type").asString("")) && clusterIp.isEmpty()) {
                String ip = "10.96.0." + nextClusterIp.getAndIncrement();
                spec.put("clusterIP", ip);
                spec.putArray("clusterIPs").add(ip);
            }
            if (!spec.has("type")) {
                spec.put("type", "ClusterIP");
            }
        }
        if (path.group().equals("apiextensions.k8s.io") && path.plural().equals("customresourcedefinitions")) {
            establish(object);
        }
    }

    /** CRDs become Established at once: there is no apiextensions controller in the mock. */
    private static void establish(ObjectNode crd) {
        ObjectNode status = crd.withObjectProperty("status");
        ArrayNode conditions = status.putArray("conditions");
        for (String[] condition :
                new String[][] {{"NamesAccepted", "NoConflicts"}, {"Established", "InitialNamesAccepted"}}) {
            ObjectNode c = conditions.addObject();
            c.put("type", condition[0]);
            c.put("status", "True");
            c.put("reason", condition[1]);
            c.put(
                    "lastTransitionTime",
                    java.time.Instant.now()
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            .toString());
        }
        JsonNode names = crd.path("spec").path("names");
        if (names.isObject()) {
            status.set("acceptedNames", names.deepCopy());
        }
        ArrayNode stored = status.putArray("storedVersions");
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("storage").asBoolean(false)) {
                stored.add(version.path("name").asString(""));
            }
        }
    }

    // ---- CRD-defined types -------------------------------------------------------------------------------------

    /** The served versions of every CRD in the store, as resource types for discovery, OpenAPI and list kinds. */
    private List<ApiResources.Type> customTypes() {
        CustomTypes cached = customTypes;
        long writes = crdWrites.get();
        if (cached.crdWrites() != writes) {
            cached = new CustomTypes(writes, readCustomTypes());
            customTypes = cached;
        }
        return cached.types();
    }

    private List<ApiResources.Type> readCustomTypes() {
        JsonNode crds = read(crud.handleGet("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"));
        List<ApiResources.Type> types = new ArrayList<>();
        for (JsonNode crd : crds.path("items")) {
            JsonNode spec = crd.path("spec");
            JsonNode names = spec.path("names");
            List<String> shortNames = new ArrayList<>();
            names.path("shortNames").forEach(n -> shortNames.add(n.asString("")));
            for (JsonNode version : spec.path("versions")) {
                if (version.path("served").asBoolean(true)) {
                    types.add(new ApiResources.Type(
                            spec.path("group").asString(""),
                            version.path("name").asString(""),
                            names.path("plural").asString(""),
                            names.path("kind").asString(""),
                            !"Cluster".equals(spec.path("scope").asString("Namespaced")),
                            shortNames));
                }
            }
        }
        return List.copyOf(types);
    }

    private Optional<String> kindOf(ApiPath path) {
        return ApiResources.find(customTypes(), path.group(), path.version(), path.plural())
                .map(ApiResources.Type::kind);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static byte[] bodyBytes(RecordedRequest request) {
        Buffer body = request.getBody();
        return body == null ? new byte[0] : body.getBytes();
    }

    private static ObjectNode bodyAsJson(RecordedRequest request) {
        byte[] bytes = bodyBytes(request);
        if (KubeProtobuf.isProtobuf(request.getHeader("Content-Type"))) {
            return KubeProtobuf.toJson(bytes);
        }
        return (ObjectNode) Serialization.jsonMapper().readTree(bytes);
    }

    private static ObjectNode yamlOrJson(byte[] body) {
        Object parsed =
                new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(body, StandardCharsets.UTF_8));
        return Serialization.jsonMapper().valueToTree(parsed);
    }

    private static RecordedRequest jsonRequest(
            RecordedRequest original, HttpMethod method, String path, JsonNode body) {
        Headers headers = original.getHeaders()
                .newBuilder()
                .setHeader("Content-Type", JSON)
                .build();
        return new RecordedRequest(
                original.getHttpVersion(),
                method,
                path,
                headers,
                new Buffer(Serialization.asJson(body).getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode read(MockResponse response) {
        if (response.getBody() == null || response.getBody().size() == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        return Serialization.jsonMapper().readTree(response.getBody().getBytes());
    }

    private static MockResponse json(int code, JsonNode body) {
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", JSON)
                .setBody(Serialization.asJson(body));
    }

    /** The mock answers some failures with an empty body; client-go and fabric8 read reason and message from a Status. */
    private MockResponse withStatusBody(MockResponse response, ApiPath path) {
        if (response.code() == 404
                && (response.getBody() == null || response.getBody().size() == 0)) {
            return notFound(path);
        }
        return response;
    }

    private MockResponse notFound(ApiPath path) {
        String what = path.group().isEmpty() ? path.plural() : path.plural() + "." + path.group();
        return status(404, "NotFound", what + " \"" + path.name() + "\" not found");
    }

    private static MockResponse status(int code, String reason, String message) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.withObjectProperty("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        return json(code, status);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
