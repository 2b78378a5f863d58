package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exports applied to the simulated cluster the way the engine's bootstrap would (kubectl apply -k): the engines'
 * CRDs first, then every object in file order; then every reference between them resolved against what the API
 * server holds (dependsOn, sourceRef, chartRef, healthChecks, the RoleBinding's Role and ServiceAccount, the CronJob's
 * ServiceAccount and ConfigMap keys). What it cannot show: the engines' controllers reconciling (no Flux or Argo CD
 * runs here); that is the K3s end-to-end's ground.
 */
class ExportOnFakeClusterTest {
    @TempDir
    Path dir;

    private static Path schemaDir() {
        String configured = System.getProperty("engine.schemas.dir", System.getenv("OBS_BOOTSTRAP_ENGINE_SCHEMAS"));
        assumeTrue(
                configured != null && Files.isDirectory(Path.of(configured)),
                "engine CRDs not fetched: run tools/engine-schemas/fetch.sh DIR and set OBS_BOOTSTRAP_ENGINE_SCHEMAS=DIR");
        return Path.of(configured);
    }

    /** Applies every object of the export but kustomize files and patches; returns what was not served (kinds). */
    private static List<String> apply(KubernetesClient client, Path export) throws Exception {
        List<String> notServed = new ArrayList<>();
        try (Stream<Path> files = Files.walk(export)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")
                        || file.toString().contains("/patches/")) {
                    continue;
                }
                for (Map<String, Object> object : Manifests.maps(Files.readString(file), file.toString())) {
                    GenericKubernetesResource resource =
                            Serialization.unmarshal(Serialization.asJson(object), GenericKubernetesResource.class);
                    if (resource.getKind().equals("PrometheusRule")) {
                        notServed.add(resource.getKind()); // the operator's CRDs are not among the engines' CRDs
                        continue;
                    }
                    client.resource(resource).create();
                }
            }
        }
        return notServed;
    }

    private static GenericKubernetesResource get(
            KubernetesClient client, String apiVersion, String kind, String namespace, String name) {
        return client.genericKubernetesResources(apiVersion, kind)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    @Test
    void fluxObjectsAndTheVerifyCronJobApplyAndEveryReferenceResolves() throws Exception {
        Path crdDir = schemaDir();
        Path config = dir.resolve("obs-bootstrap.yaml");
        Files.writeString(
                config,
                "apiVersion: obs-bootstrap/v1\ncharts:\n  loki: {repository: oci://ghcr.io/grafana-community/charts}\n");
        Path out = dir.resolve("flux");
        CliRun.Result export = CliRun.run(
                null,
                "export",
                "--format",
                "flux",
                "--verify-cronjob",
                "-f",
                config.toString(),
                "--out",
                out.toString());
        assertThat(export.code()).as(export.err()).isZero();

        try (FakeCluster cluster =
                FakeCluster.builder().namespaces("flux-system").start()) {
            KubernetesClient client = cluster.client();
            try (Stream<Path> files = Files.list(crdDir)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .resource(Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class))
                            .create();
                }
            }
            List<String> notServed = apply(client, out);
            assertThat(notServed).containsExactly("PrometheusRule");

            List<GenericKubernetesResource> releases = client.genericKubernetesResources(
                            "helm.toolkit.fluxcd.io/v2", "HelmRelease")
                    .inNamespace("flux-system")
                    .list()
                    .getItems();
            assertThat(releases).hasSizeGreaterThanOrEqualTo(4);
            for (GenericKubernetesResource release : releases) {
                Map<String, Object> spec = release.get("spec");
                List<Map<String, Object>> dependsOn =
                        (List<Map<String, Object>>) spec.getOrDefault("dependsOn", List.of());
                for (Map<String, Object> dependency : dependsOn) {
                    assertThat(get(client, "helm.toolkit.fluxcd.io/v2", "HelmRelease", "flux-system", (String)
                                    dependency.get("name")))
                            .as(release.getMetadata().getName() + " dependsOn " + dependency)
                            .isNotNull();
                }
                Object chartRef = spec.get("chartRef");
                if (chartRef instanceof Map<?, ?> ref) {
                    assertThat(get(client, "source.toolkit.fluxcd.io/v1", "OCIRepository", "flux-system", (String)
                                    ref.get("name")))
                            .isNotNull();
                } else {
                    Map<?, ?> sourceRef =
                            (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) spec.get("chart")).get("spec")).get("sourceRef");
                    assertThat(get(client, "source.toolkit.fluxcd.io/v1", "HelmRepository", "flux-system", (String)
                                    sourceRef.get("name")))
                            .isNotNull();
                }
            }
            assertThat(releases)
                    .filteredOn(r -> r.getMetadata().getName().equals("obs-loki"))
                    .singleElement()
                    .satisfies(loki ->
                            assertThat(loki.get("spec", "chartRef").toString()).contains("OCIRepository"));
            GenericKubernetesResource stack =
                    get(client, "kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "obs-stack");
            List<Map<String, Object>> checks = stack.get("spec", "healthChecks");
            assertThat(checks).hasSize(releases.size());

            // the verify objects: binding, account and mounted keys all present
            var rbac = client.rbac();
            var binding = rbac.roleBindings()
                    .inNamespace("observability")
                    .withName("obs-verify")
                    .get();
            assertThat(rbac.roles()
                            .inNamespace("observability")
                            .withName(binding.getRoleRef().getName())
                            .get())
                    .isNotNull();
            assertThat(client.serviceAccounts()
                            .inNamespace("observability")
                            .withName(binding.getSubjects().get(0).getName())
                            .get())
                    .isNotNull();
            var cronJob = client.batch()
                    .v1()
                    .cronjobs()
                    .inNamespace("observability")
                    .withName("obs-verify")
                    .get();
            var pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
            assertThat(client.serviceAccounts()
                            .inNamespace("observability")
                            .withName(pod.getServiceAccountName())
                            .get())
                    .isNotNull();
            var configMap = client.configMaps()
                    .inNamespace("observability")
                    .withName("obs-verify")
                    .get();
            pod.getVolumes().stream()
                    .filter(v -> v.getConfigMap() != null)
                    .flatMap(v -> v.getConfigMap().getItems().stream())
                    .forEach(item -> assertThat(configMap.getData()).containsKey(item.getKey()));
        }
    }

    @Test
    void argoCdApplicationsApplyInTheArgoCdNamespace() throws Exception {
        Path crdDir = schemaDir();
        Path out = dir.resolve("argo");
        CliRun.Result export = CliRun.run(null, "export", "--format", "argocd", "--out", out.toString());
        assertThat(export.code()).as(export.err()).isZero();

        try (FakeCluster cluster = FakeCluster.builder().namespaces("argocd").start()) {
            KubernetesClient client = cluster.client();
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(Serialization.unmarshal(
                            Files.readString(crdDir.resolve("application-crd.yaml")), CustomResourceDefinition.class))
                    .create();
            assertThat(apply(client, out)).isEmpty();

            List<GenericKubernetesResource> apps = client.genericKubernetesResources(
                            "argoproj.io/v1alpha1", "Application")
                    .inNamespace("argocd")
                    .list()
                    .getItems();
            assertThat(apps)
                    .extracting(a -> a.getMetadata().getAnnotations().get("argocd.argoproj.io/sync-wave"))
                    .contains("0", "1", "2", "4");
        }
    }
}
