package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ExitCode;
import java.io.PrintWriter;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

@Command(
        name = "completion",
        description = {
            "Print a shell completion script: bash, zsh or fish.",
            "bash: source <(obs-bootstrap completion bash), or save it under /etc/bash_completion.d/.",
            "zsh:  source <(obs-bootstrap completion zsh) (bash-style completion through bashcompinit).",
            "fish: obs-bootstrap completion fish > ~/.config/fish/completions/obs-bootstrap.fish"
        })
public final class CompletionCommand extends BaseCommand {
    enum Shell {
        BASH,
        ZSH,
        FISH
    }

    @Parameters(index = "0", paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    @Override
    protected ExitCode doCall() {
        CommandLine root = spec.root().commandLine();
        String name = spec.root().name();
        PrintWriter out = out();
        switch (shell) {
            case BASH -> out.print(AutoComplete.bash(name, root));
            case ZSH -> {
                // picocli's script works in zsh through bashcompinit, as its own documentation says
                out.println("autoload -U +X compinit && compinit");
                out.println("autoload -U +X bashcompinit && bashcompinit");
                out.print(AutoComplete.bash(name, root));
            }
            case FISH -> out.print(fish(name, root));
        }
        out.flush();
        return ExitCode.OK;
    }

    /** fish's own format, from the same command model picocli completes bash from: subcommands, their options and enum values. */
    static String fish(String name, CommandLine root) {
        StringBuilder script =
                new StringBuilder("# fish completion for " + name + " (obs-bootstrap completion fish)\n");
        script.append("complete -c ").append(name).append(" -f\n");
        for (Map.Entry<String, CommandLine> entry : root.getSubcommands().entrySet()) {
            CommandSpec sub = entry.getValue().getCommandSpec();
            script.append("complete -c ")
                    .append(name)
                    .append(" -n __fish_use_subcommand -a ")
                    .append(entry.getKey())
                    .append(" -d ")
                    .append(quote(first(sub.usageMessage().description())))
                    .append('\n');
            for (OptionSpec option : sub.options()) {
                if (option.hidden()) {
                    continue;
                }
                StringBuilder line = new StringBuilder(
                        "complete -c " + name + " -n '__fish_seen_subcommand_from " + entry.getKey() + "'");
                for (String optionName : option.names()) {
                    line.append(
                            optionName.startsWith("--")
                                    ? " -l " + optionName.substring(2)
                                    : " -s " + optionName.substring(1));
                }
                if (option.arity().max() > 0) {
                    line.append(" -r");
                    if (option.completionCandidates() != null) {
                        line.append(" -a ").append(quote(String.join(" ", option.completionCandidates())));
                    }
                }
                line.append(" -d ").append(quote(first(option.description())));
                script.append(line).append('\n');
            }
        }
        return script.toString();
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    private static String quote(String text) {
        String plain = text.replaceAll("\\$\\{[A-Z-]+}", "").replace("'", "\\'");
        return "'" + (plain.length() > 80 ? plain.substring(0, 77) + "..." : plain) + "'";
    }
}
