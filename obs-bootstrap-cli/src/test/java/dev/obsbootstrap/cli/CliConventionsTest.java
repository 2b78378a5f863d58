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
    void aSubcommandBuiltAloneIsTheSubcommandOfTheWholeTree() {
        CommandLine whole = ObsBootstrapCommand.commandLine();
        assertThat(whole.getSubcommands().keySet())
                .as("every subcommand in usage order, under the name its own @Command gives")
                .containsExactlyElementsOf(ObsBootstrapCommand.SUBCOMMANDS.keySet());
        whole.getSubcommands()
                .forEach((name, sub) -> assertThat(sub.getCommandName()).isEqualTo(name));
        for (String name : ObsBootstrapCommand.SUBCOMMANDS.keySet()) {
            CommandLine alone = ObsBootstrapCommand.commandLine(StopSignals.none(), name, "--help");
            if (name.equals("completion") || name.equals("help")) {
                assertThat(alone.getSubcommands())
                        .as(name + " reads the whole tree")
                        .hasSameSizeAs(whole.getSubcommands());
                continue;
            }
            assertThat(alone.getSubcommands().keySet()).containsExactly(name);
            CommandLine sub = alone.getSubcommands().get(name);
            assertThat(sub.getUsageMessage())
                    .as(name + ": the same usage (options, inherited --help/--version, nested subcommands)")
                    .isEqualTo(whole.getSubcommands().get(name).getUsageMessage());
            assertThat(sub.getColorScheme().ansi())
                    .isEqualTo(whole.getColorScheme().ansi());
            assertThat(sub.getExecutionExceptionHandler()).isSameAs(alone.getExecutionExceptionHandler());
            assertThat(sub.getParameterExceptionHandler()).isSameAs(alone.getParameterExceptionHandler());
            assertThat(sub.getExitCodeExceptionMapper()).isSameAs(alone.getExitCodeExceptionMapper());
            assertThat(sub.isCaseInsensitiveEnumValuesAllowed()).as(name).isTrue();
        }
        assertThat(ObsBootstrapCommand.commandLine(StopSignals.none(), "-n", "obs", "status")
                        .getSubcommands())
                .as("options before the subcommand: the whole tree, which GlobalOptions reorders against")
                .hasSameSizeAs(whole.getSubcommands());
        assertThat(ObsBootstrapCommand.commandLine(StopSignals.none(), "stauts").getSubcommands())
                .as("a mistyped subcommand: the whole tree, for picocli's suggestions")
                .hasSameSizeAs(whole.getSubcommands());
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
