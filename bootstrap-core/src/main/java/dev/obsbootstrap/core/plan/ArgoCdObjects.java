package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.plan.GitOpsExport.Release;
import dev.obsbootstrap.core.plan.GitOpsExport.Stack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The stack as Argo CD objects: one Application per release whose sync wave is its phase's index (the CRDs release in
 * wave 0, server-side applied: the operator's CRDs exceed the 256 KiB last-applied annotation of a client-side apply),
 * or, for many clusters, one ApplicationSet per release with a cluster generator. Values go inline
 * ({@code spec.source.helm.valuesObject}).
 *
 * <p>Fields follow argo-cd v3.5.1 {@code manifests/crds/application-crd.yaml} and {@code applicationset-crd.yaml}
 * (argoproj.io/v1alpha1); the tests validate every object against them. Waves order Applications only when an
 * app-of-apps syncs them and Argo CD assesses an Application's health, which it stopped doing by default in 1.8: the
 * export ships that health check as a ConfigMap patch and says so in its README.
 */
public final class ArgoCdObjects {
    public static final String API_VERSION = "argoproj.io/v1alpha1";
    static final String WAVE = "argocd.argoproj.io/sync-wave";
    /** The Application health check Argo CD 1.8 removed; {@code resource.customizations.health.<group>_<kind>}. */
    static final String APPLICATION_HEALTH_KEY = "resource.customizations.health.argoproj.io_Application";

    static final String APPLICATION_HEALTH_LUA = """
            hs = {}
            hs.status = "Progressing"
            hs.message = ""
            if obj.status ~= nil and obj.status.health ~= nil then
              hs.status = obj.status.health.status
              if obj.status.health.message ~= nil then
                hs.message = obj.status.health.message
              end
            end
            return hs
            """;

    /**
     * @param namespace       where Argo CD runs and its Applications live ("argocd")
     * @param project         the AppProject ("default")
     * @param clusterSelector labels of the cluster Secrets an ApplicationSet targets; empty: Applications for the
     *     cluster Argo CD runs in
     */
    public record Options(String namespace, String project, Map<String, String> clusterSelector) {
        public Options {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(project, "project");
            clusterSelector = Map.copyOf(clusterSelector);
        }

        public boolean fleet() {
            return !clusterSelector.isEmpty();
        }
    }

    private ArgoCdObjects() {}

    /** File name -> its objects. */
    public static Map<String, List<Map<String, Object>>> files(Stack stack, Options options) {
        Map<String, List<Map<String, Object>>> files = new LinkedHashMap<>();
        for (Release release : stack.releases()) {
            String file = String.format("%02d-%s.yaml", release.phaseIndex(), release.phase());
            List<Map<String, Object>> objects = new ArrayList<>(files.getOrDefault(file, List.of()));
            objects.add(
                    options.fleet() ? applicationSet(release, stack, options) : application(release, stack, options));
            files.put(file, objects);
        }
        files.put("argocd-cm-application-health.yaml", List.of(healthPatch(options)));
        return files;
    }

    private static Map<String, Object> application(Release release, Stack stack, Options options) {
        Map<String, Object> object =
                FluxObjects.object(API_VERSION, "Application", release.releaseName(), options.namespace());
        Map<String, Object> metadata = FluxObjects.metadata(object);
        metadata.put("annotations", Map.of(WAVE, String.valueOf(release.phaseIndex())));
        metadata.put("labels", labels(release, stack));
        // deleting the Application deletes what it installed, as `obs-bootstrap down` would
        metadata.put("finalizers", List.of("resources-finalizer.argocd.argoproj.io"));
        object.put("spec", spec(release, options, "https://kubernetes.default.svc", false));
        return object;
    }

