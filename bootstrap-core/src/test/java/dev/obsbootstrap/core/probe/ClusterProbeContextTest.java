package dev.obsbootstrap.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.testing.FakeGrafana;
import dev.obsbootstrap.core.testing.FakeOtelCollector;
import dev.obsbootstrap.core.testing.FakeTempo;
import dev.obsbootstrap.core.testing.GrafanaBehindAService;
import dev.obsbootstrap.core.testing.PortForwardingApiServer;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.RecordingConsole;
import dev.obsbootstrap.core.testing.TestConfigs;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ClusterProbeContext against a fake API server that proxies (service and pod proxy) and port-forwards to fakes:
 * Grafana through a port-forward (basic auth cannot pass the proxy), the collector through the service proxy.
 */
@Timeout(60)
class ClusterProbeContextTest {
    private static final String NS = TestConfigs.NAMESPACE;
    private static final SecretCredentials ADMIN_SECRET =
            new SecretCredentials("obs-grafana-admin", "admin-user", "admin-password");

    private static final Map<String, String> COLLECTOR_LABELS =
            Map.of("app.kubernetes.io/name", "opentelemetry-collector");
    private final FakeGrafana grafana =
            new FakeGrafana("admin", "from-the-secret-42").datasource("obs-prometheus", "Prometheus");
    private final FakeTempo tempo = new FakeTempo();
    private final FakeOtelCollector collectorA = new FakeOtelCollector(tempo);
    private final FakeOtelCollector collectorB = new FakeOtelCollector(tempo);
    private final PortForwardingApiServer api = new PortForwardingApiServer();
    private final KubernetesClient client = api.client();
    private final BootstrapConfig config =
            TestConfigs.builder().probeDeadline(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        client.close();
        api.close();
        grafana.close();
        collectorA.close();
        collectorB.close();
        tempo.close();
    }

    /** The collector as its chart renders it by default: listeners on ${env:MY_POD_IP} only. */
    private void collectorService(String... pods) {
        collectorService(true, pods);
    }

    private void collectorService(boolean podIpOnly, String... pods) {
        api.put(new ServiceBuilder()
                .withNewMetadata()
                .withName("obs-otel-collector")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withSelector(COLLECTOR_LABELS)
                .addNewPort()
                .withName("health")
                .withPort(13133)
                .withTargetPort(new IntOrString(13133))
                .endPort()
                .addNewPort()
                .withName("otlp-http")
                .withPort(4318)
                .withTargetPort(new IntOrString("otlp-http"))
                .endPort()
                .endSpec()
                .build());
        FakeOtelCollector[] backends = {collectorA, collectorB};
        for (int i = 0; i < pods.length; i++) {
            api.put(new PodBuilder()
                    .withNewMetadata()
                    .withName(pods[i])
                    .withNamespace(NS)
                    .withLabels(COLLECTOR_LABELS)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("opentelemetry-collector")
                    .addNewPort()
                    .withName("otlp-http")
                    .withContainerPort(4318)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .endCondition()
                    .endStatus()
                    .build());
            api.forward(NS, pods[i], 13133, backends[i].healthUrl()).forward(NS, pods[i], 4318, backends[i].otlpUrl());
            if (podIpOnly) {
                api.boundToPodIpOnly(NS, pods[i], 13133).boundToPodIpOnly(NS, pods[i], 4318);
            }
        }
    }

    private static HttpReadyProbe collectorHealth() {
        return new HttpReadyProbe(
                "otel-collector-health",
                "health",
                Duration.ofSeconds(3),
                "otel-collector-health",
                "/",
                "OpenTelemetry Collector",
                "");
    }

    private void grafanaService() {
        api.put(GrafanaBehindAService.service(NS));
    }

    private static Pod grafanaPod(String name, boolean ready) {
        return GrafanaBehindAService.pod(NS, name, ready);
    }

