package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import io.fabric8.kubernetes.client.KubernetesClient;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.util.Optional;

/**
 * What a probe may use. Endpoints are resolved here (explicit --endpoint, port-forward or service proxy), never by the probe.
 * Implementations: {@link EndpointProbeContext} (explicit URLs, no cluster) and {@link ClusterProbeContext}
 * (port-forwards through fabric8). Both are {@link AutoCloseable}: close them when the run ends.
 */
public interface ProbeContext {
    BootstrapConfig config();

    StackTopology topology();

    /** Unique per run: probes put it in the labels of what they push, so a read-back cannot match an older run. */
    String runId();

    /** An HTTP client with OkHttp-level retries off: the probe's polling decides. */
    OkHttpClient http();

    /**
     * Base URL of a topology endpoint (prometheus, alertmanager, grafana, loki, tempo, otel-collector, ...).
     *
     * @throws TerminalProbeFailure when this context has no way to reach that endpoint (an explicit-endpoint run
     *                              without {@code --endpoint NAME=URL} for it): retrying cannot help
     * @throws RuntimeException     (a {@code ClusterException}) when a port-forward cannot be opened yet; the next try opens it again
     */
    HttpUrl endpoint(String name);

    /** Basic-auth credentials for an endpoint that needs them (Grafana's admin Secret); empty when none apply. */
    Optional<BasicCredentials> credentials(String endpointName);

    /**
     * Where the credentials for an endpoint come from, for hints: "Secret ns/name (keys a, b)", "environment
     * OBS_GRAFANA_USER/OBS_GRAFANA_PASSWORD", or "no credentials configured". Never the values.
     */
    String describeCredentials(String endpointName);

    /** The cluster, when the run has one (verify with only --endpoint has none). */
    Optional<KubernetesClient> kubernetes();

    /**
     * The text with every secret this context handed out (passwords it read) and every Authorization header value
     * replaced by {@code <redacted>}. The {@link ProbeRunner} passes everything a probe reports through it.
     */
    String redact(String text);

    record BasicCredentials(String username, String password) {
        @Override
        public String toString() {
            return "BasicCredentials[username=" + username + ", password=<redacted>]";
        }
    }
}
