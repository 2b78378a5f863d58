package dev.obsbootstrap.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the CLI in-process as {@code Main} would, with the test's writers and (optionally) the test's phases. */
final class CliRun {
    private static final List<String> CLUSTER_COMMANDS =
            List.of("up", "status", "down", "verify", "validate", "smoke", "diff");

    private CliRun() {}

    /** The output of one run. {@code err} is live while the run goes on (StringWriter is synchronized). */
    record Result(int code, String out, String err, Duration took) {}

    /**
     * {@code up --profile ci} of the fixture charts into {@code namespace} of the cluster {@code kubeconfig} names,
     * waits of 60s unless {@code extra} gives a --timeout, then {@code extra}: what every simulated-cluster test runs.
     */
    static String[] upArgs(Path kubeconfig, Path charts, String namespace, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "up",
                "--profile",
                "ci",
                "--kubeconfig",
                kubeconfig.toString(),
                "--charts-dir",
                charts.toString(),
                "-n",
                namespace));
        if (!List.of(extra).contains("--timeout")) {
            args.addAll(List.of("--timeout", "60s"));
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    static Result run(ControlledProbes probes, String... args) {
        return run(probes, new StringWriter(), args);
    }

    /** With {@code err} given by the caller, which may read it while the run goes on (another thread). */
    static Result run(ControlledProbes probes, StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        // the command line Main builds for these arguments (only the subcommand they name, when they name one)
        CommandLine cli = ObsBootstrapCommand.commandLine(StopSignals.none(), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        if (probes != null) {
            for (String name : CLUSTER_COMMANDS) {
                CommandLine sub = cli.getSubcommands().get(name);
                if (sub != null) {
                    sub.<BaseCommand>getCommand().usePhases(probes::phases);
                }
            }
        }
        long started = System.nanoTime();
        int code = ObsBootstrapCommand.execute(cli, args);
        return new Result(code, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - started));
    }
}
