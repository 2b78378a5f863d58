package dev.obsbootstrap.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code obs-bootstrap verify} as a scheduled in-cluster Job, so the verdict stays current: a ServiceAccount with a
 * Role holding only what verify reads, a ConfigMap with the config it verifies, the CronJob, and a PrometheusRule.
 *
 * <p>The result the metrics server scrapes is kube-state-metrics' view of the CronJob (the metrics phase installs
 * kube-state-metrics and its series are already scraped): verify exits non-zero when a probe fails, the Job then fails (no retries), and
 * {@code kube_cronjob_status_last_successful_time} stops advancing while {@code kube_cronjob_status_last_schedule_time}
 * keeps moving. No Pushgateway, no port on the Job, nothing that outlives the pod: a verdict nobody can forge by
 * pushing, and staleness (the job never runs, the image cannot be pulled) is an alert too.
 *
 * <p>The Role: {@code services} get (the probes find a Service's port), {@code services/proxy} and {@code pods/proxy}
 * get and create (probes reach the stack through the API server's proxies and POST test data: a log line, a span, a
 * synthetic alert), {@code pods} get and list (endpoints without a Service are reached per pod), {@code pods/portforward}
 * create (the endpoints whose listeners bind to the pod IP only), and {@code secrets} get limited by name to the
 * Secrets holding the probes' logins. Nothing cluster-wide, no write to any object.
 */
public final class VerifyCronJob {
    /** Where the ConfigMap with the config is mounted in the pod. */
    public static final String CONFIG_DIR = "/etc/obs-bootstrap";

    /**
     * @param namespace       the stack's namespace (the Job runs there: its Role is namespaced)
     * @param stack           the stack's name (cluster.stack): names every object
     * @param image           the obs-bootstrap image
     * @param schedule        cron schedule
     * @param periodMinutes   the schedule's period, for the staleness alert (3 periods without a success)
     * @param profile         the profile to verify with
     * @param configFiles     path under {@link #CONFIG_DIR} ("obs-bootstrap.yaml", "profiles/team-prod.yaml") -> text
     *     of the config and user profiles to mount (no secret in them: the config references credentials, never holds
     *     them)
     * @param loginSecrets    the Secrets whose keys the probes log in with
     */
    public record Options(
            String namespace,
            String stack,
            String image,
            String schedule,
            int periodMinutes,
            String profile,
            Map<String, String> configFiles,
            SortedSet<String> loginSecrets) {
        public Options {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(stack, "stack");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(profile, "profile");
            configFiles = new LinkedHashMap<>(configFiles);
            loginSecrets = new TreeSet<>(loginSecrets);
        }

        String name() {
            return stack + "-verify";
        }
    }

    private VerifyCronJob() {}

    /** The objects, in apply order. */
    public static List<Map<String, Object>> objects(Options options) {
        List<Map<String, Object>> objects = new ArrayList<>();
        objects.add(serviceAccount(options));
        objects.add(role(options));
        objects.add(roleBinding(options));
        objects.add(configMap(options));
        objects.add(cronJob(options));
        objects.add(prometheusRule(options));
        return objects;
    }

    private static Map<String, Object> named(String apiVersion, String kind, Options options) {
        Map<String, Object> object = FluxObjects.object(apiVersion, kind, options.name(), options.namespace());
        FluxObjects.metadata(object).put("labels", labels(options));
        return object;
    }

    private static Map<String, String> labels(Options options) {
        return Map.of(
                "app.kubernetes.io/name", "obs-bootstrap-verify",
                "app.kubernetes.io/managed-by", "obs-bootstrap",
                "obs-bootstrap.dev/stack", options.stack());
    }

    private static Map<String, Object> serviceAccount(Options options) {
        Map<String, Object> object = named("v1", "ServiceAccount", options);
        // the token is mounted only into the verify pod, which asks for it
        object.put("automountServiceAccountToken", false);
        return object;
    }

    private static Map<String, Object> role(Options options) {
        Map<String, Object> object = named("rbac.authorization.k8s.io/v1", "Role", options);
        List<Map<String, Object>> rules = new ArrayList<>();
        rules.add(rule(List.of("services"), List.of("get"), List.of()));
        rules.add(rule(List.of("services/proxy", "pods/proxy"), List.of("get", "create"), List.of()));
        rules.add(rule(List.of("pods"), List.of("get", "list"), List.of()));
        rules.add(rule(List.of("pods/portforward"), List.of("create"), List.of()));
        if (!options.loginSecrets().isEmpty()) {
            rules.add(rule(List.of("secrets"), List.of("get"), List.copyOf(options.loginSecrets())));
        }
        object.put("rules", rules);
        return object;
    }

    private static Map<String, Object> rule(List<String> resources, List<String> verbs, List<String> names) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("apiGroups", List.of(""));
        rule.put("resources", resources);
        if (!names.isEmpty()) {
            rule.put("resourceNames", names);
        }
        rule.put("verbs", verbs);
        return rule;
    }

    private static Map<String, Object> roleBinding(Options options) {
        Map<String, Object> object = named("rbac.authorization.k8s.io/v1", "RoleBinding", options);
        object.put("roleRef", Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", options.name()));
        object.put(
                "subjects",
                List.of(Map.of("kind", "ServiceAccount", "name", options.name(), "namespace", options.namespace())));
        return object;
    }

    private static Map<String, Object> configMap(Options options) {
        Map<String, Object> object = named("v1", "ConfigMap", options);
        Map<String, String> data = new LinkedHashMap<>();
        options.configFiles().forEach((path, text) -> data.put(key(path), text));
        object.put("data", data);
        return object;
    }

    /** A ConfigMap key cannot hold '/': profiles/a.yaml is stored as profiles.a.yaml and mounted back at its path. */
    private static String key(String path) {
        return path.replace('/', '.');
    }

    /** The verify command the Job runs: the mounted config, the profile, JSON on stdout for `kubectl logs`. */
    public static List<String> args(Options options) {
        List<String> args = new ArrayList<>();
        args.add("verify");
        if (options.configFiles().containsKey("obs-bootstrap.yaml")) {
            args.add("--config");
            args.add(CONFIG_DIR + "/obs-bootstrap.yaml");
        }
        args.add("--profile");
        args.add(options.profile());
        args.add("--namespace");
        args.add(options.namespace());
        args.add("--output");
        args.add("json");
        return args;
    }

    private static Map<String, Object> cronJob(Options options) {
        Map<String, Object> object = named("batch/v1", "CronJob", options);
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "verify");
        container.put("image", options.image());
        container.put("args", args(options));
        container.put("workingDir", CONFIG_DIR);
        container.put(
                "env",
                List.of(
                        // a pod's memory limit is the JVM's budget, with room for the native Helm library's mapping
                        Map.of("name", "JAVA_TOOL_OPTIONS", "value", "-XX:MaxRAMPercentage=60"),
                        Map.of("name", "OBS_BOOTSTRAP_CACHE", "value", "/tmp/obs-bootstrap")));
        container.put(
                "resources",
                Map.of(
                        "requests", Map.of("cpu", "100m", "memory", "256Mi"),
                        "limits", Map.of("memory", "512Mi")));
        container.put(
                "securityContext",
                Map.of(
                        "allowPrivilegeEscalation", false,
                        "readOnlyRootFilesystem", true,
                        "capabilities", Map.of("drop", List.of("ALL"))));
        container.put(
                "volumeMounts",
                List.of(
                        Map.of("name", "config", "mountPath", CONFIG_DIR, "readOnly", true),
                        Map.of("name", "tmp", "mountPath", "/tmp")));
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("serviceAccountName", options.name());
        pod.put("automountServiceAccountToken", true);
        pod.put("restartPolicy", "Never");
        pod.put(
                "securityContext",
                Map.of(
                        "runAsNonRoot",
                        true,
                        "runAsUser",
                        65532,
                        "runAsGroup",
                        65532,
                        "seccompProfile",
                        Map.of("type", "RuntimeDefault")));
        pod.put("containers", List.of(container));
        pod.put(
                "volumes",
                List.of(
                        Map.of("name", "config", "configMap", Map.of("name", options.name(), "items", items(options))),
                        Map.of("name", "tmp", "emptyDir", Map.of("sizeLimit", "256Mi"))));
        Map<String, Object> job = new LinkedHashMap<>();
        // a failed verification is the answer, not a flake to retry: the Job fails and the metric says so
        job.put("backoffLimit", 0);
        job.put("activeDeadlineSeconds", 600);
        job.put("template", Map.of("metadata", Map.of("labels", labels(options)), "spec", pod));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("schedule", options.schedule());
        spec.put("concurrencyPolicy", "Forbid");
        spec.put("startingDeadlineSeconds", 300);
        spec.put("successfulJobsHistoryLimit", 1);
        spec.put("failedJobsHistoryLimit", 3);
        spec.put("jobTemplate", Map.of("metadata", Map.of("labels", labels(options)), "spec", job));
        object.put("spec", spec);
        return object;
    }

    private static List<Map<String, Object>> items(Options options) {
        List<Map<String, Object>> items = new ArrayList<>();
        options.configFiles().keySet().forEach(path -> items.add(Map.of("key", key(path), "path", path)));
        return items;
    }

    /** The alert rules on kube-state-metrics' CronJob series; see the class comment for why these. */
    private static Map<String, Object> prometheusRule(Options options) {
        Map<String, Object> object = named("monitoring.coreos.com/v1", "PrometheusRule", options);
        String selector = "namespace=\"" + options.namespace() + "\", cronjob=\"" + options.name() + "\"";
        List<Map<String, Object>> rules = new ArrayList<>();
        // a run after the last success that did not succeed within the Job's deadline: the latest verify failed
        rules.add(alert(
                "ObsBootstrapVerificationFailed",
                "kube_cronjob_status_last_schedule_time{" + selector + "} - kube_cronjob_status_last_successful_time{"
                        + selector + "} > 0",
                "11m",
                "critical",
                "obs-bootstrap verify failed in " + options.namespace() + " (stack " + options.stack() + ")",
                "The latest scheduled verify of the stack did not succeed; `kubectl -n " + options.namespace()
                        + " logs job/<latest " + options.name() + " job>` shows the JSON report naming the probe."));
        rules.add(alert(
                "ObsBootstrapVerificationStale",
                "time() - kube_cronjob_status_last_successful_time{" + selector + "} > "
                        + (3 * 60 * options.periodMinutes()),
                "5m",
                "warning",
                "obs-bootstrap verify has not succeeded for three schedule periods",
                "No successful verify for " + (3 * options.periodMinutes())
                        + " minutes: the CronJob may be suspended, its image unpullable or every run failing."));
        rules.add(alert(
                "ObsBootstrapVerificationMissing",
                "absent(kube_cronjob_info{" + selector + "})",
                "15m",
                "warning",
                "the obs-bootstrap verify CronJob is not seen by kube-state-metrics",
                "kube-state-metrics reports no CronJob " + options.name() + ": it was deleted, or kube-state-metrics "
                        + "does not watch " + options.namespace() + "."));
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", "obs-bootstrap-verify");
        group.put("rules", rules);
        object.put("spec", Map.of("groups", List.of(group)));
        return object;
    }

    private static Map<String, Object> alert(
            String name, String expr, String forDuration, String severity, String summary, String description) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("alert", name);
        rule.put("expr", expr);
        rule.put("for", forDuration);
        rule.put("labels", Map.of("severity", severity));
        rule.put("annotations", Map.of("summary", summary, "description", description));
        return rule;
    }
}
