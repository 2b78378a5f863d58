package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.helm.ChartRepositoryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * charts outdated against a registry on 127.0.0.1 (the client speaks plain http to loopback registries, as helm's
 * --plain-http): every component's chart moved there by the config, tags as the OCI distribution API lists them.
 */
class ChartsOutdatedCommandTest {
    private final MockWebServer registry = new MockWebServer();

    @TempDir
    Path dir;

    /** chart name -> its tags (the registry's tags/list). */
    private static final Map<String, String> TAGS = Map.of(
            "prometheus-operator-crds", "[\"31.0.1\", \"31.2.0\", \"32.0.0\", \"33.0.0-rc.1\"]",
            "kube-prometheus-stack", "[\"88.5.3\", \"88.6.0\", \"89.0.1\"]",
            "loki", "[\"18.11.0\"]",
            "alloy", "[\"1.11.1\", \"1.12.0\"]",
            "promtail", "[\"6.17.1\"]",
            "tempo", "[\"2.2.4\"]",
            "tempo-distributed", "[\"2.26.2\"]",
            "opentelemetry-collector", "[\"0.170.0\"]",
            "alertmanager", "[\"1.42.0\"]");

    @BeforeEach
    void start() throws Exception {
        registry.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String target = request.getTarget();
                for (Map.Entry<String, String> chart : TAGS.entrySet()) {
                    if (target.equals("/v2/charts/" + chart.getKey() + "/tags/list")) {
                        return new MockResponse.Builder()
                                .body("{\"name\":\"charts/" + chart.getKey() + "\",\"tags\":" + chart.getValue() + "}")
                                .build();
                    }
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Path config(String loki) throws Exception {
        StringBuilder yaml = new StringBuilder("apiVersion: obs-bootstrap/v1\ncharts:\n");
        for (String chart : TAGS.keySet()) {
            String repository = chart.equals("loki") ? loki : "oci://127.0.0.1:" + registry.getPort() + "/charts";
            yaml.append("  ")
                    .append(chart)
                    .append(": {repository: ")
                    .append(repository)
                    .append("}\n");
        }
        Path file = dir.resolve("obs-bootstrap.yaml");
        Files.writeString(file, yaml.toString());
        return file;
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ChartsOutdatedCommand command = new ChartsOutdatedCommand();
        command.useRepositories(ChartRepositoryClient.create());
        // wired under the root here (exit codes, error handling) as `charts outdated` will be under the charts parent
        CommandLine cli = ObsBootstrapCommand.commandLine();
        cli.addSubcommand("outdated", command);
        cli.setCaseInsensitiveEnumValuesAllowed(true); // reaches only the subcommands present when set
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "outdated";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = cli.execute(full);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void newerChartsAreListedBreakingMajorsNamedAndTheCrdsGoFirst() throws Exception {
        Path config = config("oci://127.0.0.1:" + registry.getPort() + "/charts");

        Run run = run("-f", config.toString());

        assertThat(run.code()).as(run.err()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern(
                        "kube-prometheus-stack\\s+kube-prometheus-stack\\s+88\\.5\\.3\\s+88\\.6\\.0\\s+89\\.0\\.1\\s+breaking major")
                .containsPattern("alloy\\s+alloy\\s+1\\.11\\.1\\s+1\\.12\\.0\\s+1\\.12\\.0\\s+update")
                .containsPattern("loki\\s+loki\\s+18\\.11\\.0\\s+-\\s+-\\s+up to date")
                .doesNotContain("33.0.0-rc.1");
        String path = run.out().substring(run.out().indexOf("upgrade path:"));
        assertThat(path)
                .contains("1. prometheus-operator-crds 31.0.1 -> 32.0.0 (breaking: chart major 31 -> 32")
                .contains("CRDs first");
        assertThat(path.indexOf("prometheus-operator-crds")).isLessThan(path.indexOf("kube-prometheus-stack"));
        assertThat(path)
                .contains("kube-prometheus-stack 88.5.3 -> 89.0.1 (breaking: chart major 88 -> 89")
                .contains("or stay in the major with 88.6.0");
    }

    @Test
    void anUnreachableRepositoryIsExitThreeNamingItWhileTheOthersAreStillListed() throws Exception {
        // a port nothing listens on: connection refused at once
        Path config = config("oci://127.0.0.1:1/charts");

        Run run = run("-f", config.toString(), "-o", "json");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach 1 chart repository").contains("oci://127.0.0.1:1/charts/loki");
        assertThat(run.out()).contains("\"unreachable\"").contains("\"component\" : \"alloy\"");
    }

    @Test
    void everyPinAtItsNewestIsExitZero() throws Exception {
        Path config = dir.resolve("current.yaml");
        StringBuilder yaml = new StringBuilder("apiVersion: obs-bootstrap/v1\ncharts:\n");
        Map<String, String> newest = Map.of(
                "prometheus-operator-crds", "32.0.0",
                "kube-prometheus-stack", "89.0.1",
                "alloy", "1.12.0");
        for (String chart : TAGS.keySet()) {
            yaml.append("  ")
                    .append(chart)
                    .append(": {repository: oci://127.0.0.1:")
                    .append(registry.getPort())
                    .append("/charts")
                    .append(newest.containsKey(chart) ? ", version: " + newest.get(chart) : "")
                    .append("}\n");
        }
        Files.writeString(config, yaml.toString());

        Run run = run("-f", config.toString());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).doesNotContain("upgrade path");
    }
}
