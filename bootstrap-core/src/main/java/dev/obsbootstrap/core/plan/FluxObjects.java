package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.plan.GitOpsExport.Release;
import dev.obsbootstrap.core.plan.GitOpsExport.Stack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The stack as Flux objects, file by file: the chart sources (HelmRepository for an https repository, OCIRepository
 * for an oci:// one), one HelmRelease per release with {@code dependsOn} the previous phase's releases (so the CRDs
 * release goes first and nothing that renders a ServiceMonitor starts before it is Ready), and a Flux Kustomization
 * whose {@code healthChecks} name every HelmRelease.
 *
 * <p>Field names and versions follow the CRDs of helm-controller v1.6.3
 * ({@code config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml}, HelmRelease v2), source-controller v1.9.1
 * ({@code source.toolkit.fluxcd.io_helmrepositories.yaml}, {@code _ocirepositories.yaml}, v1) and kustomize-controller
 * v1.9.4 ({@code kustomize.toolkit.fluxcd.io_kustomizations.yaml}, v1); the tests validate every object against them.
 */
public final class FluxObjects {
    public static final String HELM_RELEASE = "helm.toolkit.fluxcd.io/v2";
    public static final String SOURCE = "source.toolkit.fluxcd.io/v1";
    public static final String KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/v1";
    /** Helm charts in an OCI registry: the layer the source-controller must extract (source-controller docs). */
    static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    /**
     * @param namespace   where the Flux objects live (flux-system: it exists wherever Flux does)
     * @param interval    how often Flux reconciles ("10m")
     * @param gitSource   the GitRepository the Kustomization reads this directory from ("flux-system")
     * @param path        this directory's path in that repository ("./clusters/prod/obs")
     */
    public record Options(String namespace, String interval, String gitSource, String path) {
        public Options {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(gitSource, "gitSource");
            Objects.requireNonNull(path, "path");
        }
    }

    private FluxObjects() {}

    /** File name -> its objects, in the order a reader (and kustomize) should take them. */
    public static Map<String, List<Map<String, Object>>> files(Stack stack, Options options) {
        Map<String, List<Map<String, Object>>> files = new LinkedHashMap<>();
        files.put("namespace.yaml", List.of(namespace(stack.namespace())));
        Map<String, Map<String, Object>> sources = new LinkedHashMap<>();
        for (Release release : stack.releases()) {
            Map<String, Object> source = source(release, options);
            sources.putIfAbsent(name(source), source);
        }
        files.put("sources.yaml", List.copyOf(sources.values()));
        for (Release release : stack.releases()) {
            String file = String.format("%02d-%s.yaml", release.phaseIndex(), release.phase());
            List<Map<String, Object>> objects = new ArrayList<>(files.getOrDefault(file, List.of()));
            objects.add(helmRelease(release, stack, options));
            files.put(file, objects);
        }
        files.put("flux-kustomization.yaml", List.of(kustomization(stack, options)));
        return files;
    }

    private static String name(Map<String, Object> object) {
        return String.valueOf(((Map<?, ?>) object.get("metadata")).get("name"));
    }

    static Map<String, Object> namespace(String name) {
        Map<String, Object> object = object("v1", "Namespace", name, null);
        metadata(object).put("labels", Map.of("app.kubernetes.io/managed-by", "obs-bootstrap"));
        return object;
    }

