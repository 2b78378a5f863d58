package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StaticChecksTest {
    static final String FILE = "02-logs/obs-loki.manifests.yaml";

    private static List<Finding> check(boolean requireMemory, String manifests, SecretValue... secrets) {
        return new StaticChecks("ci", requireMemory, List.of(secrets))
                .withOperatorResources(
                        List.of("monitoring.coreos.com/Prometheus", "monitoring.coreos.com/Alertmanager"))
                .checkManifests(FILE, "observability", manifests);
    }

    private static String statefulSet(String image, String resources) {
        return """
                ---
                # Source: loki/templates/statefulset.yaml
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: obs-loki
                spec:
                  template:
                    spec:
                      containers:
                        - name: loki
                          image: %s
                %s
                """.formatted(image, resources.indent(10).stripTrailing());
    }

    private static final String MEMORY = """
            resources:
              requests: {cpu: 100m, memory: 256Mi}
              limits: {memory: 512Mi}
            """;

    @Nested
    class KubernetesObjects {
        @Test
        void aCompleteObjectPasses() {
            assertThat(check(false, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: obs-loki\ndata: {a: b}\n"))
                    .isEmpty();
        }

        @Test
        void emptyDocumentsAndCommentsAreNotObjectsAndNotFindings() {
            assertThat(
                            check(
                                    false,
                                    "---\n# Source: x/templates/empty.yaml\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"))
                    .isEmpty();
        }

        @Test
        void aDocumentWithoutNameOrKindIsNamedByPositionAndTemplate() {
            List<Finding> findings = check(false, """
                    ---
                    # Source: loki/templates/configmap.yaml
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      labels: {a: b}
                    ---
                    # Source: loki/templates/broken.yaml
                    apiVersion: v1
                    metadata: {name: x}
                    """);

            assertThat(findings)
                    .extracting(Finding::toString)
                    .containsExactly(
                            FILE
                                    + ": document 1 (loki/templates/configmap.yaml): is not a Kubernetes object: no metadata.name",
                            FILE + ": document 2 (loki/templates/broken.yaml): is not a Kubernetes object: no kind");
        }

        @Test
        void aScalarOrUnparseableDocumentIsAFinding() {
            assertThat(check(false, "just text\n---\nkey: [unclosed\n"))
                    .extracting(Finding::message)
                    .satisfiesExactly(
                            first -> assertThat(first).isEqualTo("is not a Kubernetes object (not a YAML mapping)"),
                            second -> assertThat(second).startsWith("is not valid YAML"));
        }

        @Test
        void theItemsOfAListAreCheckedOneByOne() {
            List<Finding> findings = check(false, """
                    apiVersion: v1
                    kind: List
                    items:
                      - apiVersion: v1
                        kind: Pod
                        metadata: {name: good, namespace: monitoring}
                        spec: {containers: [{name: app, image: "busybox:1.36"}]}
                      - apiVersion: v1
                        kind: Pod
                        metadata: {name: bad, namespace: monitoring}
                        spec: {containers: [{name: app, image: busybox}]}
                    """);

            assertThat(findings).extracting(Finding::subject).containsExactly("Pod monitoring/bad container 'app'");
        }
    }

    @Nested
    class Images {
        @Test
        void tagsAndDigestsArePinned() {
            assertThat(StaticChecks.imageProblem("docker.io/grafana/loki:3.7.6"))
                    .isEmpty();
            assertThat(StaticChecks.imageProblem("registry.local:5000/loki:3.7.6"))
                    .isEmpty();
            assertThat(StaticChecks.imageProblem("grafana/loki@sha256:0123abcd"))
                    .isEmpty();
            assertThat(StaticChecks.imageProblem("grafana/loki:3.7.6@sha256:0123abcd"))
                    .isEmpty();
            assertThat(check(false, statefulSet("docker.io/grafana/loki:3.7.6", "")))
                    .isEmpty();
        }

        @Test
        void noTagLatestAndEmptyTagsAreFindingsNamingTheContainer() {
            assertThat(check(false, statefulSet("grafana/loki", "")))
                    .extracting(Finding::toString)
                    .containsExactly(
                            FILE
                                    + ": StatefulSet observability/obs-loki container 'loki': image 'grafana/loki' has no tag, so the node pulls whatever 'latest' is: pin a version");
            assertThat(check(false, statefulSet("registry.local:5000/loki", "")))
                    .extracting(Finding::message)
                    .containsExactly(
                            "image 'registry.local:5000/loki' has no tag, so the node pulls whatever 'latest' is: pin a version");
            assertThat(check(false, statefulSet("grafana/loki:latest", "")))
                    .extracting(Finding::message)
                    .containsExactly("image 'grafana/loki:latest' uses the moving tag 'latest': pin a version");
            assertThat(check(false, statefulSet("\"grafana/loki:\"", "")))
                    .extracting(Finding::message)
                    .containsExactly("image 'grafana/loki:' has an empty tag: the chart's tag value is missing");
            assertThat(check(false, statefulSet("\"\"", "")))
                    .extracting(Finding::message)
                    .containsExactly("has no image");
        }

        @Test
        void initContainersCronJobsAndOperatorResourcesAreCheckedToo() {
            List<Finding> findings = check(false, """
                    apiVersion: batch/v1
                    kind: CronJob
                    metadata: {name: compactor}
                    spec:
                      jobTemplate:
                        spec:
                          template:
                            spec:
                              initContainers: [{name: wait, image: "busybox:latest"}]
                              containers: [{name: run, image: "grafana/loki:3.7.6"}]
                    ---
                    apiVersion: monitoring.coreos.com/v1
                    kind: Prometheus
                    metadata: {name: obs-prometheus, namespace: observability}
                    spec: {image: quay.io/prometheus/prometheus}
                    """);

            assertThat(findings)
                    .extracting(Finding::subject)
                    .containsExactly(
                            "CronJob observability/compactor init container 'wait'",
                            "Prometheus observability/obs-prometheus");
        }
    }

    @Nested
    class Memory {
        @Test
        void requestsAndLimitsOnEveryContainerPass() {
            assertThat(check(true, statefulSet("grafana/loki:3.7.6", MEMORY))).isEmpty();
        }

        @Test
        void aMissingRequestOrLimitIsAFindingWhenTheProfileRequiresThem() {
            assertThat(check(true, statefulSet("grafana/loki:3.7.6", "")))
                    .extracting(Finding::toString)
                    .containsExactly(
                            FILE
                                    + ": StatefulSet observability/obs-loki container 'loki': no memory request and no memory limit (profile ci requires both on every container)");
            assertThat(check(true, statefulSet("grafana/loki:3.7.6", "resources: {requests: {memory: 1Gi}}")))
                    .extracting(Finding::message)
                    .containsExactly("no memory limit (profile ci requires both on every container)");
            assertThat(check(
                            true,
                            statefulSet(
                                    "grafana/loki:3.7.6", "resources: {limits: {memory: 1Gi}, requests: {cpu: 1}}")))
                    .extracting(Finding::message)
                    .containsExactly("no memory request (profile ci requires both on every container)");
        }

        @Test
        void aProfileThatDoesNotRequireThemIsNotChecked() {
            assertThat(check(false, statefulSet("grafana/loki:3.7.6", ""))).isEmpty();
        }

        @Test
        void operatorResourcesNeedMemoryToo() {
            String prometheus = """
                    apiVersion: monitoring.coreos.com/v1
                    kind: Prometheus
                    metadata: {name: obs-prometheus}
                    spec:
                      version: v3.5.0
                    """;

            assertThat(check(true, prometheus))
                    .extracting(Finding::subject)
                    .containsExactly("Prometheus observability/obs-prometheus");
            assertThat(check(true, prometheus + "  resources: {requests: {memory: 400Mi}, limits: {memory: 1Gi}}\n"))
                    .isEmpty();
        }
    }

    @Nested
    class Secrets {
        @Test
        void aSecretWithDataIsAFindingThatNamesKeysButNoValues() {
            List<Finding> findings = check(false, """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: obs-grafana, namespace: observability}
                    data: {admin-password: c2VjcmV0LXZhbHVl}
                    stringData: {ldap-toml: "bind_password = 'hunter22'"}
                    """);

            assertThat(findings)
                    .extracting(Finding::toString)
                    .containsExactly(
                            FILE
                                    + ": Secret observability/obs-grafana: carries secret data in the bundle (keys admin-password, ldap-toml); have the chart use an existing Secret created outside the bundle instead");
            assertThat(findings.toString()).doesNotContain("c2VjcmV0LXZhbHVl").doesNotContain("hunter22");
        }

        @Test
        void aSecretWithoutDataPasses() {
            assertThat(check(false, "apiVersion: v1\nkind: Secret\nmetadata: {name: empty}\ntype: Opaque\ndata: {}\n"))
                    .isEmpty();
        }

        @Test
        void aKnownSecretValueAnywhereInTheTextIsAFindingWithoutTheValue() {
            SecretValue webhook =
                    new SecretValue("env:SLACK_WEBHOOK_URL", "https://hooks.slack.example/T000/B000/XXXX");
            String manifests =
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: am}\ndata:\n  url: https://hooks.slack.example/T000/B000/XXXX\n";

            List<Finding> findings = check(false, manifests, webhook);

            assertThat(findings)
                    .extracting(Finding::toString)
                    .containsExactly(
                            FILE
                                    + ": contains the value of env:SLACK_WEBHOOK_URL; a secret must reach the cluster through a Secret reference, never inline");
            assertThat(webhook.toString()).doesNotContain("hooks.slack");
            assertThat(check(false, manifests.replace("XXXX", "YYYY"), webhook)).isEmpty();
        }

        @Test
        void veryShortValuesAreNotSearched() {
            assertThat(check(
                            false,
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: abc}\n",
                            new SecretValue("env:X", "abc")))
                    .isEmpty();
        }
    }
}