    private static Map<String, Object> applicationSet(Release release, Stack stack, Options options) {
        Map<String, Object> object =
                FluxObjects.object(API_VERSION, "ApplicationSet", release.releaseName(), options.namespace());
        FluxObjects.metadata(object).put("annotations", Map.of(WAVE, String.valueOf(release.phaseIndex())));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("goTemplate", true);
        spec.put("goTemplateOptions", List.of("missingkey=error"));
        spec.put(
                "generators",
                List.of(Map.of("clusters", Map.of("selector", Map.of("matchLabels", options.clusterSelector())))));
        Map<String, Object> templateMetadata = new LinkedHashMap<>();
        templateMetadata.put("name", "{{ .name }}-" + release.releaseName());
        templateMetadata.put("annotations", Map.of(WAVE, String.valueOf(release.phaseIndex())));
        templateMetadata.put("labels", labels(release, stack));
        templateMetadata.put("finalizers", List.of("resources-finalizer.argocd.argoproj.io"));
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("metadata", templateMetadata);
        template.put("spec", spec(release, options, "{{ .server }}", true));
        spec.put("template", template);
        object.put("spec", spec);
        return object;
    }

    private static Map<String, String> labels(Release release, Stack stack) {
        return Map.of(
                "app.kubernetes.io/managed-by", "obs-bootstrap",
                "obs-bootstrap.dev/phase", release.phase(),
                "obs-bootstrap.dev/stack", stack.stack());
    }

    private static Map<String, Object> spec(Release release, Options options, String server, boolean templated) {
        Map<String, Object> source = new LinkedHashMap<>();
        // Argo CD names an OCI Helm repository without its scheme
        source.put("repoURL", release.chart().repository().replaceFirst("^oci://", ""));
        source.put("chart", release.chart().name());
        source.put("targetRevision", release.chart().version());
        Map<String, Object> helm = new LinkedHashMap<>();
        helm.put("releaseName", release.releaseName());
        helm.put("valuesObject", templated ? escapeTemplates(release.values()) : release.values());
        source.put("helm", helm);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("project", options.project());
        spec.put("source", source);
        spec.put("destination", Map.of("server", server, "namespace", release.namespace()));
        List<String> syncOptions = new ArrayList<>();
        syncOptions.add("CreateNamespace=true");
        if (release.bringsCrds()) {
            syncOptions.add("ServerSideApply=true");
        } else {
            // a ServiceMonitor in wave 1 must not fail its dry run while wave 0's CRDs are being created
            syncOptions.add("SkipDryRunOnMissingResource=true");
        }
        Map<String, Object> syncPolicy = new LinkedHashMap<>();
        syncPolicy.put("automated", Map.of("prune", true, "selfHeal", true));
        syncPolicy.put("syncOptions", syncOptions);
        syncPolicy.put(
                "retry",
                Map.of(
                        "limit",
                        5,
                        "backoff",
                        Map.of(
                                "duration",
                                "10s",
                                "factor",
                                2,
                                "maxDuration",
                                GitOpsExport.duration(release.timeout()))));
        spec.put("syncPolicy", syncPolicy);
        return spec;
    }

    /**
     * An ApplicationSet renders every string of its template as a Go template: values that hold Go templates
     * themselves (notification templates, dashboards) must reach the chart unchanged, so each
     * {@code {{} is written as {@code {{ "{{" }}}, which the ApplicationSet controller renders back to {@code {{}.
     */
    static Object escapeTemplates(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> escaped = new LinkedHashMap<>();
            map.forEach((key, value) -> escaped.put(String.valueOf(key), escapeTemplates(value)));
            return escaped;
        }
        if (node instanceof List<?> list) {
            List<Object> escaped = new ArrayList<>();
            list.forEach(item -> escaped.add(escapeTemplates(item)));
            return escaped;
        }
        if (node instanceof String text && text.contains("{{")) {
            return text.replace("{{", "{{ \"{{\" }}");
        }
        return node;
    }

    private static Map<String, Object> healthPatch(Options options) {
        Map<String, Object> object = FluxObjects.object("v1", "ConfigMap", "argocd-cm", options.namespace());
        FluxObjects.metadata(object).put("labels", Map.of("app.kubernetes.io/part-of", "argocd"));
        object.put("data", Map.of(APPLICATION_HEALTH_KEY, APPLICATION_HEALTH_LUA));
        return object;
    }
}
