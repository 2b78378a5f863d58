package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import io.fabric8.kubernetes.client.KubernetesClient;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.util.Optional;

/** What a probe may use. Endpoints are resolved here (explicit --endpoint, port-forward or service proxy), never by the probe. */
public interface ProbeContext {
    BootstrapConfig config();

    StackTopology topology();

    /** Unique per run: probes put it in the labels of what they push, so a read-back cannot match an older run. */
    String runId();

    /** An HTTP client with OkHttp-level retries off: the probe's polling decides. */
    OkHttpClient http();

    /** Base URL of a topology endpoint (prometheus, alertmanager, grafana, loki, tempo, otel-collector, ...). */
    HttpUrl endpoint(String name);

    /** Basic-auth credentials for an endpoint that needs them (Grafana's admin Secret); empty when none apply. */
    Optional<BasicCredentials> credentials(String endpointName);

    /** The cluster, when the run has one (verify with only --endpoint has none). */
    Optional<KubernetesClient> kubernetes();

    record BasicCredentials(String username, String password) {
        @Override
        public String toString() {
            return "BasicCredentials[username=" + username + ", password=<redacted>]";
        }
    }
}
