package dev.obsbootstrap.cli;

import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code obs-bootstrap --help} and {@code --version} (and {@code -h}, {@code -V}) without building every command's
 * model. picocli builds the full command line (every subcommand, its mixins and options, by reflection) before it
 * looks at the arguments; that was most of the start-up time of these two, which need only the top command and each
 * subcommand's name and one line of description. Both are read from the same {@code @Command} annotations the full
 * command line is built from, and a test holds the output of both ways equal.
 */
final class TopLevelAnswers {
    private static final Set<String> ANSWERED = Set.of("--help", "-h", "--version", "-V");

    private TopLevelAnswers() {}

    /** True for exactly one argument that asks for the top command's usage or version. */
    static boolean answers(String[] args) {
        return args.length == 1 && ANSWERED.contains(args[0]);
    }

    /** Prints the usage or version as the full command line would, to {@code out}, and returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** The top command with its own options, and each subcommand as a name, aliases and description only. */
    static CommandLine commandLine() {
        Command root = ObsBootstrapCommand.class.getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.create().name(root.name()).mixinStandardHelpOptions(true);
        spec.versionProvider(new VersionProvider());
        spec.usageMessage()
                .description(root.description())
                .footerHeading(root.footerHeading())
                .footer(root.footer());
        for (Class<?> type : root.subcommands()) {
            Command command = type.getAnnotation(Command.class);
            CommandSpec sub = CommandSpec.create().name(command.name()).aliases(command.aliases());
            sub.usageMessage()
                    .header(command.header())
                    .description(command.description())
                    .hidden(command.hidden());
            spec.addSubcommand(command.name(), sub);
        }
        return new CommandLine(spec);
    }
}