    /** The source a release's chart comes from: per repository for https, per chart for OCI (a tag is one chart). */
    private static Map<String, Object> source(Release release, Options options) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("interval", options.interval());
        if (release.isOci()) {
            Map<String, Object> object = object(SOURCE, "OCIRepository", ociSourceName(release), options.namespace());
            spec.put("url", release.chart().repository() + "/" + release.chart().name());
            spec.put("ref", Map.of("tag", release.chart().version()));
            spec.put("layerSelector", Map.of("mediaType", HELM_CHART_LAYER, "operation", "copy"));
            object.put("spec", spec);
            return object;
        }
        Map<String, Object> object = object(
                SOURCE,
                "HelmRepository",
                GitOpsExport.sourceName(release.chart().repository()),
                options.namespace());
        spec.put("url", release.chart().repository());
        object.put("spec", spec);
        return object;
    }

    private static String ociSourceName(Release release) {
        return release.releaseName() + "-chart";
    }

    private static Map<String, Object> helmRelease(Release release, Stack stack, Options options) {
        Map<String, Object> object = object(HELM_RELEASE, "HelmRelease", release.releaseName(), options.namespace());
        metadata(object)
                .put(
                        "labels",
                        Map.of(
                                "app.kubernetes.io/managed-by", "obs-bootstrap",
                                "obs-bootstrap.dev/phase", release.phase(),
                                "obs-bootstrap.dev/stack", stack.stack()));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("interval", options.interval());
        spec.put("releaseName", release.releaseName());
        spec.put("targetNamespace", release.namespace());
        // Helm's release records stay beside the stack, where obs-bootstrap status and verify read them
        spec.put("storageNamespace", release.namespace());
        spec.put("timeout", GitOpsExport.duration(release.timeout()));
        if (release.isOci()) {
            spec.put("chartRef", Map.of("kind", "OCIRepository", "name", ociSourceName(release)));
        } else {
            Map<String, Object> chartSpec = new LinkedHashMap<>();
            chartSpec.put("chart", release.chart().name());
            chartSpec.put("version", release.chart().version());
            chartSpec.put(
                    "sourceRef",
                    Map.of(
                            "kind",
                            "HelmRepository",
                            "name",
                            GitOpsExport.sourceName(release.chart().repository())));
            spec.put("chart", Map.of("spec", chartSpec));
        }
        List<Map<String, Object>> dependsOn = new ArrayList<>();
        for (Release earlier : stack.before(release.phaseIndex())) {
            dependsOn.add(Map.of("name", earlier.releaseName()));
        }
        if (!dependsOn.isEmpty()) {
            spec.put("dependsOn", dependsOn);
        }
        // the CRDs release replaces its CRDs on upgrade too (Helm alone never upgrades CRDs)
        String crds = release.bringsCrds() ? "CreateReplace" : "Create";
        Map<String, Object> install = new LinkedHashMap<>();
        install.put("crds", crds);
        install.put("remediation", Map.of("retries", 3));
        spec.put("install", install);
        Map<String, Object> upgrade = new LinkedHashMap<>();
        upgrade.put("crds", release.bringsCrds() ? "CreateReplace" : "Skip");
        upgrade.put("remediation", Map.of("retries", 3, "remediateLastFailure", true));
        spec.put("upgrade", upgrade);
        spec.put("values", release.values());
        object.put("spec", spec);
        return object;
    }

    /** The Flux Kustomization that applies this directory and is Ready only when every HelmRelease is. */
    private static Map<String, Object> kustomization(Stack stack, Options options) {
        Map<String, Object> object =
                object(KUSTOMIZATION, "Kustomization", stack.stack() + "-stack", options.namespace());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("interval", options.interval());
        spec.put("path", options.path());
        spec.put("prune", true);
        spec.put("sourceRef", Map.of("kind", "GitRepository", "name", options.gitSource()));
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Release release : stack.releases()) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("apiVersion", HELM_RELEASE);
            check.put("kind", "HelmRelease");
            check.put("name", release.releaseName());
            check.put("namespace", options.namespace());
            checks.add(check);
        }
        spec.put("healthChecks", checks);
        // the sum of the phases' limits: the releases run one phase after another
        Map<Integer, java.time.Duration> perPhase = new LinkedHashMap<>();
        stack.releases().forEach(release -> perPhase.put(release.phaseIndex(), release.timeout()));
        java.time.Duration total = perPhase.values().stream().reduce(java.time.Duration.ZERO, java.time.Duration::plus);
        spec.put("timeout", GitOpsExport.duration(total.isZero() ? java.time.Duration.ofMinutes(10) : total));
        object.put("spec", spec);
        return object;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> object) {
        return (Map<String, Object>) object.get("metadata");
    }

    static Map<String, Object> object(String apiVersion, String kind, String name, String namespace) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", apiVersion);
        object.put("kind", kind);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        object.put("metadata", metadata);
        return object;
    }
}
