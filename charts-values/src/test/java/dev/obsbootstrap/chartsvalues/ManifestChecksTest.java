package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks RealChartsCompatibilityTest relies on, each shown catching what it is meant to catch. */
class ManifestChecksTest {

    @Test
    void imagesNeedATagThatIsNotLatestOrADigest() {
        assertThat(ManifestChecks.isPinned("quay.io/prometheus/prometheus:v3.14.0"))
                .isTrue();
        assertThat(ManifestChecks.isPinned("quay.io/x/reloader:v0.91.0@sha256:7d9e"))
                .isTrue();
        assertThat(ManifestChecks.isPinned("busybox@sha256:7d9e")).isTrue();
        assertThat(ManifestChecks.isPinned("busybox")).isFalse();
        assertThat(ManifestChecks.isPinned("grafana/loki-helm-test:latest")).isFalse();
        assertThat(ManifestChecks.isPinned("localhost:5000/tool")).isFalse();
        assertThat(ManifestChecks.isPinned("docker.io/grafana/loki:")).isFalse();
    }

    @Test
    void unpinnedImagesAreFoundInPodsAndCustomResources() {
        List<Map<String, Object>> objects = parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: app, image: "nginx:1.27"}
                        - {name: helper, image: busybox}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: Prometheus
                metadata: {name: p}
                spec: {image: "quay.io/prometheus/prometheus:latest"}
                """);

        assertThat(ManifestChecks.unpinnedImages(objects))
                .containsExactly(
                        "Deployment/web .spec.template.spec.containers[1].image: image 'busybox' has no pinned tag",
                        "Prometheus/p .spec.image: image 'quay.io/prometheus/prometheus:latest' has no pinned tag");
    }

    @Test
    void everyContainerNeedsAMemoryRequestAndLimit() {
        List<Map<String, Object>> objects = parse("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  template:
                    spec:
                      initContainers:
                        - {name: init, image: "x:1"}
                      containers:
                        - name: db
                          image: "x:1"
                          resources: {requests: {memory: 64Mi}, limits: {memory: 128Mi}}
                        - name: sidecar
                          image: "x:1"
                          resources: {requests: {memory: 16Mi}}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: Prometheus
                metadata: {name: p}
                spec: {resources: {limits: {memory: 1Gi}}}
                """);

        assertThat(ManifestChecks.missingMemory(objects))
                .containsExactly(
                        "StatefulSet/db initContainers/init: no memory request",
                        "StatefulSet/db initContainers/init: no memory limit",
                        "StatefulSet/db containers/sidecar: no memory limit",
                        "Prometheus/p spec: no memory request");
    }

    @Test
    void secretsMayCarryConfigurationButNoCredential() {
        String config = base64("clients:\n  - url: http://loki:3100/loki/api/v1/push\n    tenant_id: obs\n");
        String slack =
                base64("receivers:\n- slack_configs:\n  - api_url: https://hooks.slack.com/services/T000/B000/XXXX\n");
        List<Map<String, Object>> objects = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: promtail}
                data: {promtail.yaml: %s}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: grafana}
                stringData: {admin-password: hunter2}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: am}
                data: {alertmanager.yml: %s}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: loki}
                data: {config.yaml: "secret_access_key: AKIAABCDEFGHIJKLMNOP"}
                """.formatted(config, slack));

        assertThat(ManifestChecks.credentialsInSecrets(objects))
                .hasSize(2)
                .anyMatch(problem -> problem.startsWith("Secret/grafana key admin-password holds a credential"))
                .anyMatch(problem -> problem.startsWith(
                        "Secret/am key alertmanager.yml contains something that looks like a credential"));
    }

    @Test
    void placeholdersForEnvironmentExpansionAreNotCredentials() {
        List<Map<String, Object>> objects = parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: loki}
                stringData: {config.yaml: "secret_access_key: ${AWS_SECRET_ACCESS_KEY}"}
                """);

        assertThat(ManifestChecks.credentialsInSecrets(objects)).isEmpty();
    }

    @Test
    void helmHooksAreReported() {
        List<Map<String, Object>> objects = parse("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: test-connection
                  annotations: {helm.sh/hook: test, helm.sh/hook-delete-policy: hook-succeeded}
                """);

        assertThat(ManifestChecks.helmHooks(objects))
                .containsExactly(
                        "Pod/test-connection is a Helm hook (helm.sh/hook: test)",
                        "Pod/test-connection is a Helm hook (helm.sh/hook-delete-policy: hook-succeeded)");
    }

    @Test
    void anEndpointNeedsItsServiceAndPort() {
        List<Map<String, Object>> objects = parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: obs-loki-gateway}
                spec: {ports: [{name: http, port: 80}]}
                """);

        assertThat(ManifestChecks.missingService(objects, "obs-loki-gateway", 3100))
                .containsExactly("Service/obs-loki-gateway does not expose port 3100");
        assertThat(ManifestChecks.missingService(objects, "obs-loki", 3100))
                .containsExactly("no Service named obs-loki");
        assertThat(ManifestChecks.missingService(objects, "obs-loki-gateway", 80))
                .isEmpty();
    }

    @Test
    void aChartBumpWithoutATagBumpIsCaught() {
        List<Map<String, Object>> objects = parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: loki}
                spec: {template: {spec: {containers: [{name: loki, image: "docker.io/grafana/loki:3.7.6"}]}}}
                """);

        assertThat(ManifestChecks.appVersionNotDeployed(objects, "3.7.6")).isEmpty();
        assertThat(ManifestChecks.appVersionNotDeployed(objects, "v3.7.6")).isEmpty();
        assertThat(ManifestChecks.appVersionNotDeployed(objects, "3.8.0"))
                .singleElement()
                .asString()
                .contains("appVersion 3.8.0");
    }

    @Test
    void documentsThatAreNotObjectsAreProblems() {
        List<String> problems = new ArrayList<>();

        List<Map<String, Object>> objects = ManifestChecks.parse("---\n- a\n---\nkind: Thing\n---\n", problems);

        assertThat(objects).isEmpty();
        assertThat(problems)
                .containsExactly("document 1 is not a mapping", "document 2 has no apiVersion, kind and metadata.name");
    }

    private static List<Map<String, Object>> parse(String manifests) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> objects = ManifestChecks.parse(manifests, problems);
        assertThat(problems).isEmpty();
        return objects;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
