package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.ValuesRenderer;
import dev.obsbootstrap.core.values.ValuesTestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each profile promises, checked on the values it renders (no charts needed): small profiles stay small, staging
 * and prod keep their data, prod runs replicas, and no profile leaves an image tag open.
 */
class ProfilePolicyTest {
    private static final Set<String> KEEP_DATA = Set.of("staging", "prod");

    private final ValuesRenderer renderer = new ValuesRenderer();
    private final StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE);

    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void profileFileIsComplete(String name) {
        Profile profile = StackFixture.profile(name);

        assertThat(profile.name()).isEqualTo(name);
        assertThat(profile.description()).isNotBlank().doesNotContain("TODO");
        assertThat(profile.requireMemoryLimits()).isEqualTo(!name.equals("dev"));
        assertThat(profile.phases())
                .containsOnlyKeys("crds", "metrics", "logs", "traces", "alerting")
                .doesNotContainValue(false);
        assertThat(profile.phaseTimeouts()).containsOnlyKeys("crds", "metrics", "logs", "traces", "alerting");
    }

    /** Templates are strict, so a key one profile has and another lacks would break that other profile's render. */
    @Test
    void everyProfileCarriesTheSameSettingsKeys() {
        List<String> reference = keyPaths(StackFixture.profile("prod").settings(), "");
        for (String name : List.of("dev", "ci", "staging")) {
            List<String> keys = keyPaths(StackFixture.profile(name).settings(), "");
            assertThat(reference)
                    .as("settings keys of prod that %s lacks", name)
                    .containsAll(keys.stream()
                            .filter(ProfilePolicyTest::sharedByEveryProfile)
                            .toList());
            assertThat(keys)
                    .as("settings keys of %s", name)
                    .containsAll(reference.stream()
                            .filter(ProfilePolicyTest::sharedByEveryProfile)
                            .toList());
        }
    }

    /**
     * Keys that depend on a choice within the profile (object storage, caches, Loki's Distributed components) are only
     * where that choice is made.
     */
    private static boolean sharedByEveryProfile(String key) {
        return !key.startsWith("loki.storage.")
                && !key.startsWith("loki.caches.")
                && !key.startsWith("loki.components")
                && !key.startsWith("tempo.storage.");
    }

    /** A setting no template reads is a knob that does nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void everySettingIsReadBySomeTemplate(String name) throws IOException {
        StringBuilder templates = new StringBuilder();
        for (var component : StackFixture.components().values()) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(component.valuesTemplate())) {
                templates.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        for (String path : keyPaths(StackFixture.profile(name).settings(), "")) {
            String key = path.substring(path.lastIndexOf('.') + 1);
            if (path.equals("tempo.layout")) {
                // not a template's: the traces phase's TracesSection takes it as traces.tempo's default
                continue;
            }
            if (path.matches("loki\\.components\\.[A-Za-z]+")) {
                // a Distributed component: loki.yaml.j2 reads loki.components[target] for each target it lists
                assertThat(templates.toString())
                        .as("a template listing Loki component %s", key)
                        .contains("'" + key + "':");
                continue;
            }
            assertThat(templates.toString())
                    .as("a template reading setting %s of %s", path, name)
                    .containsPattern("\\." + key + "\\b");
        }
    }

    /**
     * plan's capacity sum counts what the catalog says the operator adds to each Prometheus pod
     * ({@code operatorPodSidecars}); the template must give the config reloader exactly that, or the sum is wrong.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void theConfigReloaderGetsWhatTheCatalogCountsForIt(String name) {
        Object counted = dev.obsbootstrap.core.config.ComponentCatalog.fromFile(
                        java.nio.file.Path.of("src/main/resources/obs-bootstrap/catalog.yaml"))
                .operatorPodSidecars(StackFixture.profile(name))
                .get("monitoring.coreos.com/Prometheus");

        assertThat(at(values(name, "kube-prometheus-stack"), "prometheusOperator.prometheusConfigReloader.resources"))
                .isEqualTo(counted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void dataIsKeptWhereTheProfileSaysSo(String name) {
        boolean keep = KEEP_DATA.contains(name);
        Map<String, Object> kps = values(name, "kube-prometheus-stack");
        Map<String, Object> loki = values(name, "loki");

        assertThat(at(kps, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate") != null)
                .as("Prometheus volume")
                .isEqualTo(keep);
        assertThat(at(kps, "prometheus.prometheusSpec.retention")).isNotNull();
        assertThat(at(kps, "grafana.persistence.enabled")).isEqualTo(keep);
        if ("Distributed".equals(loki.get("deploymentMode"))) {
            assertThat(at(loki, "ingester.persistence.enabled")).isEqualTo(keep);
        } else {
            assertThat(at(loki, "singleBinary.persistence.enabled")).isEqualTo(keep);
        }
        assertThat(at(loki, "loki.limits_config.retention_period")).isNotNull();
        assertThat(at(values(name, "tempo"), "persistence.enabled")).isEqualTo(keep);
        assertThat(at(values(name, "tempo"), "tempo.retention")).isNotNull();
        assertThat(at(values(name, "alertmanager"), "persistence.enabled")).isEqualTo(keep);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging"})
    void smallProfilesRunOneMonolithicLokiWithoutCachesOrCanary(String name) {
        Map<String, Object> loki = values(name, "loki");

        assertThat(loki.get("deploymentMode")).isEqualTo("Monolithic");
        // staging: one binary on object storage, as Loki 3.7 recommends for small installs
        assertThat(at(loki, "loki.storage.type")).isEqualTo(name.equals("staging") ? "s3" : "filesystem");
        assertThat(at(loki, "loki.commonConfig.replication_factor")).isEqualTo(1);
        assertThat(at(loki, "singleBinary.replicas")).isEqualTo(1);
        assertThat(at(loki, "chunksCache.enabled")).isEqualTo(false);
        assertThat(at(loki, "resultsCache.enabled")).isEqualTo(false);
        assertThat(at(loki, "lokiCanary.enabled")).isEqualTo(false);
        assertThat(at(loki, "test.enabled")).isEqualTo(false);
        assertThat(at(loki, "minio.enabled")).isEqualTo(false);
        assertThat(at(values(name, "kube-prometheus-stack"), "kubeEtcd.enabled"))
                .isEqualTo(false);
    }

    /** Managed and default kubeadm/kind/K3s control planes expose none of these: scraping them only fires alerts. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void noProfileScrapesControlPlaneTargetsThatAreDownOnManagedAndDefaultClusters(String name) {
        Map<String, Object> kps = values(name, "kube-prometheus-stack");
        for (String component : List.of("kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy")) {
            assertThat(at(kps, component + ".enabled")).as(component).isEqualTo(false);
        }
    }

    /** review D17: no profile relies on v1 Endpoints, deprecated from Kubernetes 1.33. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void discoveryUsesEndpointSlicesOnly(String name) {
        Map<String, Object> kps = values(name, "kube-prometheus-stack");
        assertThat(at(kps, "prometheusOperator.kubeletEndpointsEnabled")).isEqualTo(false);
        assertThat(at(kps, "prometheusOperator.kubeletEndpointSliceEnabled")).isEqualTo(true);
        assertThat(at(kps, "prometheus.prometheusSpec.serviceDiscoveryRole")).isEqualTo("EndpointSlice");
    }

    /** Alloy keeps its read positions across restarts and ships logs from every node node-exporter covers. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void alloyKeepsItsPositionsOnTheNodeAndToleratesWhatNodeExporterTolerates(String name) {
        Map<String, Object> alloy = values(name, "alloy");

        assertThat(at(alloy, "alloy.storagePath")).isEqualTo("/var/lib/alloy/data");
        assertThat(at(alloy, "alloy.mounts.extra").toString()).contains("mountPath=/var/lib/alloy/data");
        assertThat(at(alloy, "controller.volumes.extra").toString()).contains("hostPath");
        assertThat(at(alloy, "controller.tolerations"))
                .isEqualTo(List.of(Map.of("effect", "NoSchedule", "operator", "Exists")));
        assertThat(at(alloy, "rbac.rules").toString() + at(alloy, "rbac.clusterRules"))
                .doesNotContain("secrets", "configmaps", "nodes", "events");
    }

    /**
     * review D11: in staging and prod both node agents run at system-node-critical, and the metrics release brings the
     * ResourceQuota that admits that class where the ResourceQuota admission plugin limits it (GKE); dev and ci leave
     * the cluster's default priority and create no quota.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void bothNodeAgentsRunAtTheProfilesPriorityClass(String name) {
        boolean critical = KEEP_DATA.contains(name);
        Map<String, Object> kps = values(name, "kube-prometheus-stack");
        Object expected = critical ? "system-node-critical" : null;

        assertThat(at(kps, "prometheus-node-exporter.priorityClassName")).isEqualTo(expected);
        assertThat(at(values(name, "alloy"), "controller.priorityClassName")).isEqualTo(expected);
        assertThat(at(values(name, "promtail"), "priorityClassName")).isEqualTo(expected);
        List<Map<String, Object>> quotas = extraManifests(kps, "ResourceQuota");
        if (critical) {
            assertThat(quotas).hasSize(1);
            Map<String, Object> quota = quotas.get(0);
            assertThat(at(quota, "spec.scopeSelector").toString())
                    .contains("scopeName=PriorityClass", "operator=In", "system-node-critical");
            assertThat(at(quota, "spec.hard.pods")).isEqualTo("1000");
        } else {
            assertThat(quotas).isEmpty();
        }
    }

    /** review D9: where data lives on an emptyDir (dev, ci), the emptyDir has a size limit, so a burst evicts the pod. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci"})
    void emptyDirsThatHoldDataAreLimited(String name) {
        assertThat(at(
                        values(name, "kube-prometheus-stack"),
                        "prometheus.prometheusSpec.storageSpec.emptyDir.sizeLimit"))
                .isEqualTo("2Gi");
        assertThat(at(values(name, "loki"), "singleBinary.persistence.dataVolumeParameters.emptyDir.sizeLimit"))
                .isEqualTo("2Gi");
        assertThat(at(values(name, "alertmanager"), "persistence.emptyDir.sizeLimit"))
                .isEqualTo("64Mi");
    }

    /**
     * review N6: where the profile has dashboards, the pipeline dashboard names a query for each signal path and is
     * labelled for Grafana's sidecar; ci has none (settings/kube-prometheus-stack.yaml says why), Loki's included.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void thePipelineDashboardComesWithTheProfilesDashboards(String name) {
        Map<String, Object> kps = values(name, "kube-prometheus-stack");
        boolean dashboards = !name.equals("ci");
        List<Map<String, Object>> configMaps = extraManifests(kps, "ConfigMap");

        assertThat(at(kps, "grafana.defaultDashboardsEnabled")).isEqualTo(dashboards);
        assertThat(at(values(name, "loki"), "monitoring.dashboards.enabled")).isEqualTo(dashboards);
        assertThat(configMaps).hasSize(dashboards ? 1 : 0);
        if (dashboards) {
            assertThat(at(configMaps.get(0), "metadata.labels.grafana_dashboard"))
                    .isEqualTo("1");
            String json =
                    (String) StackFixture.map(configMaps.get(0).get("data")).get("obs-pipeline.json");
            Map<String, Object> dashboard = StackFixture.map(new org.yaml.snakeyaml.Yaml().load(json));
            assertThat(json)
                    .doesNotContain("{{")
                    .contains(
                            "loki_write_sent_bytes_total",
                            "loki_discarded_samples_total",
                            "otelcol_exporter_send_failed_spans_total",
                            "tempo_discarded_spans_total");
            assertThat(StackFixture.list(dashboard.get("panels"))).hasSize(8);
        }
        assertThat(at(kps, "nodeExporter.operatingSystems.aix.enabled")).isEqualTo(false);
        assertThat(at(kps, "nodeExporter.operatingSystems.darwin.enabled")).isEqualTo(false);
    }

    /** Grafana reads its own namespace's ConfigMaps only, kube-state-metrics lists no Secret, Grafana phones nowhere. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void grafanaAndKubeStateMetricsReadNoSecretsOutsideTheirNeed(String name) {
        Map<String, Object> kps = values(name, "kube-prometheus-stack");

        assertThat(at(kps, "grafana.rbac.namespaced")).isEqualTo(true);
        assertThat(at(kps, "grafana.sidecar.dashboards.resource")).isEqualTo("configmap");
        assertThat(at(kps, "grafana.sidecar.datasources.resource")).isEqualTo("configmap");
        assertThat(StackFixture.map(at(kps, "grafana.sidecar.dashboards"))).containsEntry("searchNamespace", null);
        assertThat(StackFixture.list(at(kps, "kube-state-metrics.collectors")))
                .contains("pods", "nodes")
                .doesNotContain("secrets", "configmaps");
        Map<String, Object> ini =
                StackFixture.map(StackFixture.map(kps.get("grafana")).get("grafana.ini"));
        assertThat(at(ini, "analytics.reporting_enabled")).isEqualTo(false);
        assertThat(at(ini, "analytics.check_for_updates")).isEqualTo(false);
    }

    @Test
    void prodRunsReplicasAndLokiOnObjectStorageWithCredentialsFromASecret() {
        Map<String, Object> loki = values("prod", "loki");

        assertThat(at(values("prod", "kube-prometheus-stack"), "prometheus.prometheusSpec.replicas"))
                .isEqualTo(2);
        assertThat(at(values("prod", "alertmanager"), "replicaCount")).isEqualTo(2);
        assertThat(at(values("prod", "opentelemetry-collector"), "replicaCount"))
                .isEqualTo(2);
        // review D4: no replicated workload without a disruption budget and hard anti-affinity
        Map<String, Object> kps = values("prod", "kube-prometheus-stack");
        assertThat(at(kps, "prometheus.podDisruptionBudget.enabled")).isEqualTo(true);
        assertThat(at(kps, "prometheus.podDisruptionBudget.maxUnavailable")).isEqualTo(1);
        assertThat(at(kps, "prometheus.prometheusSpec.podAntiAffinity")).isEqualTo("hard");
        // review D16: Grafana sticks to one of the two TSDBs
        assertThat(at(kps, "prometheus.service.sessionAffinity")).isEqualTo("ClientIP");
        Map<String, Object> otel = values("prod", "opentelemetry-collector");
        assertThat(at(otel, "podDisruptionBudget.maxUnavailable")).isEqualTo(1);
        assertThat(at(otel, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"))
                .isNotNull();
        assertThat(loki.get("deploymentMode")).isEqualTo("Distributed");
        assertThat(at(loki, "loki.commonConfig.replication_factor")).isEqualTo(3);
        assertThat(at(loki, "ingester.replicas")).isEqualTo(3);
        for (String target : List.of("read", "write", "backend")) {
            assertThat(at(loki, target + ".replicas")).as(target).isEqualTo(0);
        }
        assertThat(at(loki, "singleBinary.replicas")).isEqualTo(0);
        assertThat(at(loki, "gateway.replicas")).isEqualTo(2);
        assertThat(at(loki, "loki.storage.type")).isEqualTo("s3");
        assertThat(StackFixture.map(at(loki, "loki.storage.bucketNames"))).containsKeys("chunks", "ruler");
        assertThat(at(loki, "loki.storage.s3.accessKeyId")).isEqualTo("${AWS_ACCESS_KEY_ID}");
        assertThat(at(loki, "loki.storage.s3.secretAccessKey")).isEqualTo("${AWS_SECRET_ACCESS_KEY}");
        assertThat(at(loki, "loki.storage.s3.endpoint")).isEqualTo("${S3_ENDPOINT}");
        assertThat(at(loki, "defaults.extraEnvFrom"))
                .isEqualTo(List.of(Map.of("secretRef", Map.of("name", "obs-object-storage"))));
    }

    /**
     * prod closes Loki, Tempo, Prometheus and Alertmanager to everything but the stack's own clients (review D15); no
     * rule of them is open to every source, and the other profiles render none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void prodLetsOnlyTheStacksOwnClientsReachItsServers(String name) {
        List<Map<String, Object>> policies = new ArrayList<>();
        for (String[] source : new String[][] {
            {"loki", "extraObjects"},
            {"kube-prometheus-stack", "extraManifests"},
            {"opentelemetry-collector", "extraManifests"}
        }) {
            Object objects = values(name, source[0]).get(source[1]);
            if (objects != null) {
                ((List<?>) objects)
                        .stream()
                                .map(StackFixture::map)
                                .filter(object -> "NetworkPolicy".equals(object.get("kind")))
                                .forEach(policies::add);
            }
        }
        if (!name.equals("prod")) {
            assertThat(policies).isEmpty();
            return;
        }
        assertThat(policies)
                .extracting(policy -> at(policy, "metadata.name"))
                .containsExactlyInAnyOrder(
                        "obs-loki-ingress", "obs-tempo-ingress", "obs-prometheus-ingress", "obs-alertmanager-ingress");
        for (Map<String, Object> policy : policies) {
            assertThat(StackFixture.list(at(policy, "spec.policyTypes"))).containsExactly("Ingress");
            assertThat(StackFixture.map(at(policy, "spec.podSelector"))).isNotEmpty();
            for (Object rule : (List<?>) at(policy, "spec.ingress")) {
                assertThat((List<?>) StackFixture.map(rule).get("from"))
                        .as("%s: a rule without sources admits every pod and address", at(policy, "metadata.name"))
                        .isNotEmpty();
            }
        }
        assertThat(policies.toString())
                .as("the push paths")
                .contains("obs-alloy", "obs-otel", "port=http", "port=4317");
    }

    /**
     * Grafana's datasources link the signals (review N7): a trace's logs by labels Alloy really sets plus the trace
     * id, its metrics, logs back to the trace, and Prometheus' exemplars to Tempo.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void grafanasDatasourcesLinkTracesLogsAndMetrics(String name) {
        Map<String, Object> kps = values(name, "kube-prometheus-stack");
        Map<String, Map<String, Object>> byType = new java.util.HashMap<>();
        for (Object source : (List<?>) at(kps, "grafana.additionalDataSources")) {
            byType.put((String) StackFixture.map(source).get("type"), StackFixture.map(source));
        }
        Map<String, Object> toLogs = StackFixture.map(at(byType.get("tempo"), "jsonData.tracesToLogsV2"));
        assertThat(toLogs).containsEntry("datasourceUid", "obs-loki").containsEntry("filterByTraceID", true);
        String alloyConfig = String.valueOf(at(values(name, "alloy"), "alloy.configMap.content"));
        for (Object tag : (List<?>) toLogs.get("tags")) {
            assertThat(alloyConfig)
                    .as("Alloy sets the stream label %s", StackFixture.map(tag).get("value"))
                    .contains("target_label  = \"" + StackFixture.map(tag).get("value") + "\"");
        }
        assertThat(StackFixture.map(at(byType.get("tempo"), "jsonData.tracesToMetrics")))
                .containsEntry("datasourceUid", "obs-prometheus");
        assertThat(String.valueOf(at(byType.get("loki"), "jsonData.derivedFields")))
                .contains("datasourceUid=obs-tempo");
        assertThat(StackFixture.map(at(kps, "grafana.sidecar.datasources.exemplarTraceIdDestinations")))
                .containsEntry("datasourceUid", "obs-tempo")
                .containsEntry("traceIdLabelName", "trace_id");
        assertThat(StackFixture.list(at(kps, "prometheus.prometheusSpec.enableFeatures")))
                .contains("exemplar-storage");
    }

    /** The chart would fill an empty tag from its appVersion; the templates pin every such tag instead. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "ci", "staging", "prod"})
    void noImageTagIsLeftEmptyOrLatest(String name) {
        for (String component : StackFixture.components().keySet()) {
            ManifestChecks.walk(values(name, component), "", (path, key, value) -> {
                if ("tag".equals(key)) {
                    assertThat(value).as("%s %s%s", name, component, path).isInstanceOf(String.class);
                    assertThat((String) value)
                            .as("%s %s%s", name, component, path)
                            .isNotBlank()
                            .isNotEqualTo("latest");
                }
            });
        }
    }

    /** A profile is data: templates branch on settings, never on which profile is running. */
    @Test
    void templatesNeverAskForTheProfileName() throws IOException {
        for (var component : StackFixture.components().values()) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(component.valuesTemplate())) {
                String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(template)
                        .as(component.valuesTemplate())
                        .doesNotContain("profile.name")
                        .doesNotContain("config.profile");
            }
        }
    }

    private Map<String, Object> values(String profile, String component) {
        return renderer.render(
                        topology.component(component),
                        StackFixture.exampleConfig(profile),
                        topology,
                        StackFixture.KUBE_VERSION)
                .values();
    }

    private static List<Map<String, Object>> extraManifests(Map<String, Object> kps, String kind) {
        return ((List<?>) kps.getOrDefault("extraManifests", List.of()))
                .stream()
                        .map(StackFixture::map)
                        .filter(object -> kind.equals(object.get("kind")))
                        .toList();
    }

    private static Object at(Map<String, Object> values, String path) {
        Object current = values;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    private static List<String> keyPaths(Map<String, Object> map, String prefix) {
        List<String> paths = new ArrayList<>();
        map.forEach((key, value) -> {
            paths.add(prefix + key);
            if (value instanceof Map<?, ?> nested && !key.endsWith("esources") && !key.equals("bucketNames")) {
                paths.addAll(keyPaths(StackFixture.map(nested), prefix + key + "."));
            }
        });
        return paths;
    }
}