    private void adminSecret() {
        api.put(new SecretBuilder()
                .withNewMetadata()
                .withName("obs-grafana-admin")
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("admin-user", b64("admin"), "admin-password", b64("from-the-secret-42")))
                .build());
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private ClusterProbeContext context() {
        return ClusterProbeContext.builder(config, TestConfigs.topology(config), client)
                .credentials("grafana", ADMIN_SECRET)
                .build();
    }

    private static Probe datasourceProbe() {
        return new AuthenticatedGetProbe("grafana-datasource-prometheus", Duration.ofSeconds(5));
    }

    /**
     * An endpoint that needs basic auth: GET a datasource's health with the credentials the context hands out, pass
     * on 200. (The real Grafana probes live in stack-metrics; this one only exercises the context.)
     */
    private record AuthenticatedGetProbe(String name, Duration deadline) implements Probe {
        @Override
        public String proves() {
            return "the context reaches an endpoint that needs basic auth";
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
            ProbeContext.BasicCredentials login = context.credentials("grafana").orElseThrow();
            HttpReply reply = ProbeHttp.get(
                    context,
                    ProbeHttp.url(context, "grafana", "/api/datasources/uid/obs-prometheus/health"),
                    okhttp3.Headers.of("Authorization", okhttp3.Credentials.basic(login.username(), login.password())));
            return reply.is(200)
                    ? ProbeAttempt.pass("health: " + reply.body())
                    : ProbeAttempt.fail(reply.describe(), "");
        }
    }

