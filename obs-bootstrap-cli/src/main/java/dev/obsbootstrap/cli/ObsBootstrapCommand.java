package dev.obsbootstrap.cli;

import dev.obsbootstrap.cli.launch.Terminal;
import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ExitCode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "obs-bootstrap",
        mixinStandardHelpOptions = true,
        // every subcommand answers --help/-h and --version/-V too
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Takes a Kubernetes cluster to a working, verified observability stack: "
                + "CRDs -> metrics -> logs -> traces -> alerting, each phase proven by probes before the next starts.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok",
            "  1  verification failed (a probe did not pass)",
            "  2  bad input (config, --set, chart reference, template, usage)",
            "  3  cluster or install failure",
            " 70  internal error (a bug: please report it)",
            "130  interrupted (SIGINT, Ctrl-C)",
            "143  terminated (SIGTERM)"
        })
public final class ObsBootstrapCommand implements Callable<Integer> {
    /** The subcommands, in the order usage lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            UpCommand.class,
            PlanCommand.class,
            DiffCommand.class,
            OpenCommand.class,
            ChartsCommand.class,
            ImagesCommand.class,
            InitCommand.class,
            CompletionCommand.class,
            VerifyCommand.class,
            StatusCommand.class,
            DownCommand.class,
            VersionCommand.class,
            ValidateCommand.class,
            SmokeCommand.class,
            CompareCommand.class,
            ExportCommand.class,
            CommandLine.HelpCommand.class);

    /** Commands that read the whole command line: usage of any command, completion scripts for all. */
    private static final Set<Class<?>> NEED_ALL = Set.of(CompletionCommand.class, CommandLine.HelpCommand.class);

    @Spec
    CommandSpec spec;

    private StopSignals signals = StopSignals.none();

    /** What the process's signal handlers received; commands read it to end with 130 or 143. */
    StopSignals signals() {
        return signals;
    }

    /** With no subcommand: usage on stderr and exit 2, never an implicit default action. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.BAD_INPUT.code();
    }

    /** The one place exit codes and error printing are wired. Tests call this with their own writers. */
    public static CommandLine commandLine() {
        return commandLine(StopSignals.none());
    }

    static CommandLine commandLine(StopSignals signals) {
        return commandLine(signals, SUBCOMMANDS);
    }

    /**
     * The command line for these arguments, as the jar runs them: when the first names a command, the model of that
     * command alone. Picocli builds a command's model by reflection, and all seventeen cost plan about 0.3 s of its
     * start (without an archive; picocli's Java 5 classes are never in one); what a command prints and does is the
     * same with its siblings absent. Options before the command, a misspelt command, help and completion get them
     * all.
     */
    static CommandLine commandLine(StopSignals signals, String... args) {
        if (args.length > 0) {
            for (Class<?> command : SUBCOMMANDS) {
                if (!NEED_ALL.contains(command)
                        && command.getAnnotation(Command.class).name().equals(args[0])) {
                    return commandLine(signals, List.of(command));
                }
            }
        }
        return commandLine(signals);
    }

    private static CommandLine commandLine(StopSignals signals, List<Class<?>> subcommands) {
        ObsBootstrapCommand root = new ObsBootstrapCommand();
        root.signals = signals;
        CommandLine cli = new CommandLine(root);
        subcommands.forEach(cli::addSubcommand);
        // styled exactly when the console's progress line is (Terminal), not by picocli's own guess: the launcher
        // prints texts the build wrote from this command line and must choose the same variant (-Dpicocli.ansi
        // still decides when given; the launcher then leaves the answer to this command line)
        Ansi ansi = System.getProperty("picocli.ansi") != null ? Ansi.AUTO : Terminal.styled() ? Ansi.ON : Ansi.OFF;
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ansi));
        cli.setExecutionExceptionHandler(ObsBootstrapCommand::handleExecutionException);
        cli.setExitCodeExceptionMapper(ObsBootstrapCommand::exitCodeOf);
        cli.setParameterExceptionHandler(ObsBootstrapCommand::handleParameterException);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /** Runs the command line as the jar does: options given before the subcommand are read as its own ({@link GlobalOptions}). */
    static int execute(CommandLine cli, String... args) {
        return cli.execute(GlobalOptions.reorder(cli, args));
    }

    private static int exitCodeOf(Throwable error) {
        if (error instanceof BootstrapException bootstrap) {
            return bootstrap.exitCode().code();
        }
        return ExitCode.INTERNAL_ERROR.code();
    }

    // picocli's default for an unexpected exception is 1, which would read as "verification failed":
    // this handler decides every execution exception's code instead.
    private static int handleExecutionException(Exception error, CommandLine cli, CommandLine.ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        boolean debug = parseResult.hasMatchedOption("--debug")
                || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--debug"));
        if (error instanceof BootstrapException bootstrap) {
            err.println(cli.getColorScheme().errorText("error: " + bootstrap.getMessage()));
            if (debug) {
                bootstrap.printStackTrace(err);
            }
            err.flush();
            return bootstrap.exitCode().code();
        }
        err.println(cli.getColorScheme().errorText("error: " + internalError(error)));
        if (debug) {
            error.printStackTrace(err);
        } else {
            err.println("(run again with --debug for the stack trace)");
        }
        err.flush();
        return ExitCode.INTERNAL_ERROR.code();
    }

    /** The words for a bug of ours: exit 70, not "cluster failure", and where to report it. */
    static String internalError(Throwable error) {
        return "internal error (a bug in obs-bootstrap, not in your input or cluster): "
                + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage())
                + "; please report it with the output of --debug at https://github.com/obs-bootstrap/obs-bootstrap/issues";
    }

    private static int handleParameterException(CommandLine.ParameterException error, String[] args) {
        CommandLine cli = error.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(cli.getColorScheme().errorText("error: " + error.getMessage()));
        if (error instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()
                && GlobalOptions.meant(unmatched.getUnmatched().get(0)).isPresent()) {
            err.println("Did you mean: " + cli.getCommandSpec().qualifiedName() + " "
                    + GlobalOptions.meant(unmatched.getUnmatched().get(0)).get() + "?");
        } else {
            CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        }
        err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        // CI asked for a report (-o json, --junit): it gets one for a usage error too
        ReportOutput.forUsageError(args, cli.getCommandName(), error.getMessage(), cli.getOut(), err);
        return ExitCode.BAD_INPUT.code();
    }
}
