package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.helm.FixtureCharts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `plan` end to end through picocli, on fixture charts dressed up as every chart of the catalog (same names and
 * pinned versions), with the real catalog, profiles and values templates.
 */
@Timeout(300)
class PlanCommandTest {
    /** Which fixture shape stands in for which real chart. */
    private static final Map<String, String> SHAPES = Map.of(
            "prometheus-operator-crds", FixtureCharts.CRD_BUNDLE,
            "kube-prometheus-stack", FixtureCharts.WEB_OPERATOR,
            "opentelemetry-collector", FixtureCharts.WEB_OPERATOR,
            "loki", FixtureCharts.LOG_STORE,
            "tempo", FixtureCharts.LOG_STORE,
            "tempo-distributed", FixtureCharts.LOG_STORE,
            "alertmanager", FixtureCharts.LOG_STORE,
            "alloy", FixtureCharts.NODE_AGENT,
            "promtail", FixtureCharts.NODE_AGENT);

    @TempDir
    static Path charts;

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {}

    @BeforeAll
    static void dressFixturesAsTheCatalogsCharts() {
        ComponentCatalog.fromClasspath().components().forEach((id, component) -> {
            ChartRef chart = component.chart();
            FixtureCharts.copyAs(SHAPES.get(id), charts, chart.name(), chart.version());
        });
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ObsBootstrapCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private Result plan(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "plan", "--charts-dir", charts.toString(), "--kube-version", "1.31.0", "--out", out.toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void writesTheBundleAndPrintsThePhaseOrderAndASummary() throws IOException {
        Path out = tmp.resolve("plan-dev");

        Result result = plan(out, "--profile", "dev");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .startsWith("phase order: crds -> metrics -> logs -> traces -> alerting\n")
                .containsPattern(
                        "00-crds +obs-crds +prometheus-operator-crds@31\\.0\\.1 +observability +CustomResourceDefinition 2")
                .containsPattern(
                        "02-logs +obs-loki +loki@18\\.11\\.0 +observability +ConfigMap 1, Service 2, StatefulSet 1")
                .containsPattern("02-logs +obs-alloy +alloy@1\\.11\\.1")
                .contains("rendered for Kubernetes 1.31.0 (--kube-version)")
                .contains("replaces: obs-promtail (logs), obs-tempo-distributed (traces), where an earlier up installed"
                        + " them: up uninstalls each once its phase is verified")
                .as("the other collector and Tempo layout are information, nothing to fix")
                .contains("static checks: 0 error(s), 0 warning(s), 2 note(s)");
        assertThat(result.err())
                .contains("rendering profile dev for Kubernetes 1.31.0 (--kube-version)")
                .contains("rendering obs-loki (loki@18.11.0)");
        assertThat(out.resolve("01-metrics/obs-metrics.values.yaml")).exists();
        assertThat(out.resolve("04-alerting/obs-alertmanager.manifests.yaml")).exists();
        assertThat(Files.readString(out.resolve("02-logs/obs-loki.values.yaml")))
                .contains("deploymentMode");
        assertThat(Files.readString(out.resolve("install.sh")))
                .contains("create secret generic obs-grafana-admin --namespace observability")
                .contains("helm upgrade --install obs-loki \"$(chart loki 18.11.0 grafana-community/loki)\"")
                .contains(
                        "kubectl apply --server-side --field-manager obs-bootstrap --force-conflicts -f 00-crds/obs-crds.manifests.yaml");
        assertThat(Files.readString(out.resolve("findings.txt")).lines())
                .containsExactly(
                        "note: 02-logs: release obs-promtail: this config installs phase logs without promtail"
                                + " (promtail@6.17.1), which another of its choices installs: where an earlier `up`"
                                + " installed obs-promtail, `up` uninstalls it once the phase is verified with its"
                                + " replacement, and `down` removes it; Helm keeps its PersistentVolumeClaims and object"
                                + " storage keeps its data (docs/operations.md)",
                        "note: 03-traces: release obs-tempo-distributed: this config installs phase traces without"
                                + " tempo-distributed (tempo-distributed@2.26.2), which another of its choices installs:"
                                + " where an earlier `up` installed obs-tempo-distributed, `up` uninstalls it once the"
                                + " phase is verified with its replacement, and `down` removes it; Helm keeps its"
                                + " PersistentVolumeClaims and object storage keeps its data (docs/operations.md)");
    }

    @Test
    void theSummaryAsJsonOrYamlIsTheBundlesOwnSummaryWithWhereTheBundleIs() throws IOException {
        Path out = tmp.resolve("plan-json");

        Result json = plan(out, "--profile", "ci", "-o", "json");

        assertThat(json.exitCode()).as(json.err()).isZero();
        Map<?, ?> document =
                tools.jackson.databind.json.JsonMapper.builder().build().readValue(json.out(), Map.class);
        assertThat(document.get("directory")).isEqualTo(out.toString());
        assertThat(String.valueOf(document.get("digest"))).startsWith("sha256:");
        assertThat(document.get("profile")).isEqualTo("ci");
        assertThat((List<?>) document.get("phases")).hasSize(5);
        assertThat(json.out()).doesNotContain("phase order:");

        Result yaml = plan(tmp.resolve("plan-yaml"), "--profile", "ci", "-o", "yaml");
        Map<?, ?> fromYaml = new org.yaml.snakeyaml.Yaml().load(yaml.out());
        assertThat(fromYaml.get("phases")).isEqualTo(document.get("phases"));
    }

    @Test
    void planningTheSameConfigTwiceGivesTheSameBundle() throws IOException {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");

        assertThat(plan(first, "--profile", "ci").exitCode()).isZero();
        assertThat(plan(second, "--profile", "ci").exitCode()).isZero();
        assertThat(plan(second, "--profile", "ci").exitCode())
                .as("replacing an earlier bundle")
                .isZero();

        List<String> files = filesUnder(first);
        assertThat(filesUnder(second)).isEqualTo(files);
        for (String file : files) {
            // byte for byte: the charts' archives too, which are made reproducibly
            assertThat(second.resolve(file)).as(file).hasSameBinaryContentAs(first.resolve(file));
        }
    }

    @Test
    void aFailedStaticCheckIsExitTwoWithTheBundleAndFindingsWritten() throws IOException {
        Path out = tmp.resolve("plan-ci");

        Result result = plan(out, "--profile", "ci", "--set", "values.loki.workload.image.tag=latest");

        assertThat(result.exitCode()).isEqualTo(2);
        String finding = "02-logs/obs-loki.manifests.yaml: StatefulSet observability/obs-loki container 'loki': "
                + "image 'registry.example.test/fixtures/log-store:latest' uses the moving tag 'latest': pin a version";
        assertThat(result.err()).contains("error: " + finding);
        assertThat(result.out()).contains("static checks: 2 error(s), 0 warning(s)");
        assertThat(Files.readString(out.resolve("findings.txt"))).contains("error: " + finding);
        assertThat(out.resolve("02-logs/obs-loki.manifests.yaml")).exists();
    }

    @Test
    void theBundleCarriesItsChartsItsInputsTheChecksAndADigestOfEveryFile() throws IOException {
        Path out = tmp.resolve("sealed");

        Result result = plan(
                out,
                "--profile",
                "ci",
                "--set",
                "cluster.namespace=obs-sealed",
                "--sarif",
                tmp.resolve("plan.sarif").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .containsPattern("rendered for Kubernetes 1\\.31\\.0 \\(--kube-version\\), sha256:[0-9a-f]{64}")
                .contains("pod security: ");
        // the unpacked fixture charts, each packed into one archive Helm loads as it loads the directory
        assertThat(out.resolve("charts/loki-18.11.0.tgz")).isRegularFile();
        assertThat(out.resolve("charts/prometheus-operator-crds-31.0.1.tgz")).isRegularFile();
        assertThat(out.resolve("charts/loki")).doesNotExist();
        assertThat(Files.readString(out.resolve("inputs/plan.json")))
                .contains("\"profile\" : \"ci\"", "cluster.namespace=obs-sealed");
        assertThat(Files.readString(out.resolve("inputs/obs-bootstrap.yaml"))).contains("apiVersion: obs-bootstrap/v1");
        assertThat(Files.readString(out.resolve("checks.md")))
                .contains("Kubernetes 1.31 API", "## Pod Security", "## Component tools");
        assertThat(Files.readString(tmp.resolve("plan.sarif"))).contains("\"version\" : \"2.1.0\"");
        String digests = Files.readString(out.resolve("digests.sha256"));
        List<String> listed = digests.lines().map(line -> line.substring(66)).toList();
        assertThat(listed)
                .containsExactlyElementsOf(filesUnder(out).stream()
                        .filter(f -> !f.equals("digests.sha256"))
                        .sorted()
                        .toList());
        assertThat(Files.readString(out.resolve("README.md")))
                .contains("## What was verified where", "up --bundle DIR");
    }

    @Test
    void aPlantedUnknownFieldIsFoundByTheApiSchemaCheckWithFileLineAndKey() throws IOException {
        Path out = tmp.resolve("typo");

        Result result = plan(out, "--profile", "dev", "--set", "values.loki.workload.resources.limit.memory=64Mi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .containsPattern("error: 02-logs/obs-loki\\.manifests\\.yaml:\\d+: StatefulSet observability/obs-loki: "
                        + "spec\\.template\\.spec\\.containers\\[0\\]\\.resources\\.limit: unknown field 'limit'; did you mean 'limits'\\? "
                        + "\\(Kubernetes 1\\.31 API\\)");
        assertThat(Files.readString(out.resolve("findings.sarif")))
                .contains("\"ruleId\" : \"kubernetes-schema\"", "\"startLine\"");
    }

    @Test
    void memoryLimitsAreRequiredByTheCiProfileOnly() {
        String[] noMemory = {"--set", "values.alloy.workload.resources=null"};

        Result ci = plan(tmp.resolve("ci"), concat(new String[] {"--profile", "ci"}, noMemory));
        Result dev = plan(tmp.resolve("dev"), concat(new String[] {"--profile", "dev"}, noMemory));

        assertThat(ci.exitCode()).isEqualTo(2);
        assertThat(ci.err())
                .contains(
                        "error: 02-logs/obs-alloy.manifests.yaml: DaemonSet observability/obs-alloy container 'alloy': "
                                + "no memory request and no memory limit (profile ci requires both on every container)");
        assertThat(dev.exitCode()).as(dev.err()).isZero();
    }

    @Test
    void aKubernetesVersionTheChartsRefuseIsBadInputWithoutAStackTrace() {
        Result result = run(
                "plan",
                "--profile",
                "dev",
                "--charts-dir",
                charts.toString(),
                "--kube-version",
                "1.20.0",
                "--out",
                tmp.resolve("old").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(
                        "error: Helm cannot render release obs-metrics (kube-prometheus-stack@88.5.3) in namespace observability for Kubernetes 1.20.0")
                .contains("chart requires kubeVersion: >=1.25.0-0")
                .doesNotContain("\tat ");
    }

    @Test
    void aChartsDirHoldingAnotherVersionIsBadInputNamingBoth() {
        Result result = plan(tmp.resolve("pinned"), "--profile", "dev", "--set", "charts.loki.version=18.12.0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(charts.resolve("loki") + " holds loki version 18.11.0 but the pinned version is 18.12.0");
    }

    @Test
    void badInputIsExitTwo() {
        Result unknownProfile = plan(tmp.resolve("x"), "--profile", "nope");
        assertThat(unknownProfile.exitCode()).isEqualTo(2);
        assertThat(unknownProfile.err()).contains("nope");
        Result noOut = run("plan", "--profile", "dev");
        assertThat(noOut.exitCode()).isEqualTo(2);
        assertThat(noOut.err()).contains("Missing required option: '--out=DIR'");
        Result badVersion = run(
                "plan",
                "--profile",
                "dev",
                "--charts-dir",
                charts.toString(),
                "--kube-version",
                "one",
                "--out",
                tmp.resolve("y").toString());
        assertThat(badVersion.exitCode()).isEqualTo(2);
        assertThat(badVersion.err()).contains("'one' is not a Kubernetes version");
        Result noChartsDir = run(
                "plan",
                "--profile",
                "dev",
                "--charts-dir",
                tmp.resolve("missing").toString(),
                "--out",
                tmp.resolve("z").toString());
        assertThat(noChartsDir.exitCode()).isEqualTo(2);
        assertThat(noChartsDir.err()).contains("--charts-dir " + tmp.resolve("missing") + " is not a directory");
    }

    @Test
    void helpDescribesTheBundleAndExitsZero() {
        Result help = run("plan", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("--charts-dir=DIR")
                .contains("--kube-version=VERSION")
                .contains("--out=DIR")
                .contains("install.sh");
    }

    @Test
    void aDisabledPhaseIsShownAndNotRendered() {
        Path out = tmp.resolve("no-traces");

        Result result = plan(out, "--profile", "dev", "--set", "phases.traces=false");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("03-traces +- +- +- +disabled");
        assertThat(out.resolve("03-traces")).doesNotExist();
        assertThat(out.resolve("04-alerting")).exists();
    }

    @Test
    void receiverCredentialsBecomeASecretFromTheirReferencesNeverTheirValues() throws IOException {
        Path out = tmp.resolve("receivers");

        Result result = plan(
                out,
                "--profile",
                "dev",
                "--set",
                "alerting.receivers[0]={name: team, type: webhook, url: {fromEnv: OBS_TEST_TEAM_WEBHOOK}}",
                "--set",
                "alerting.route.receiver=team");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readString(out.resolve("install.sh")))
                .contains(
                        ": \"${OBS_TEST_TEAM_WEBHOOK:?set OBS_TEST_TEAM_WEBHOOK to the team-url of Secret obs-alertmanager-receivers}\"")
                .contains("kubectl create secret generic obs-alertmanager-receivers --namespace observability");
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
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
