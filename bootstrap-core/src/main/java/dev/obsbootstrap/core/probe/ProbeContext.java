package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * What a probe may use. Endpoints are resolved here (explicit --endpoint, the API server's service proxy, or a
 * port-forward where the proxy is refused), never by the probe, and every request goes out through
 * {@link #exchange}, which knows how to reach the URLs it handed out.
 * Implementations: {@link EndpointProbeContext} (explicit URLs, no cluster) and {@link ClusterProbeContext}
 * (service and pod proxies through the API server). Both are {@link AutoCloseable}: close them when the run ends.
 */
public interface ProbeContext {
    BootstrapConfig config();

    StackTopology topology();

    /** Unique per run: probes put it in the labels of what they push, so a read-back cannot match an older run. */
    String runId();

    /** An HTTP client with OkHttp-level retries off: the probe's polling decides. */
    OkHttpClient http();

    /**
     * Base URL of a topology endpoint (the catalog's {@code endpoints:} names).
     *
     * @throws TerminalProbeFailure when this context has no way to reach that endpoint (an explicit-endpoint run
     *                              without {@code --endpoint NAME=URL} for it): retrying cannot help
     * @throws RuntimeException     (a {@code ClusterException}) when a port-forward cannot be opened yet; the next try opens it again
     */
    HttpUrl endpoint(String name);

    /**
     * Every ready replica behind an endpoint, each with a URL that reaches that pod alone (the API server's pod
     * proxy), for probes where replicas matter (an HA server whose replicas each do the work): one replica that is
     * broken fails them even when the Service would route around it. An explicit URL is one replica.
     *
     * @throws TerminalProbeFailure as {@link #endpoint}
     * @throws RuntimeException     (a {@code ClusterException}) when the Service has no ready pod yet
     */
    List<Replica> replicas(String name);

    /** How an endpoint is reached, for the report: "service proxy ...", "port-forward to pod ... (proxy refused: ...)", "explicit URL ...". */
    String route(String name);

    /**
     * Sends one request to a URL this context handed out (from {@link #endpoint} or {@link #replicas}) and returns
     * the answer, or a transport failure as an unanswered {@link HttpReply}.
     *
     * @throws InterruptedException when the thread is interrupted before or during the exchange
     */
    HttpReply exchange(Request request) throws InterruptedException;

    /**
     * Headers every request to an endpoint must carry because of the config (a tenant header a phase's
     * setting implies), whichever phase's setting implies them ({@code ConfigSection.endpointHeaders}).
     */
    default Headers headers(String endpointName) {
        return Headers.of(config().endpointHeaders(endpointName));
    }

    /** Basic-auth credentials for an endpoint that needs them (from a phase's {@code probeCredentials}); empty when none apply. */
    Optional<BasicCredentials> credentials(String endpointName);

    /**
     * Where the credentials for an endpoint come from, for hints: "Secret ns/name (keys a, b)", "environment
     * OBS_UI_USER/OBS_UI_PASSWORD", or "no credentials configured". Never the values.
     */
    String describeCredentials(String endpointName);

    /** The cluster, when the run has one (verify with only --endpoint has none). */
    Optional<KubernetesClient> kubernetes();

    /**
     * The text with every secret this context handed out (passwords it read) and every Authorization header value
     * replaced by {@code <redacted>}. The {@link ProbeRunner} passes everything a probe reports through it.
     */
    String redact(String text);

    /** One pod behind a Service (or the one explicit URL) and the base URL that reaches it. */
    record Replica(String name, HttpUrl url) {
        public Replica {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
        }
    }

    record BasicCredentials(String username, String password) {
        @Override
        public String toString() {
            return "BasicCredentials[username=" + username + ", password=<redacted>]";
        }
    }
}
