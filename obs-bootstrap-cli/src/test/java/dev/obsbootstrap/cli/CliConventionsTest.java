package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ComponentCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/** What users of helm and kubectl expect without reading our docs: help everywhere, options anywhere, their words. */
class CliConventionsTest {
    @Test
    void everyCommandAnswersHelpAndDashH() {
        CommandLine root = ObsBootstrapCommand.commandLine();
        for (String name : root.getSubcommands().keySet()) {
            for (String flag : List.of("--help", "-h")) {
                CliRun.Result help = CliRun.run(new ControlledProbes(), name, flag);
                assertThat(help.code())
                        .as(name + " " + flag + ": " + help.err())
                        .isZero();
                assertThat(help.out()).as(name + " " + flag).contains("Usage:");
            }
        }
    }

    @Test
    void optionsMayComeBeforeTheSubcommand() {
        CommandLine root = ObsBootstrapCommand.commandLine();

        assertThat(GlobalOptions.reorder(root, new String[] {"-n", "obs", "--debug", "status", "--profile", "ci"}))
                .containsExactly("status", "-n", "obs", "--debug", "--profile", "ci");
        assertThat(GlobalOptions.reorder(root, new String[] {"--kubeconfig=/k", "-o", "json", "version"}))
                .as("version has no --kubeconfig: left as written, so picocli names the option where the user wrote it")
                .containsExactly("--kubeconfig=/k", "-o", "json", "version");
        assertThat(GlobalOptions.reorder(root, new String[] {"--kubeconfig=/k", "status"}))
                .containsExactly("status", "--kubeconfig=/k");
        assertThat(GlobalOptions.reorder(root, new String[] {"--frobnicate", "status"}))
                .as("an option no command has stays where it was")
                .containsExactly("--frobnicate", "status");
        assertThat(GlobalOptions.reorder(root, new String[] {"-V"})).containsExactly("-V");
        assertThat(GlobalOptions.reorder(root, new String[] {"status", "-n", "obs"}))
                .containsExactly("status", "-n", "obs");
    }

    @Test
    void aHelmOrKubectlWordGetsOurCommand() {
        CliRun.Result install = CliRun.run(new ControlledProbes(), "install");
        assertThat(install.code()).isEqualTo(2);
        assertThat(install.err()).contains("Did you mean: obs-bootstrap up?");

        CliRun.Result uninstall = CliRun.run(new ControlledProbes(), "uninstall");
        assertThat(uninstall.err()).contains("Did you mean: obs-bootstrap down?");
    }

    @Test
    @SuppressWarnings("unchecked")
    void versionListsEveryPinnedChartAsTextJsonAndYaml() {
        ComponentCatalog catalog = ComponentCatalog.fromClasspath();

        CliRun.Result text = CliRun.run(new ControlledProbes(), "version");
        assertThat(text.code()).isZero();
        catalog.components()
                .values()
                .forEach(spec -> assertThat(text.out()).contains(spec.chart().coordinate()));

        CliRun.Result yaml = CliRun.run(new ControlledProbes(), "--debug", "version", "-o", "yaml");
        assertThat(yaml.code()).as(yaml.err()).isZero();
        Map<String, Object> document = new Yaml().load(yaml.out());
        assertThat(document).containsKeys("version", "helm", "java", "charts");
        assertThat((List<Map<String, Object>>) document.get("charts"))
                .extracting(chart -> chart.get("component"))
                .containsExactlyElementsOf(catalog.components().keySet());

        CliRun.Result json = CliRun.run(new ControlledProbes(), "version", "-o", "json");
        assertThat(tools.jackson.databind.json.JsonMapper.builder()
                        .build()
                        .readTree(json.out())
                        .get("charts")
                        .size())
                .isEqualTo(catalog.components().size());
    }
}
