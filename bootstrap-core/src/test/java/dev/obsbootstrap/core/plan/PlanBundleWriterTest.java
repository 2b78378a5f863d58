package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.secret.StackSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Timeout(120)
class PlanBundleWriterTest {
    @TempDir
    Path tmp;

    private PlanBundle bundle;
    private List<Finding> findings;
    private Path out;

    @BeforeEach
    void plan() {
        bundle = PlanFixtures.bundle(tmp.resolve("cache"));
        findings = new StaticChecks("ci", true, List.of()).check(bundle);
        out = tmp.resolve("bundle");
    }

    @Test
    void writesValuesAndManifestsPerPhaseAndTheSummaryFiles() throws IOException {
        List<String> written = new PlanBundleWriter().write(bundle, findings, out);

        assertThat(written)
                .containsExactly(
                        "README.md",
                        "summary.md",
                        "summary.json",
                        "findings.txt",
                        "install.sh",
                        "00-crds/obs-crds.values.yaml",
                        "00-crds/obs-crds.manifests.yaml",
                        "01-metrics/obs-metrics.values.yaml",
                        "01-metrics/obs-metrics.manifests.yaml",
                        "02-logs/obs-loki.values.yaml",
                        "02-logs/obs-loki.manifests.yaml",
                        "02-logs/obs-alloy.values.yaml",
                        "02-logs/obs-alloy.manifests.yaml");
        assertThat(filesUnder(out)).containsExactlyInAnyOrderElementsOf(written);
        assertThat(Files.readString(out.resolve("02-logs/obs-loki.values.yaml")))
                .endsWith("fullnameOverride: obs-loki\n");
        assertThat(Files.readString(out.resolve("02-logs/obs-loki.manifests.yaml")))
                .startsWith(
                        "# Manifests of release obs-loki (log-store@5.1.0) in namespace observability, rendered for Kubernetes 1.31.0")
                .contains("kind: StatefulSet");
    }