    @Test
    void probesGrafanaThroughAPortForwardWithCredentialsFromTheSecret() throws Exception {
        grafanaService();
        api.put(grafanaPod("obs-grafana-0", false)).put(grafanaPod("obs-grafana-1", true));
        api.forward(NS, "obs-grafana-1", 3000, grafana.url());
        adminSecret();

        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .run("metrics", List.of(datasourceProbe()), context)
                    .get(0);

            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(context.endpoint("grafana").host()).isEqualTo("127.0.0.1");
            assertThat(context.kubernetes()).isPresent();
            assertThat(context.describeCredentials("grafana"))
                    .isEqualTo("Secret monitoring/obs-grafana-admin (keys admin-user, admin-password)");
            assertThat(context.redact("password from-the-secret-42")).isEqualTo("password <redacted>");
            // basic auth cannot pass the API server's proxy (it strips Authorization): the report says why this one is
            // forwarded
            assertThat(result.evidence().facts().get("route.grafana"))
                    .startsWith("port-forward to a ready pod of Service monitoring/obs-grafana:80")
                    .contains("drops the Authorization header");
        }
        // the ready pod, the named targetPort resolved to the container port
        assertThat(api.requestLines())
                .contains("GET /api/v1/namespaces/monitoring/pods/obs-grafana-1/portforward?ports=3000");
        assertThat(grafana.requestLines()).contains("GET /api/datasources/uid/obs-prometheus/health");
    }

    @Test
    void reachesAListenerBoundToThePodIpThroughTheServiceProxyWhereAPortForwardIsRefused() throws Exception {
        collectorService("obs-otel-collector-0");

        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .run("traces", List.of(collectorHealth()), context)
                    .get(0);

            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(context.endpoint("otel-collector-health").toString())
                    .endsWith("/api/v1/namespaces/monitoring/services/obs-otel-collector:13133/proxy/");
            assertThat(result.evidence().facts())
                    .containsEntry(
                            "route.otel-collector-health",
                            "service proxy of the API server to Service monitoring/obs-otel-collector:13133");
        }
        assertThat(api.requestLines())
                .contains("GET /api/v1/namespaces/monitoring/services/obs-otel-collector:13133/proxy/")
                .noneMatch(line -> line.contains("portforward"));
    }

    @Test
    void whereRbacRefusesTheProxyItFallsBackToAPortForwardAndSaysWhy() throws Exception {
        collectorService("obs-otel-collector-0");
        api.forbidProxy(true);

        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .poll("traces", collectorHealth(), context, new RecordingConsole());

            // the chart's default binding (pod IP only) cannot be reached by a port-forward: the fallback fails, saying
            // so
            assertThat(result.passed()).isFalse();
            assertThat(context.route("otel-collector-health"))
                    .startsWith("port-forward to a ready pod of Service monitoring/obs-otel-collector:13133")
                    .contains("the API server refused the service proxy")
                    .contains("services/proxy");
        }
        assertThat(api.requestLines())
                .anyMatch(line -> line.contains("/pods/obs-otel-collector-0/portforward?ports=13133"));
    }

    @Test
    void theFallbackWorksForListenersOnAllInterfaces() throws Exception {
        // as the values templates render the collector: 0.0.0.0, reachable from localhost in the pod
        collectorService(false, "obs-otel-collector-0");
        api.forbidProxy(true);

        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .run("traces", List.of(collectorHealth()), context)
                    .get(0);

            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(result.evidence().facts().get("route.otel-collector-health"))
                    .startsWith("port-forward");
        }
    }

    @Test
    void whereAPolicyDropsTheControlPlanesConnectionsItFallsBackToAPortForwardAndSaysWhy() throws Exception {
        // prod's NetworkPolicies without apiServerCidrs on a multi-node cluster: the proxy's dial times out
        collectorService(false, "obs-otel-collector-0");
        api.dropsControlPlaneConnections(NS, "obs-otel-collector-0", 13133);

        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .run("traces", List.of(collectorHealth()), context)
                    .get(0);

            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(result.evidence().facts().get("route.otel-collector-health"))
                    .startsWith("port-forward to a ready pod of Service monitoring/obs-otel-collector:13133")
                    .contains("could not reach the pod", "i/o timeout");
        }
    }

    @Test
    void aRefusedConnectionIsNoReasonToTryAPortForward() throws Exception {
        // a server that does not listen where in-cluster clients connect must fail, not pass through localhost
        collectorService(false, "obs-otel-collector-0");
        api.stopListening(NS, "obs-otel-collector-0", 13133);

        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .poll("traces", collectorHealth(), context, new RecordingConsole());

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved() + result.lastError()).contains("connection refused");
            assertThat(context.route("otel-collector-health")).startsWith("service proxy");
        }
        assertThat(api.requestLines()).noneMatch(line -> line.contains("portforward"));
    }

    @Test
    void replicasAreEveryReadyPodThroughThePodProxy() throws Exception {
        collectorService("obs-otel-collector-a", "obs-otel-collector-b");
        collectorB.healthy(false);

        try (ClusterProbeContext context = context()) {
            List<ProbeContext.Replica> replicas = context.replicas("otel-collector-health");

            assertThat(replicas)
                    .extracting(ProbeContext.Replica::name)
                    .containsExactly("obs-otel-collector-a", "obs-otel-collector-b");
            assertThat(replicas.get(1).url().toString())
                    .endsWith("/api/v1/namespaces/monitoring/pods/obs-otel-collector-b:13133/proxy/");
            assertThat(ProbeHttp.get(context, replicas.get(0).url()).code()).isEqualTo(200);
            assertThat(ProbeHttp.get(context, replicas.get(1).url()).code()).isEqualTo(503);
        }
    }

    @Test
    void aProbeOfEveryReplicaFailsNamingTheBrokenOneThatTheServiceWouldRouteAround() throws Exception {
        collectorService("obs-otel-collector-a", "obs-otel-collector-b");
        collectorB.healthy(false);

        try (ClusterProbeContext context = context()) {
            ProbeResult viaService = ProbeTesting.runner(new RecordingConsole())
                    .poll("traces", collectorHealth(), context, new RecordingConsole());
            ProbeResult everyReplica = ProbeTesting.runner(new RecordingConsole())
                    .poll("traces", collectorHealth().everyReplica(), context, new RecordingConsole());

            assertThat(viaService.passed())
                    .as("through the Service, one healthy replica is enough")
                    .isTrue();
            assertThat(everyReplica.passed()).isFalse();
            assertThat(everyReplica.lastObserved())
                    .startsWith("OpenTelemetry Collector replica obs-otel-collector-b is not ready")
                    .contains("(ready: obs-otel-collector-a)");
            assertThat(everyReplica.evidence().facts().get("route.otel-collector-health"))
                    .endsWith("every ready pod through the pod proxy");
        }
    }

    @Test
    void postsGoThroughThePodProxyWithTheirBodyAndContentType() throws Exception {
        collectorService("obs-otel-collector-a", "obs-otel-collector-b");
        String traceId = RunIds.hex(16);
        String span = "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId
                + "\",\"spanId\":\"" + RunIds.hex(8) + "\",\"name\":\"s\",\"kind\":1}]}]}]}";

        try (ClusterProbeContext context = context()) {
            ProbeContext.Replica second = context.replicas("otel-collector").get(1);
            HttpReply reply = ProbeHttp.postJson(
                    context, ProbeHttp.resolve(second.url(), "/v1/traces"), span, okhttp3.Headers.EMPTY);

            assertThat(reply.code()).as(reply.describe()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("{\"partialSuccess\":{}}");
        }
        assertThat(tempo.hasTrace(traceId)).isTrue();
        assertThat(collectorB.requestLines()).containsExactly("POST /v1/traces");
        assertThat(collectorA.requestLines()).isEmpty();
    }

    @Test
    void aServiceWithoutReadyEndpointsIsAnUnansweredRequestWithTheApiServersMessage() throws Exception {
        collectorService();

        try (ClusterProbeContext context = context()) {
            HttpReply reply = ProbeHttp.get(context, context.endpoint("otel-collector-health"));

            assertThat(reply.answered()).isFalse();
            assertThat(reply.transportError())
                    .isEqualTo("API server proxy: no endpoints available for service \"obs-otel-collector\"");
        }
    }

    @Test
    void theProxyCarriesTheBackendsDateHeaderForServerTime() throws Exception {
        collectorService("obs-otel-collector-0");

        try (ClusterProbeContext context = context()) {
            HttpReply reply = ProbeHttp.get(context, context.endpoint("otel-collector-health"));

            assertThat(reply.serverTime()).isPresent();
        }
    }

    @Test
    void aReplicaReachedByPortForwardKeepsItsForwardAcrossTries() throws Exception {
        grafanaService();
        api.put(grafanaPod("obs-grafana-1", true)).forward(NS, "obs-grafana-1", 3000, grafana.url());
        adminSecret();

        try (ClusterProbeContext context = context()) {
            int first = context.replicas("grafana").get(0).url().port();
            int second = context.replicas("grafana").get(0).url().port();

            assertThat(second).as("the same forward, not a new one per try").isEqualTo(first);
        }
    }

    @Test
    void closingTheContextClosesItsPortForwards() throws Exception {
        grafanaService();
        api.put(grafanaPod("obs-grafana-1", true)).forward(NS, "obs-grafana-1", 3000, grafana.url());
        int localPort;
        try (ClusterProbeContext context = context()) {
            localPort = context.endpoint("grafana").port();
            assertThat(context.endpoint("grafana").port())
                    .as("the forward stays open for the run")
                    .isEqualTo(localPort);
            new Socket("127.0.0.1", localPort).close();
        }
        // fabric8 stops its listener asynchronously: the port closes shortly after close() returns
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThatThrownBy(() -> new Socket("127.0.0.1", localPort).close())
                        .isInstanceOf(IOException.class));
    }

    @Test
    void noReadyPodIsAClusterErrorTheProbeRetriesUntilAPodTurnsReady() throws Exception {
        grafanaService();
        adminSecret();
        api.put(grafanaPod("obs-grafana-0", false)).forward(NS, "obs-grafana-0", 3000, grafana.url());

        try (ClusterProbeContext context = context()) {
            assertThatThrownBy(() -> context.endpoint("grafana"))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining("no ready pod behind Service monitoring/obs-grafana")
                    .hasMessageContaining("obs-grafana-0 Running not ready");

            ProbeResult failed = ProbeTesting.runner(new RecordingConsole())
                    .poll(
                            "metrics",
                            new AuthenticatedGetProbe("ds", Duration.ofMillis(500)),
                            context,
                            new RecordingConsole());
            assertThat(failed.passed()).isFalse();
            assertThat(failed.lastError())
                    .startsWith("ClusterException: no ready pod behind Service monitoring/obs-grafana");

            api.put(grafanaPod("obs-grafana-0", true));
            ProbeResult passed = ProbeTesting.runner(new RecordingConsole())
                    .run("metrics", List.of(datasourceProbe()), context)
                    .get(0);
            assertThat(passed.passed()).as(passed.toString()).isTrue();
        }
    }

    @Test
    void aMissingServiceSaysWhichReleaseToCheck() {
        try (ClusterProbeContext context = context()) {
            assertThatThrownBy(() -> context.endpoint("loki"))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining(
                            "Service monitoring/obs-loki-gateway does not exist (endpoint 'loki' of loki)");
        }
    }

    @Test
    void aProbeOfAMissingServiceFailsAtOnceInsteadOfRetryingUntilItsDeadline() throws Exception {
        try (ClusterProbeContext context = context()) {
            ProbeResult result = ProbeTesting.runner(new RecordingConsole())
                    .run("logs", List.of(new EndpointProbe("loki-ready", Duration.ofMinutes(5))), context)
                    .get(0);

            assertThat(result.passed()).isFalse();
            assertThat(result.attempts()).isEqualTo(1);
            assertThat(result.duration()).isLessThan(Duration.ofMinutes(1));
            assertThat(result.lastObserved() + result.lastError() + result.hint())
                    .contains("Service monitoring/obs-loki-gateway does not exist");
        }
    }

    /** A probe that needs only its endpoint's URL: it fails the way the endpoint lookup fails. */
    private record EndpointProbe(String name, Duration deadline) implements Probe {
        @Override
        public String proves() {
            return "the endpoint resolves";
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) {
            return ProbeAttempt.pass("at " + context.endpoint("loki"));
        }
    }

    @Test
    void anEndpointTheCatalogDoesNotKnowIsTerminal() {
        try (ClusterProbeContext context = context()) {
            assertThatThrownBy(() -> context.endpoint("jaeger"))
                    .isInstanceOf(TerminalProbeFailure.class)
                    .hasMessageContaining("unknown endpoint 'jaeger'");
        }
    }

    @Test
    void explicitOverridesWinOverPortForwards() {
        HttpUrl override = HttpUrl.get("https://grafana.example.com/");
        try (ClusterProbeContext context = ClusterProbeContext.builder(config, TestConfigs.topology(config), client)
                .endpointOverrides(Map.of("grafana", override))
                .build()) {
            assertThat(context.endpoint("grafana")).isEqualTo(override);
        }
        assertThat(api.requestLines()).isEmpty();
    }

    @Test
    void credentialProblemsNameTheSecretAndKey() {
        try (ClusterProbeContext context = context()) {
            assertThatThrownBy(() -> context.credentials("grafana"))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining(
                            "Secret monitoring/obs-grafana-admin with the grafana credentials does not exist");
            assertThat(context.credentials("loki")).isEmpty();
        }
        api.put(new SecretBuilder()
                .withNewMetadata()
                .withName("obs-grafana-admin")
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("admin-user", b64("admin")))
                .build());
        try (ClusterProbeContext context = context()) {
            assertThatThrownBy(() -> context.credentials("grafana"))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining("has no key 'admin-password' (keys: [admin-user])");
        }
    }
}
