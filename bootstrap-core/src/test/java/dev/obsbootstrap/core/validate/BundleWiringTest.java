package dev.obsbootstrap.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.Capacity;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.secret.StackSecret;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BundleWiringTest {
    private static final String NS = "observability";
    private static final String PROMETHEUS = "monitoring.coreos.com/Prometheus";

    private static final String SERVICES = """
            apiVersion: v1
            kind: Service
            metadata: {name: obs-store}
            spec:
              ports:
                - {name: http, port: 3100, targetPort: http}
                - {name: grpc, port: 9095, targetPort: grpc}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: obs-store-headless}
            spec:
              clusterIP: None
              ports:
                - {name: grpc, port: 9095, targetPort: 9095}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: obs-web}
            spec:
              ports:
                - {name: http, port: 80, targetPort: 8080}
            """;

    private static List<Finding> wiring(String manifests, List<StackSecret> declared, Capacity capacity) {
        return new BundleWiring(
                        "ci",
                        capacity,
                        declared,
                        List.of(PROMETHEUS),
                        Map.of(
                                PROMETHEUS,
                                Map.of("requests", Map.of("memory", "24Mi"), "limits", Map.of("memory", "48Mi"))))
                .check(List.of(
                        new ManifestFile("01-metrics/obs-store.manifests.yaml", NS, SERVICES),
                        new ManifestFile("02-logs/obs-agent.manifests.yaml", NS, manifests)))
                .findings();
    }

    private static List<Finding> wiring(String manifests) {
        return wiring(manifests, List.of(), Capacity.UNSTATED);
    }

    private static String configMap(String config) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: obs-agent}
                data:
                  config.yaml: |
                %s""".formatted(config.indent(4));
    }

    @Nested
    class InClusterAddresses {
        @Test
        void addressesOfRenderedServicesAndTheirPortsPass() {
            assertThat(wiring(configMap("""
                            push: http://obs-store.observability.svc:3100/push
                            query: obs-store.observability.svc.cluster.local:9095
                            peers: dns+obs-store-headless.observability.svc.cluster.local:9095
                            pod: obs-store-0.obs-store-headless.observability.svc:9095
                            srv: dnssrvnoa+_grpc._tcp.obs-store.observability.svc.cluster.local
                            web: http://obs-web.observability.svc/api
                            members: obs-store-headless.observability.svc.cluster.local
                            """))).isEmpty();
        }

        @Test
        void aServiceNoReleaseCreatesIsAnError() {
            List<Finding> findings = wiring(configMap("push: http://obs-stroe.observability.svc:3100/push\n"));

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.isError()).isTrue();
                assertThat(finding.rule()).isEqualTo("service-reference");
                assertThat(finding.file()).isEqualTo("02-logs/obs-agent.manifests.yaml");
                assertThat(finding.line()).isGreaterThan(0);
                assertThat(finding.toString())
                        .contains("ConfigMap observability/obs-agent")
                        .contains("data.config\\.yaml at push")
                        .contains("names Service observability/obs-stroe, which no release of the bundle creates");
            });
        }

        @Test
        void aPortTheServiceDoesNotHaveIsAnErrorNamingItsPorts() {
            assertThat(wiring(configMap("push: obs-store.observability.svc.cluster.local:3101\n")))
                    .singleElement()
                    .satisfies(
                            finding -> assertThat(finding.message())
                                    .contains(
                                            "uses port 3101 of Service observability/obs-store, which has ports 3100 (http), 9095 (grpc)"));
        }

        @Test
        void anHttpUrlWithoutAPortMeansPort80() {
            assertThat(wiring(configMap("url: http://obs-store.observability.svc/push\n")))
                    .singleElement()
                    .satisfies(finding -> assertThat(finding.message()).contains("uses port 80 (the http default)"));
        }

        @Test
        void anSrvNameMustNameAPortOfTheService() {
            assertThat(wiring(
                            configMap("srv: dnssrvnoa+_http-metrics._tcp.obs-store.observability.svc.cluster.local\n")))
                    .singleElement()
                    .satisfies(finding ->
                            assertThat(finding.message()).contains("asks DNS for port 'http-metrics' (tcp)"));
        }

        @Test
        void addressesInArgumentsAreCheckedToo() {
            assertThat(wiring("""
                            apiVersion: apps/v1
                            kind: Deployment
                            metadata: {name: obs-agent}
                            spec:
                              template:
                                spec:
                                  containers:
                                    - name: agent
                                      args: ["--push=http://obs-store.observability.svc:3200"]
                            """))
                    .extracting(Finding::message)
                    .singleElement()
                    .asString()
                    .startsWith(
                            "spec.template.spec.containers[0].args[0]: 'obs-store.observability.svc:3200' uses port 3200");
        }

        @Test
        void theClustersOwnNamespacesAndDisabledSectionsAreNotJudged() {
            assertThat(wiring(configMap("""
                            resolver: kube-dns.kube-system.svc.cluster.local.
                            api: https://kubernetes.default.svc:443
                            bloom:
                              enabled: false
                              address: obs-store-bloom.observability.svc.cluster.local:9095
                            """))).isEmpty();
        }

        @Test
        void aStatefulSetsGoverningServiceMustExist() {
            assertThat(wiring("""
                            apiVersion: apps/v1
                            kind: StatefulSet
                            metadata: {name: obs-traces}
                            spec:
                              serviceName: obs-traces-headless
                              template: {spec: {containers: [{name: t}]}}
                            """)).singleElement().satisfies(finding -> {
                assertThat(finding.isError()).isFalse();
                assertThat(finding.message()).contains("no Service 'obs-traces-headless'");
            });
        }

        private static final String TRACES_STATEFUL_SET = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: obs-traces}
                spec:
                  serviceName: obs-traces-headless
                  selector: {matchLabels: {app: traces}}
                  template:
                    metadata: {labels: {app: traces, tier: store}}
                    spec: {containers: [{name: t}]}
                """;

        private static String governing(String serviceSpec) {
            return TRACES_STATEFUL_SET + """
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: obs-traces-headless}
                    spec:
                    %s""".formatted(serviceSpec.indent(2));
        }

        @Test
        void aHeadlessServiceSelectingThePodsGovernsTheStatefulSet() {
            assertThat(wiring(governing("""
                            clusterIP: None
                            publishNotReadyAddresses: true
                            selector: {app: traces}
                            ports: [{name: grpc, port: 9095, targetPort: grpc}]
                            """))).isEmpty();
        }

        @Test
        void aGoverningServiceWithAClusterIpGivesNoPodNames() {
            assertThat(wiring(governing("""
                            selector: {app: traces}
                            ports: [{name: grpc, port: 9095, targetPort: grpc}]
                            """))).singleElement().satisfies(finding -> {
                assertThat(finding.isError()).isFalse();
                assertThat(finding.message()).contains("Service observability/obs-traces-headless is not headless");
            });
        }

        @Test
        void aGoverningServiceThatSelectsOtherPodsGivesNoPodNames() {
            assertThat(wiring(governing("""
                            clusterIP: None
                            selector: {app: traces, component: ingester}
                            ports: [{name: grpc, port: 9095, targetPort: grpc}]
                            """))).singleElement().satisfies(finding -> {
                assertThat(finding.isError()).isFalse();
                assertThat(finding.message())
                        .contains("selects pods labelled {app=traces, component=ingester}")
                        .contains("(labels {app=traces, tier=store}) are not");
            });
            assertThat(wiring(governing("clusterIP: None\n")))
                    .singleElement()
                    .extracting(Finding::message)
                    .asString()
                    .contains("selects no pods (no selector)");
        }
    }

    @Nested
    class SecretsAndConfigMaps {
        private static String deployment(String podSpec) {
            return """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: obs-agent}
                    spec:
                      template:
                        spec:
                    %s""".formatted(podSpec.indent(8));
        }

        private static final String ENV_FROM = """
                containers:
                  - name: agent
                    envFrom:
                      - secretRef: {name: obs-object-storage}
                """;

        @Test
        void anEnvFromSecretNeitherRenderedNorDeclaredIsAnError() {
            assertThat(wiring(deployment(ENV_FROM))).singleElement().satisfies(finding -> {
                assertThat(finding.isError()).isTrue();
                assertThat(finding.rule()).isEqualTo("object-reference");
                assertThat(finding.message())
                        .startsWith(
                                "spec.template.spec.containers[0].envFrom[0].secretRef: needs Secret observability/obs-object-storage,"
                                        + " which the bundle neither renders nor declares");
            });
        }

        @Test
        void aDeclaredSecretSatisfiesIt() {
            assertThat(wiring(
                            deployment(ENV_FROM),
                            List.of(StackSecret.objectStorage(NS, "obs-object-storage")),
                            Capacity.UNSTATED))
                    .isEmpty();
        }

        @Test
        void aDeclaredSecretWithoutTheReferencedKeyIsAnError() {
            String pod = """
                    containers:
                      - name: agent
                        env:
                          - name: KEY
                            valueFrom:
                              secretKeyRef: {name: obs-object-storage, key: AWS_SESSION_TOKEN}
                    """;
            assertThat(wiring(
                            deployment(pod),
                            List.of(StackSecret.objectStorage(NS, "obs-object-storage")),
                            Capacity.UNSTATED))
                    .singleElement()
                    .satisfies(finding -> assertThat(finding.message())
                            .contains(
                                    "needs key 'AWS_SESSION_TOKEN' of Secret observability/obs-object-storage, which has keys "
                                            + "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, S3_ENDPOINT"));
        }

        @Test
        void volumesServiceAccountsAndConfigMapKeysAreResolvedInTheBundle() {
            String pod = """
                    serviceAccountName: obs-agent
                    containers:
                      - name: agent
                        env:
                          - name: LEVEL
                            valueFrom:
                              configMapKeyRef: {name: obs-agent, key: level}
                    volumes:
                      - name: config
                        configMap: {name: obs-agent}
                      - name: certs
                        secret: {secretName: obs-agent-tls, optional: true}
                    """;
            String rendered = deployment(pod)
                    + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: obs-agent}\ndata: {level: info}\n"
                    + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: obs-agent}\n";
            assertThat(wiring(rendered)).isEmpty();

            assertThat(wiring(deployment(pod)))
                    .extracting(Finding::message)
                    .containsExactly(
                            "spec.template.spec.serviceAccountName: needs ServiceAccount observability/obs-agent, which the bundle neither renders nor declares (install.sh and up would not create or check it): the pods cannot start; render it, declare it as a Secret the phase creates or checks, or mark the reference optional",
                            "spec.template.spec.volumes[0].configMap: needs ConfigMap observability/obs-agent, which the bundle neither renders nor declares (install.sh and up would not create or check it): the pods cannot start; render it, declare it as a Secret the phase creates or checks, or mark the reference optional",
                            "spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef: needs ConfigMap observability/obs-agent, which the bundle neither renders nor declares (install.sh and up would not create or check it): the pods cannot start; render it, declare it as a Secret the phase creates or checks, or mark the reference optional");
        }

        @Test
        void secretsAnOperatorMountsIntoItsPodsAreChecked() {
            String prometheus = """
                    apiVersion: monitoring.coreos.com/v1
                    kind: Prometheus
                    metadata: {name: obs-prometheus}
                    spec:
                      secrets: [obs-etcd-client-cert]
                    """;
            assertThat(wiring(prometheus))
                    .extracting(Finding::message)
                    .singleElement()
                    .asString()
                    .startsWith("spec.secrets[0]: needs Secret observability/obs-etcd-client-cert");
        }
    }

    @Nested
    class Capacities {
        private static Capacity oneNode(String memory, boolean limitsMustFit) {
            return new Capacity(1, bytes(memory), BigDecimal.valueOf(2), bytes("1Gi"), limitsMustFit);
        }

        private static BigDecimal bytes(String quantity) {
            return Quantity.getAmountInBytes(new Quantity(quantity));
        }

        private static String workload(String kind, int replicas, String memoryRequest, String memoryLimit) {
            return """
                    ---
                    apiVersion: apps/v1
                    kind: %s
                    metadata: {name: obs-%s}
                    spec:
                      replicas: %d
                      template:
                        spec:
                          initContainers:
                            - name: init
                              resources: {requests: {memory: 900Mi}, limits: {memory: 900Mi}}
                          containers:
                            - name: main
                              resources: {requests: {cpu: 100m, memory: %s}, limits: {memory: %s}}
                            - name: sidecar
                              resources: {requests: {memory: 10Mi}, limits: {memory: 10Mi}}
                    """.formatted(kind, kind.toLowerCase(java.util.Locale.ROOT), replicas, memoryRequest, memoryLimit);
        }

        @Test
        void replicasDaemonSetsPerNodeInitContainersAsMaximumAndOperatorPods() {
            // 2 replicas x max(containers 110, init 900) = 1800 requests, 2 x max(210, 900) = 1800 limits, 0.2 cores
            String bundle = workload("Deployment", 2, "100Mi", "200Mi")
                    // once per node (replicas ignored): 2 x max(60, 900) = 1800 requests and limits, 0.2 cores
                    + workload("DaemonSet", 7, "50Mi", "100Mi")
                    + """
                    ---
                    apiVersion: monitoring.coreos.com/v1
                    kind: Prometheus
                    metadata: {name: obs-prometheus}
                    spec:
                      replicas: 2
                      shards: 1
                      resources: {requests: {memory: 100Mi}, limits: {memory: 300Mi}}
                    """; // 2 x (100 + 24) = 248 requests, 2 x (300 + 48) = 696 limits
            BundleWiring wiring = new BundleWiring(
                    "ci",
                    new Capacity(2, bytes("4Gi"), BigDecimal.valueOf(2), bytes("1Gi"), true),
                    List.of(),
                    List.of(PROMETHEUS),
                    Map.of(
                            PROMETHEUS,
                            Map.of("requests", Map.of("memory", "24Mi"), "limits", Map.of("memory", "48Mi"))));

            BundleWiring.Result result =
                    wiring.check(List.of(new ManifestFile("01-metrics/x.manifests.yaml", NS, bundle)));

            assertThat(result.sums())
                    .startsWith(
                            "capacity: memory requests 3848 Mi, limits 4296 Mi, CPU requests 0.4 cores on 2 node(s) with 6144 Mi");
            assertThat(result.findings()).isEmpty();
        }

        @Test
        void limitsAboveWhatTheNodeHasLeftFailWhenTheProfileSaysLimitsMustFit() {
            String bundle = workload("Deployment", 1, "500Mi", "3Gi");

            assertThat(wiring(bundle, List.of(), oneNode("4Gi", false))).isEmpty();
            assertThat(wiring(bundle, List.of(), oneNode("4Gi", true)))
                    .singleElement()
                    .satisfies(finding -> {
                        assertThat(finding.isError()).isTrue();
                        assertThat(finding.rule()).isEqualTo("capacity");
                        assertThat(finding.message())
                                .startsWith("memory limits sum to 3082 Mi, more than the 3072 Mi the nodes have left")
                                .contains("largest: Deployment observability/obs-deployment 3082 Mi");
                    });
        }

        @Test
        void requestsAboveWhatTheNodesHaveLeftAndAPodLargerThanANodeFail() {
            String bundle = workload("StatefulSet", 1, "5Gi", "5Gi");

            assertThat(wiring(bundle, List.of(), oneNode("4Gi", false)))
                    .extracting(Finding::message)
                    .satisfiesExactly(
                            total -> assertThat(total)
                                    .startsWith("memory requests sum to 5130 Mi, more than the 3072 Mi"),
                            pod -> assertThat(pod)
                                    .startsWith("one pod requests 5130 Mi and 0.1 cores, more than a node has left"));
        }

        @Test
        void aWorkloadAnotherControllerMakesIsCountedThroughItsResourceOnly() {
            String operatorMade = workload("StatefulSet", 1, "5Gi", "5Gi")
                    .replace(
                            "metadata: {name: obs-statefulset}",
                            "metadata: {name: obs-statefulset, labels: {app.kubernetes.io/managed-by: prometheus-operator}}");
            assertThat(operatorMade).contains("managed-by");

            assertThat(wiring(operatorMade, List.of(), oneNode("4Gi", true))).isEmpty();
            assertThat(wiring(operatorMade.replace("prometheus-operator", "Helm"), List.of(), oneNode("4Gi", true)))
                    .isNotEmpty();
        }

        @Test
        void aProfileWithoutAStatedSizeIsOnlySummed() {
            assertThat(wiring(workload("Deployment", 3, "5Gi", "5Gi"))).isEmpty();
        }
    }
}
