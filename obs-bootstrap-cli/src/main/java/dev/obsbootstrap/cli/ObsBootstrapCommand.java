package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.BootstrapException;
import dev.obsbootstrap.core.error.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(
        name = "obs-bootstrap",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Takes a Kubernetes cluster to a working, verified observability stack: "
                + "CRDs -> metrics -> logs -> traces -> alerting, each phase proven by probes before the next starts.",
        subcommands = {
                UpCommand.class,
                PlanCommand.class,
                VerifyCommand.class,
                StatusCommand.class,
                DownCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  ok",
                "  1  verification failed (a probe did not pass)",
                "  2  bad input (config, --set, chart reference, template, usage)",
                "  3  cluster or install failure",
                "130  interrupted"
        })
public final class ObsBootstrapCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** With no subcommand: usage on stderr and exit 2, never an implicit default action. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.BAD_INPUT.code();
    }

    /** The one place exit codes and error printing are wired. Tests call this with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ObsBootstrapCommand());
        cli.setExecutionExceptionHandler(ObsBootstrapCommand::handleExecutionException);
        cli.setExitCodeExceptionMapper(ObsBootstrapCommand::exitCodeOf);
        cli.setParameterExceptionHandler(ObsBootstrapCommand::handleParameterException);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    private static int exitCodeOf(Throwable error) {
        if (error instanceof BootstrapException bootstrap) {
            return bootstrap.exitCode().code();
        }
        return ExitCode.CLUSTER_FAILURE.code();
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
        err.println(cli.getColorScheme().errorText("error: unexpected " + error.getClass().getSimpleName() + ": " + error.getMessage()));
        if (debug) {
            error.printStackTrace(err);
        } else {
            err.println("(run again with --debug for the stack trace, and please report it)");
        }
        err.flush();
        return ExitCode.CLUSTER_FAILURE.code();
    }

    private static int handleParameterException(CommandLine.ParameterException error, String[] args) {
        CommandLine cli = error.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(cli.getColorScheme().errorText("error: " + error.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCode.BAD_INPUT.code();
    }
}