    @Test
    void theSummaryCountsResourcesByKindAndListsImages() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);

        JsonNode summary = JsonMapper.builder().build().readTree(Files.readString(out.resolve("summary.json")));
        JsonNode logs = summary.path("phases").get(2);
        JsonNode loki = logs.path("releases").get(0);
        assertThat(summary.path("profile").asString()).isEqualTo("ci");
        assertThat(summary.path("kubeVersion").asString()).isEqualTo("1.31.0");
        assertThat(logs.path("phase").asString()).isEqualTo("logs");
        assertThat(loki.path("release").asString()).isEqualTo("obs-loki");
        assertThat(loki.path("chart").asString()).isEqualTo("log-store@5.1.0");
        assertThat(loki.path("namespace").asString()).isEqualTo("observability");
        assertThat(loki.path("resources").path("StatefulSet").asInt()).isEqualTo(1);
        assertThat(loki.path("resources").path("Service").asInt()).isEqualTo(2);
        assertThat(loki.path("resources").path("ConfigMap").asInt()).isEqualTo(1);
        assertThat(loki.path("images").get(0).asString()).isEqualTo("registry.example.test/fixtures/log-store:3.7.6");
        assertThat(summary.path("phases")
                        .get(0)
                        .path("releases")
                        .get(0)
                        .path("resources")
                        .path("CustomResourceDefinition")
                        .asInt())
                .isEqualTo(2);
        assertThat(summary.path("phases").get(3).path("enabled").asBoolean()).isFalse();
        assertThat(summary.path("findings").path("errors").asInt()).isEqualTo(1);

        assertThat(Files.readString(out.resolve("summary.md")))
                .contains(
                        "| 02-logs | obs-loki | log-store@5.1.0 | observability | helm | ConfigMap 1, Service 2, StatefulSet 1 |")
                .contains(
                        "| 00-crds | obs-crds | crd-bundle@1.0.0 | observability | apply-crds | CustomResourceDefinition 2 |")
                .contains("Disabled phases: traces.")
                .contains("- `registry.example.test/fixtures/log-store:3.7.6` (obs-loki)")
                .contains("1 error(s), 0 warning(s)");
    }

    @Test
    void findingsAreWrittenOneALine() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);

        assertThat(Files.readAllLines(out.resolve("findings.txt")))
                .containsExactly(
                        "error: 02-logs/obs-alloy.manifests.yaml: DaemonSet observability/obs-alloy container 'node-agent': "
                                + "no memory request and no memory limit (profile ci requires both on every container)");
        new PlanBundleWriter().write(bundle, List.of(), out);
        assertThat(Files.readString(out.resolve("findings.txt"))).isEqualTo("no findings\n");
    }

    @Test
    void installShHasTheEquivalentHelmAndKubectlCommands() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);
        String script = Files.readString(out.resolve("install.sh"));

        assertThat(script)
                .startsWith("#!/usr/bin/env bash\n")
                .contains("set -euo pipefail")
                .contains("helm repo add charts-example-test https://charts.example.test/stable --force-update")
                .contains("helm repo add other-charts https://other-charts.github.io/helm-charts --force-update")
                .contains("kubectl create namespace observability --dry-run=client -o yaml | kubectl apply -f -")
                .contains(
                        "kubectl apply --server-side --field-manager obs-bootstrap --force-conflicts -f 00-crds/obs-crds.manifests.yaml")
                .contains("kubectl wait --for condition=Established --timeout 120s -f 00-crds/obs-crds.manifests.yaml")
                .contains(
                        "helm upgrade --install obs-metrics \"$(chart web-operator 2.3.0 charts-example-test/web-operator)\" \\\n"
                                + "  --version 2.3.0 --namespace observability --create-namespace \\\n"
                                + "  -f 01-metrics/obs-metrics.values.yaml --wait --timeout 10m\n")
                .contains("helm upgrade --install obs-loki \"$(chart log-store 5.1.0 other-charts/log-store)\"")
                .contains("# 03-traces: disabled")
                .doesNotContain("repo add charts-example-test-2");
        assertThat(script.indexOf("obs-crds.manifests.yaml")).isLessThan(script.indexOf("obs-metrics.values.yaml"));
        assertThat(script.indexOf("obs-loki.values.yaml")).isLessThan(script.indexOf("obs-alloy.values.yaml"));
        assertThat(Files.getPosixFilePermissions(out.resolve("install.sh")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void installShCreatesTheGrafanaSecretWithoutAnyLiteralPassword() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);
        String script = Files.readString(out.resolve("install.sh"));

        assertThat(script)
                .contains("if ! kubectl get secret obs-grafana-admin --namespace observability >/dev/null 2>&1; then\n"
                        + "  : \"${GRAFANA_ADMIN_PASSWORD:=$(openssl rand -base64 24)}\"\n"
                        + "  kubectl create secret generic obs-grafana-admin --namespace observability \\\n"
                        + "    --from-literal=admin-user=admin \\\n"
                        + "    --from-file=admin-password=<(printf '%s' \"$GRAFANA_ADMIN_PASSWORD\")\n"
                        + "fi\n")
                .contains("#   GRAFANA_ADMIN_PASSWORD  admin-password of Secret obs-grafana-admin");
        assertThat(script.indexOf("create secret generic obs-grafana-admin"))
                .isLessThan(script.indexOf("helm upgrade --install obs-metrics"));
    }

    @Test
    void installShIsValidBash() throws IOException, InterruptedException {
        new PlanBundleWriter().write(bundle, findings, out);

        assertBashAccepts(out.resolve("install.sh"));
    }

    @Test
    void ociChartsAreInstalledByReferenceAndRequiredVariablesAreChecked() {
        ReleaseSpec spec = new ReleaseSpec(
                "kps",
                "obs-metrics",
                "monitoring",
                new ChartRef(
                        "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
                        "kube-prometheus-stack",
                        "88.5.3"),
                tmp,
                Map.of(),
                "",
                InstallMode.HELM_RELEASE,
                Duration.ofMinutes(10));
        StackSecret webhook = new StackSecret(
                "monitoring",
                "obs-alertmanager-receivers",
                "Alertmanager receiver credentials",
                true,
                List.of(
                        new StackSecret.Key.FromEnv("team-slack-apiUrl", "SLACK_WEBHOOK_URL"),
                        new StackSecret.Key.FromSecret("pager-routingKey", "pagerduty", "routing-key")));
        PlanBundle oci = new PlanBundle(
                "prod",
                "1.31.0",
                "default",
                "test",
                List.of(new PlannedPhase(0, "metrics", "metrics", true, List.of(new RenderedRelease(spec, "")))),
                List.of(webhook));

        String script = new PlanBundleWriter().installScript(oci);
        String labelled = new PlanBundleWriter(Map.of("monitoring", "privileged")).installScript(oci);

        assertThat(script).doesNotContain("pod-security.kubernetes.io");
        assertThat(labelled)
                .contains("kubectl create namespace monitoring --dry-run=client -o yaml | kubectl apply -f -\n"
                        + "# Pod Security: the level this namespace's workloads need (checks.md lists each and why)\n"
                        + "kubectl label namespace monitoring pod-security.kubernetes.io/enforce=privileged"
                        + " pod-security.kubernetes.io/warn=privileged --overwrite\n");

        assertThat(script)
                .contains(
                        "\"$(chart kube-prometheus-stack 88.5.3 oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack)\"")
                .doesNotContain("helm repo add")
                .contains(
                        ": \"${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL to the team-slack-apiUrl of Secret obs-alertmanager-receivers}\"\n"
                                + "kubectl create secret generic obs-alertmanager-receivers --namespace monitoring \\\n"
                                + "  --from-file=team-slack-apiUrl=<(printf '%s' \"$SLACK_WEBHOOK_URL\") \\\n"
                                + "  --from-file=pager-routingKey=<(kubectl get secret pagerduty --namespace monitoring -o jsonpath='{.data.routing-key}' | base64 -d) \\\n"
                                + "  --dry-run=client -o yaml | kubectl apply --server-side --field-manager obs-bootstrap --force-conflicts -f -\n");
    }

    @Test
    void installShWithEverySecretSourceIsValidBash() throws IOException, InterruptedException {
        ReleaseSpec spec = new ReleaseSpec(
                "kps",
                "obs-metrics",
                "monitoring",
                new ChartRef("oci://ghcr.io/prometheus-community/charts", "kube-prometheus-stack", "88.5.3"),
                tmp,
                Map.of(),
                "",
                InstallMode.HELM_RELEASE,
                Duration.ofMinutes(10));
        StackSecret receivers = new StackSecret(
                "monitoring",
                "obs-alertmanager-receivers",
                "Alertmanager receiver credentials",
                true,
                List.of(
                        new StackSecret.Key.FromEnv("team-slack-apiUrl", "SLACK_WEBHOOK_URL"),
                        new StackSecret.Key.FromSecret("pager-routingKey", "pagerduty", "routing-key")));
        PlanBundle oci = new PlanBundle(
                "prod",
                "1.31.0",
                "default",
                "test",
                List.of(new PlannedPhase(0, "metrics", "metrics", true, List.of(new RenderedRelease(spec, "")))),
                List.of(PlanFixtures.grafanaAdmin(), receivers));
        Path script = tmp.resolve("install.sh");
        Files.writeString(script, new PlanBundleWriter().installScript(oci));

        assertThat(Files.readString(script))
                .contains("oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack)");
        assertBashAccepts(script);
    }

    @Test
    void aReleaseAnotherChoiceInstallsIsNamedAsANoteInTheSummaryAndInInstallSh()
            throws IOException, InterruptedException {
        ReleaseSpec spec = new ReleaseSpec(
                "collector-a",
                "obs-collector-a",
                "observability",
                new ChartRef("https://charts.example.com", "collector-a", "1.0.0"),
                tmp,
                Map.of(),
                "",
                InstallMode.HELM_RELEASE,
                Duration.ofMinutes(10));
        PlanBundle switched = new PlanBundle(
                "ci",
                "1.31.0",
                "default",
                "test",
                List.of(new PlannedPhase(
                        2,
                        "logs",
                        "logs",
                        true,
                        List.of(new RenderedRelease(spec, "")),
                        List.of(new PlannedPhase.Replaced("collector-b", "obs-collector-b", "collector-b@2.0.0")))),
                List.of());

        List<Finding> notes = new StaticChecks("ci", false, List.of()).check(switched);
        new PlanBundleWriter().write(switched, notes, out);

        assertThat(notes).singleElement().satisfies(note -> {
            assertThat(note.severity()).isEqualTo(Finding.Severity.NOTE);
            assertThat(note.rule()).isEqualTo("replaced-release");
            assertThat(note.file()).isEqualTo("02-logs");
            assertThat(note.message())
                    .contains("where an earlier `up` installed obs-collector-b, `up` uninstalls it once the phase is"
                            + " verified with its replacement");
        });
        assertThat(Files.readString(out.resolve("findings.txt"))).startsWith("note: 02-logs: release obs-collector-b:");
        assertThat(Files.readString(out.resolve("summary.md")))
                .contains("Replaces `obs-collector-b` (collector-b@2.0.0, phase logs)")
                .contains("0 error(s), 0 warning(s), 1 note(s)");
        JsonNode summary = JsonMapper.builder().build().readTree(Files.readString(out.resolve("summary.json")));
        assertThat(summary.get("phases")
                        .get(0)
                        .get("replaces")
                        .get(0)
                        .get("release")
                        .asString())
                .isEqualTo("obs-collector-b");
        assertThat(summary.get("findings").get("notes").asInt()).isEqualTo(1);
        assertThat(summary.get("findings").get("warnings").asInt()).isZero();
        String script = Files.readString(out.resolve("install.sh"));
        assertThat(script)
                .as("install.sh verifies nothing, so it only says how to remove the old release")
                .contains("#   helm uninstall obs-collector-b --namespace observability\n")
                .doesNotContainPattern("(?m)^helm uninstall");
        assertBashAccepts(out.resolve("install.sh"));
    }

    private static void assertBashAccepts(Path script) throws IOException, InterruptedException {
        Process bash = new ProcessBuilder("bash", "-n", script.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(bash.getInputStream().readAllBytes())).isEmpty();
        assertThat(bash.exitValue()).isZero();
    }

    @Test
    void theSameBundleWritesTheSameBytes() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);
        Path again = tmp.resolve("again");
        new PlanBundleWriter().write(PlanFixtures.bundle(tmp.resolve("cache")), findings, again);

        for (String file : filesUnder(out)) {
            assertThat(Files.readString(again.resolve(file))).as(file).isEqualTo(Files.readString(out.resolve(file)));
        }
        assertThat(filesUnder(again)).containsExactlyInAnyOrderElementsOf(filesUnder(out));
    }

    @Test
    void anEarlierBundleIsReplacedWithoutStalePhases() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);
        Files.createDirectories(out.resolve("04-alerting"));
        Files.writeString(out.resolve("04-alerting/obs-alertmanager.values.yaml"), "stale\n");
        Files.writeString(out.resolve("notes-of-the-reviewer.txt"), "keep me\n");

        new PlanBundleWriter().write(bundle, findings, out);

        assertThat(out.resolve("04-alerting")).doesNotExist();
        assertThat(out.resolve("notes-of-the-reviewer.txt")).hasContent("keep me");
    }

    @Test
    void aDirectoryWithOtherContentIsRefused() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("thesis.tex"), "\\documentclass{article}\n");

        assertThatThrownBy(() -> new PlanBundleWriter().write(bundle, findings, out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not empty and holds no earlier plan bundle");
        assertThat(out.resolve("thesis.tex")).exists();
        assertThat(out.resolve("install.sh")).doesNotExist();
    }

    @Test
    void theReadmeExplainsTheBundle() throws IOException {
        new PlanBundleWriter().write(bundle, findings, out);

        assertThat(Files.readString(out.resolve("README.md")))
                .contains("`02-logs`: the logs of the fixture stack")
                .contains("`03-traces`: the traces of the fixture stack (disabled)")
                .contains("CHARTS_DIR=/charts bash install.sh")
                .contains("`observability/obs-grafana-admin`: Grafana admin login")
                .contains("Helm hooks");
    }

    private static List<String> filesUnder(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
