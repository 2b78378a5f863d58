package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Redaction;
import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Probes against explicit URLs ({@code verify --endpoint NAME=URL}), without a cluster.
 *
 * <p>Credentials: for an endpoint named {@code ui} the user and password come from the environment variables
 * {@code OBS_UI_USER} and {@code OBS_UI_PASSWORD} (generally {@code OBS_<NAME>_USER}/{@code _PASSWORD},
 * NAME upper-cased with '-' as '_'). Setting only one of the two is bad input.
 *
 * <p>Probes that need the Kubernetes API (CRDs Established) fail at once with a "needs a cluster" message here:
 * {@link #kubernetes()} is empty.
 */
public final class EndpointProbeContext implements ProbeContext, AutoCloseable {
    private final BootstrapConfig config;
    private final StackTopology topology;
    private final String runId;
    private final OkHttpClient http;
    private final Map<String, HttpUrl> endpoints;
    private final Map<String, String> environment;
    private final Redaction redaction = new Redaction();

    private EndpointProbeContext(Builder builder) {
        this.config = Objects.requireNonNull(builder.config, "config");
        this.topology = Objects.requireNonNull(builder.topology, "topology");
        this.runId = Objects.requireNonNull(builder.runId, "runId");
        this.http = Objects.requireNonNull(builder.http, "http");
        this.endpoints = Map.copyOf(builder.endpoints);
        this.environment = Map.copyOf(builder.environment);
        // check the pairs now (bad input before any probe runs) and know the passwords before anything is printed
        endpoints.keySet().forEach(this::credentialsFromEnvironment);
    }

    public static Builder builder(BootstrapConfig config, StackTopology topology) {
        return new Builder(config, topology);
    }

    /** The variable that holds an endpoint's user name, e.g. OBS_UI_USER. */
    public static String userVariable(String endpointName) {
        return "OBS_" + endpointName.toUpperCase(Locale.ROOT).replace('-', '_') + "_USER";
    }

    /** The variable that holds an endpoint's password, e.g. OBS_UI_PASSWORD. */
    public static String passwordVariable(String endpointName) {
        return "OBS_" + endpointName.toUpperCase(Locale.ROOT).replace('-', '_') + "_PASSWORD";
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
    public HttpUrl endpoint(String name) {
        HttpUrl url = endpoints.get(name);
        if (url == null) {
            throw new TerminalProbeFailure(
                    "no URL for endpoint '" + name + "' (given: " + new TreeSet<>(endpoints.keySet()) + ")",
                    "pass --endpoint " + name + "=URL, or run verify against the cluster without --endpoint");
        }
        return url;
    }

    /** An explicit URL is one replica: whatever load balancer stands behind it is outside what this run can see. */
    @Override
    public List<Replica> replicas(String name) {
        return List.of(new Replica("explicit URL", endpoint(name)));
    }

    @Override
    public String route(String name) {
        HttpUrl url = endpoints.get(name);
        return url == null ? "no URL given" : "explicit URL " + url;
    }

    @Override
    public HttpReply exchange(Request request) throws InterruptedException {
        return ProbeHttp.send(http, request);
    }

    @Override
    public Optional<BasicCredentials> credentials(String endpointName) {
        return credentialsFromEnvironment(endpointName);
    }

    private Optional<BasicCredentials> credentialsFromEnvironment(String endpointName) {
        String user = environment.getOrDefault(userVariable(endpointName), "");
        String password = environment.getOrDefault(passwordVariable(endpointName), "");
        if (user.isEmpty() && password.isEmpty()) {
            return Optional.empty();
        }
        if (user.isEmpty() || password.isEmpty()) {
            throw new ConfigException("set both " + userVariable(endpointName) + " and "
                    + passwordVariable(endpointName) + " for --endpoint " + endpointName + ", or neither");
        }
        redaction.remember(password);
        return Optional.of(new BasicCredentials(user, password));
    }

    @Override
    public String describeCredentials(String endpointName) {
        String where = "environment " + userVariable(endpointName) + "/" + passwordVariable(endpointName);
        return credentialsFromEnvironment(endpointName).isPresent()
                ? where
                : "no credentials configured (set " + where + ")";
    }

    @Override
    public Optional<KubernetesClient> kubernetes() {
        return Optional.empty();
    }

    @Override
    public String redact(String text) {
        return redaction.apply(text);
    }

    /** Nothing is held open; here for symmetry with {@link ClusterProbeContext}. */
    @Override
    public void close() {}

    public static final class Builder {
        private final BootstrapConfig config;
        private final StackTopology topology;
        private String runId = RunIds.next();
        private OkHttpClient http;
        private Map<String, HttpUrl> endpoints = Map.of();
        private Map<String, String> environment = System.getenv();

        private Builder(BootstrapConfig config, StackTopology topology) {
            this.config = Objects.requireNonNull(config, "config");
            this.topology = Objects.requireNonNull(topology, "topology");
        }

        /** Endpoint name -> base URL, usually from {@link ExplicitEndpoints#parse}. */
        public Builder endpoints(Map<String, HttpUrl> endpoints) {
            this.endpoints = Map.copyOf(endpoints);
            return this;
        }

        public Builder endpoint(String name, HttpUrl url) {
            Map<String, HttpUrl> copy = new HashMap<>(endpoints);
            copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(url, "url"));
            this.endpoints = Map.copyOf(copy);
            return this;
        }

        /** Where credentials variables are read; the process environment unless set (tests pass a map). */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        public Builder runId(String runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            return this;
        }

        /** The probe HTTP client; {@link ProbeHttp#newClient()} unless set. */
        public Builder http(OkHttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** @throws ConfigException when only one of an endpoint's credential variables is set */
        public EndpointProbeContext build() {
            if (http == null) {
                http = ProbeHttp.newClient();
            }
            return new EndpointProbeContext(this);
        }
    }
}
