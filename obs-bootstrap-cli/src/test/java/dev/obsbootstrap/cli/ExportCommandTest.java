package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.validate.KubernetesApiSchemas;
import dev.obsbootstrap.core.validate.SchemaViolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export on the real phases and templates: what each engine gets, and bad input refused before a file is written. */
class ExportCommandTest {
    @TempDir
    Path dir;

    static List<Map<String, Object>> objects(Path file) throws Exception {
        return Manifests.maps(Files.readString(file), file.toString());
    }

    static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(((Map<?, ?>) o.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + objects));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return (List<Object>) node;
    }

    @SuppressWarnings("unchecked")
    static Map<Object, Object> map(Object node) {
        return (Map<Object, Object>) node;
    }

    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            current = current instanceof Map<?, ?> map ? map.get(key) : null;
        }
        return current;
    }

    @Test
    void fluxReleasesDependOnThePreviousPhaseWithTheCrdsReleaseFirst() throws Exception {
        Path out = dir.resolve("flux");

        CliRun.Result result =
                CliRun.run(null, "export", "--format", "flux", "--out", out.toString(), "--profile", "prod");

        assertThat(result.code()).as(result.err()).isZero();
        Map<String, Object> crds = find(objects(out.resolve("00-crds.yaml")), "HelmRelease", "obs-crds");
        assertThat(at(crds, "spec", "dependsOn")).isNull();
        assertThat(at(crds, "spec", "upgrade", "crds")).isEqualTo("CreateReplace");
        Map<String, Object> metrics = find(objects(out.resolve("01-metrics.yaml")), "HelmRelease", "obs-metrics");
        assertThat(at(metrics, "spec", "dependsOn")).isEqualTo(List.of(Map.of("name", "obs-crds")));
        assertThat(at(metrics, "spec", "chart", "spec", "version")).isEqualTo("88.5.3");
        assertThat(at(metrics, "spec", "chart", "spec", "sourceRef", "name")).isEqualTo("prometheus-community");
        assertThat(at(metrics, "spec", "values", "prometheus", "prometheusSpec", "replicas"))
                .isEqualTo(2);
        assertThat(at(metrics, "spec", "timeout")).isEqualTo("15m");
        List<Map<String, Object>> logs = objects(out.resolve("02-logs.yaml"));
        assertThat(logs)
                .isNotEmpty()
                .allSatisfy(release ->
                        assertThat(at(release, "spec", "dependsOn")).isEqualTo(List.of(Map.of("name", "obs-metrics"))));
        Map<String, Object> kustomization =
                find(objects(out.resolve("flux-kustomization.yaml")), "Kustomization", "obs-stack");
        assertThat((List<?>) at(kustomization, "spec", "healthChecks")).hasSizeGreaterThanOrEqualTo(5);
        List<Map<String, Object>> sources = objects(out.resolve("sources.yaml"));
        assertThat(sources).extracting(o -> at(o, "metadata", "name")).doesNotHaveDuplicates();
        assertThat(Files.readString(out.resolve("kustomization.yaml")))
                .contains("- sources.yaml")
                .doesNotContain("flux-kustomization");
        assertThat(Files.readString(out.resolve("README.md"))).contains("Secrets to create first");
    }

    @Test
    void anOciChartBecomesAnOciRepositoryAndAChartRef() throws Exception {
        Path config = dir.resolve("obs-bootstrap.yaml");
        Files.writeString(config, """
                apiVersion: obs-bootstrap/v1
                charts:
                  kube-prometheus-stack: {repository: oci://ghcr.io/prometheus-community/charts}
                """);
        Path out = dir.resolve("flux");

        CliRun.Result result =
                CliRun.run(null, "export", "--format", "flux", "--out", out.toString(), "-f", config.toString());

        assertThat(result.code()).as(result.err()).isZero();
        Map<String, Object> source = find(objects(out.resolve("sources.yaml")), "OCIRepository", "obs-metrics-chart");
        assertThat(at(source, "spec", "url"))
                .isEqualTo("oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack");
        assertThat(at(source, "spec", "ref", "tag")).isEqualTo("88.5.3");
        Map<String, Object> metrics = find(objects(out.resolve("01-metrics.yaml")), "HelmRelease", "obs-metrics");
        assertThat(at(metrics, "spec", "chartRef"))
                .isEqualTo(Map.of("kind", "OCIRepository", "name", "obs-metrics-chart"));
        assertThat(at(metrics, "spec", "chart")).isNull();
    }

    @Test
    void argoApplicationsCarryTheirPhaseAsSyncWaveAndTheCrdsAreServerSideApplied() throws Exception {
        Path out = dir.resolve("argo");

        CliRun.Result result = CliRun.run(null, "export", "--format", "argocd", "--out", out.toString());

        assertThat(result.code()).as(result.err()).isZero();
        Map<String, Object> crds = find(objects(out.resolve("00-crds.yaml")), "Application", "obs-crds");
        assertThat(at(crds, "metadata", "annotations", "argocd.argoproj.io/sync-wave"))
                .isEqualTo("0");
        assertThat(list(at(crds, "spec", "syncPolicy", "syncOptions"))).contains("ServerSideApply=true");
        Map<String, Object> metrics = find(objects(out.resolve("01-metrics.yaml")), "Application", "obs-metrics");
        assertThat(at(metrics, "metadata", "annotations", "argocd.argoproj.io/sync-wave"))
                .isEqualTo("1");
        assertThat(at(metrics, "spec", "source", "helm", "valuesObject")).isInstanceOf(Map.class);
        assertThat(at(metrics, "spec", "destination", "namespace")).isEqualTo("observability");
        assertThat(out.resolve("patches/argocd-cm-application-health.yaml")).exists();
        assertThat(Files.readString(out.resolve("kustomization.yaml"))).doesNotContain("argocd-cm");
    }

    @Test
    void aFleetGetsApplicationSetsWhoseValuesKeepTheirGoTemplates() throws Exception {
        String template = "{{ define \"obs.title\" }}{{ .Status }} {{ .CommonLabels.alertname }}{{ end }}";
        Path config = dir.resolve("obs-bootstrap.yaml");
        Files.writeString(
                config,
                "apiVersion: obs-bootstrap/v1\nvalues:\n  alertmanager:\n    templates:\n      title.tmpl: '" + template
                        + "'\n");
        Path out = dir.resolve("fleet");

        CliRun.Result result = CliRun.run(
                null,
                "export",
                "--format",
                "argocd",
                "--out",
                out.toString(),
                "--cluster-selector",
                "env=prod",
                "-f",
                config.toString());

        assertThat(result.code()).as(result.err()).isZero();
        Map<String, Object> set = find(objects(out.resolve("01-metrics.yaml")), "ApplicationSet", "obs-metrics");
        assertThat(at(set, "spec", "generators").toString()).contains("matchLabels={env=prod}");
        assertThat(at(set, "spec", "template", "spec", "destination", "server")).isEqualTo("{{ .server }}");
        assertThat(at(set, "spec", "template", "metadata", "name")).isEqualTo("{{ .name }}-obs-metrics");
        Map<String, Object> alerting =
                find(objects(out.resolve("04-alerting.yaml")), "ApplicationSet", "obs-alertmanager");
        String written = String.valueOf(
                at(alerting, "spec", "template", "spec", "source", "helm", "valuesObject", "templates", "title.tmpl"));
        // the ApplicationSet controller renders {{ "{{" }} back to {{: the chart gets the template as written
        assertThat(written).doesNotContain("{{ .Status").isNotEqualTo(template);
        assertThat(written.replace("{{ \"{{\" }}", "{{")).isEqualTo(template);
    }

    @Test
    void theVerifyCronJobRunsVerifyWithARoleThatOnlyReads() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("profiles"));
        Files.writeString(repo.resolve("obs-bootstrap.yaml"), "apiVersion: obs-bootstrap/v1\nprofile: team-prod\n");
        Files.writeString(repo.resolve("profiles/team-prod.yaml"), "name: team-prod\nextends: prod\n");
        Path out = dir.resolve("verify-only");

        CliRun.Result result = CliRun.run(
                null,
                "export",
                "--verify-cronjob",
                "--out",
                out.toString(),
                "-f",
                repo.resolve("obs-bootstrap.yaml").toString(),
                "--schedule",
                "*/20 * * * *");

        assertThat(result.code()).as(result.err()).isZero();
        List<Map<String, Object>> objects = objects(out.resolve("verify/verify.yaml"));
        Map<String, Object> cronJob = find(objects, "CronJob", "obs-verify");
        Map<?, ?> container = (Map<?, ?>)
                ((List<?>) at(cronJob, "spec", "jobTemplate", "spec", "template", "spec", "containers")).get(0);
        assertThat(list(container.get("args")))
                .containsSubsequence("verify", "--config", "/etc/obs-bootstrap/obs-bootstrap.yaml")
                .containsSubsequence("--profile", "team-prod");
        assertThat(at(cronJob, "spec", "jobTemplate", "spec", "backoffLimit")).isEqualTo(0);
        Map<String, Object> configMap = find(objects, "ConfigMap", "obs-verify");
        assertThat(map(configMap.get("data"))).containsKeys("obs-bootstrap.yaml", "profiles.team-prod.yaml");

        Map<String, Object> role = find(objects, "Role", "obs-verify");
        List<?> rules = (List<?>) role.get("rules");
        List<String> verbs = new ArrayList<>();
        for (Object rule : rules) {
            list(((Map<?, ?>) rule).get("verbs")).forEach(verb -> verbs.add(String.valueOf(verb)));
            if (((List<?>) ((Map<?, ?>) rule).get("resources")).contains("secrets")) {
                assertThat((List<?>) ((Map<?, ?>) rule).get("resourceNames")).isNotEmpty();
            }
        }
        assertThat(verbs).doesNotContain("*", "update", "patch", "delete", "deletecollection", "watch");
        assertThat(objects).extracting(o -> o.get("kind")).doesNotContain("ClusterRole", "ClusterRoleBinding");

        Map<String, Object> rule = find(objects, "PrometheusRule", "obs-verify");
        String expressions = rule.toString();
        assertThat(expressions)
                .contains(
                        "kube_cronjob_status_last_successful_time{namespace=\"observability\", cronjob=\"obs-verify\"}")
                .contains("> 3600"); // three periods of 20 minutes

        KubernetesApiSchemas api = KubernetesApiSchemas.forVersion("1.31.0");
        List<String> validated = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            String apiVersion = String.valueOf(object.get("apiVersion"));
            String kind = String.valueOf(object.get("kind"));
            if (api.serves(apiVersion, kind)) {
                List<SchemaViolation> violations = api.validate(apiVersion, kind, object);
                assertThat(violations).as(kind).isEmpty();
                validated.add(kind);
            }
        }
        // every built-in kind was checked against the API schema (the PrometheusRule is the operator's)
        assertThat(validated)
                .containsExactlyInAnyOrder("ServiceAccount", "Role", "RoleBinding", "ConfigMap", "CronJob");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path notEmpty = dir.resolve("mine");
        Files.createDirectories(notEmpty);
        Files.writeString(notEmpty.resolve("keep.txt"), "mine");

        CliRun.Result nothing =
                CliRun.run(null, "export", "--out", dir.resolve("a").toString());
        CliRun.Result occupied = CliRun.run(null, "export", "--format", "flux", "--out", notEmpty.toString());
        CliRun.Result schedule = CliRun.run(
                null,
                "export",
                "--verify-cronjob",
                "--schedule",
                "0 3 * * *",
                "--out",
                dir.resolve("b").toString());
        CliRun.Result selector = CliRun.run(
                null,
                "export",
                "--format",
                "flux",
                "--cluster-selector",
                "env=prod",
                "--out",
                dir.resolve("c").toString());
        CliRun.Result profile = CliRun.run(
                null,
                "export",
                "--format",
                "flux",
                "--profile",
                "prdo",
                "--out",
                dir.resolve("d").toString());

        assertThat(List.of(nothing, occupied, schedule, selector, profile))
                .allSatisfy(r -> assertThat(r.code()).as(r.err()).isEqualTo(2));
        assertThat(occupied.err()).contains("not empty and not an earlier export");
        assertThat(schedule.err()).contains("*/N * * * *");
        assertThat(profile.err()).contains("unknown profile 'prdo'");
        assertThat(dir.resolve("a")).doesNotExist();
        assertThat(dir.resolve("b")).doesNotExist();
        assertThat(dir.resolve("d")).doesNotExist();
        assertThat(notEmpty.resolve("keep.txt")).exists();
    }

    @Test
    void anEarlierExportIsReplacedWhole() throws Exception {
        Path out = dir.resolve("again");
        assertThat(CliRun.run(null, "export", "--format", "argocd", "--out", out.toString())
                        .code())
                .isZero();
        assertThat(CliRun.run(null, "export", "--format", "flux", "--out", out.toString())
                        .code())
                .isZero();

        assertThat(out.resolve("patches")).doesNotExist();
        assertThat(out.resolve("sources.yaml")).exists();
        assertThat(Optional.ofNullable(
                        out.resolve(ExportCommand.MARKER).toFile().exists()))
                .contains(true);
    }
}
