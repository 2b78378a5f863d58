package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionAndInitTest {
    @TempDir
    Path tmp;

    @Test
    void bashCompletionIsValidBashAndKnowsEverySubcommand() throws Exception {
        CliRun.Result bash = CliRun.run(null, "completion", "bash");
        assertThat(bash.code()).isZero();
        Path script = Files.writeString(tmp.resolve("obs-bootstrap.bash"), bash.out());
        // bash itself parses it and registers the completion function
        Process process = new ProcessBuilder("bash", "-c", "source " + script + " && complete -p obs-bootstrap")
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("-F _complete_obs-bootstrap obs-bootstrap");
        assertThat(bash.out()).contains("diff", "open", "charts", "images", "completion", "--kube-context");

        assertThat(CliRun.run(null, "completion", "zsh").out()).startsWith("autoload -U +X compinit && compinit");
        String fish = CliRun.run(null, "completion", "fish").out();
        assertThat(fish)
                .contains("complete -c obs-bootstrap -n __fish_use_subcommand -a diff -d 'Show what `up` would change")
                .contains("complete -c obs-bootstrap -n '__fish_seen_subcommand_from status' -s o -l output -r "
                        + "-a 'TEXT JSON YAML'");
        assertThat(CliRun.run(null, "completion", "tcsh").code()).isEqualTo(2);
    }

    @Test
    void initWritesAStarterConfigEveryCommandReadsAndKeepsAnExistingOne() throws Exception {
        Path file = tmp.resolve("obs-bootstrap.yaml");

        CliRun.Result init = CliRun.run(null, "init", "--profile", "staging", "-f", file.toString());

        assertThat(init.code()).as(init.err()).isZero();
        assertThat(Files.readString(file)).contains("apiVersion: obs-bootstrap/v1", "profile: staging");
        CliRun.Result list = CliRun.run(null, "charts", "list", "-f", file.toString());
        assertThat(list.code()).as(list.err()).isZero();

        String before = Files.readString(file);
        CliRun.Result again = CliRun.run(null, "init", "--profile", "ci", "-f", file.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("exists", "--force");
        assertThat(Files.readString(file)).isEqualTo(before);

        CliRun.Result typo = CliRun.run(
                null, "init", "--profile", "qa", "-f", tmp.resolve("other.yaml").toString());
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown profile 'qa'");
        assertThat(tmp.resolve("other.yaml")).doesNotExist();
    }
}
