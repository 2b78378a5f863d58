package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The context one probe sees: the run's context, remembering which endpoints the probe resolved, so its result can
 * say how each was reached (service proxy, pod proxy, port-forward, explicit URL) without the probe saying it.
 */
final class RouteRecordingContext implements ProbeContext {
    private final ProbeContext delegate;
    private final Map<String, Boolean> touched = new LinkedHashMap<>();

    RouteRecordingContext(ProbeContext delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** "route.&lt;endpoint&gt;" -> how it was reached, for every endpoint the probe resolved, in first-use order. */
    Evidence routes() {
        Evidence routes = Evidence.none();
        for (Map.Entry<String, Boolean> endpoint : touched.entrySet()) {
            routes = routes.and(
                    "route." + endpoint.getKey(),
                    delegate.route(endpoint.getKey())
                            + (endpoint.getValue() ? ", every ready pod through the pod proxy" : ""));
        }
        return routes;
    }

    @Override
    public HttpUrl endpoint(String name) {
        touched.putIfAbsent(name, false);
        return delegate.endpoint(name);
    }

    @Override
    public List<Replica> replicas(String name) {
        touched.put(name, true);
        return delegate.replicas(name);
    }

    @Override
    public BootstrapConfig config() {
        return delegate.config();
    }

    @Override
    public StackTopology topology() {
        return delegate.topology();
    }

    @Override
    public String runId() {
        return delegate.runId();
    }

    @Override
    public OkHttpClient http() {
        return delegate.http();
    }

    @Override
    public String route(String name) {
        return delegate.route(name);
    }

    @Override
    public HttpReply exchange(Request request) throws InterruptedException {
        return delegate.exchange(request);
    }

    @Override
    public Optional<BasicCredentials> credentials(String endpointName) {
        return delegate.credentials(endpointName);
    }

    @Override
    public String describeCredentials(String endpointName) {
        return delegate.describeCredentials(endpointName);
    }

    @Override
    public Optional<KubernetesClient> kubernetes() {
        return delegate.kubernetes();
    }

    @Override
    public String redact(String text) {
        return delegate.redact(text);
    }
}
