package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** The quick way to --help and --version prints what the full command line prints, byte for byte. */
class TopLevelAnswersTest {
    @Test
    void helpAndVersionAreTheFullCommandLinesOwn() {
        for (String flag : List.of("--help", "-h", "--version", "-V")) {
            assertThat(TopLevelAnswers.answers(new String[] {flag})).as(flag).isTrue();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = TopLevelAnswers.run(new String[] {flag}, new PrintWriter(out, true), new PrintWriter(err, true));

            CliRun.Result full = CliRun.run(null, flag);
            assertThat(code).as(flag).isEqualTo(full.code()).isZero();
            assertThat(out.toString()).as(flag).isEqualTo(full.out()).isNotBlank();
            assertThat(err.toString()).as(flag).isEqualTo(full.err());
        }
    }

    @Test
    void theUsageIsTheSameInColourToo() {
        CommandLine full = ObsBootstrapCommand.commandLine();
        CommandLine quick = TopLevelAnswers.commandLine();

        assertThat(quick.getUsageMessage(Ansi.ON)).isEqualTo(full.getUsageMessage(Ansi.ON));
        assertThat(quick.getSubcommands().keySet())
                .as("every subcommand and alias is listed")
                .containsExactlyElementsOf(full.getSubcommands().keySet());
    }

    @Test
    void anythingElseTakesTheFullCommandLine() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"help"},
                new String[] {"plan", "--help"},
                new String[] {"--help", "--debug"},
                new String[] {"version"})) {
            assertThat(TopLevelAnswers.answers(args)).as(String.join(" ", args)).isFalse();
        }
    }
}
