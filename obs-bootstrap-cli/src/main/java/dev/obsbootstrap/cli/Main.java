package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The full command line; the jars start {@link dev.obsbootstrap.cli.launch.Launcher}, which calls this. */
public final class Main {
    /** The subcommands that go on to reach a cluster (ClusterSession.open). */
    private static final Set<String> CLUSTER_COMMANDS =
            Set.of("up", "down", "status", "verify", "diff", "open", "smoke");

    private Main() {}

    public static void main(String[] args) {
        List<String> arguments = Arrays.asList(args);
        boolean debug = arguments.contains("--debug");
        LibraryLogs.configure(debug, System.err);
        // the cluster client's one-off set-up runs on the other core while picocli and the config are read (not with
        // --debug, whose library log is of the real calls only, nor for help)
        if (!debug
                && !arguments.isEmpty()
                && CLUSTER_COMMANDS.contains(args[0])
                && !arguments.contains("--help")
                && !arguments.contains("-h")) {
            ClusterHub.prepareInBackground();
        }
        PrintWriter err = new PrintWriter(System.err, true);
        StopSignals signals = StopSignals.install(Thread.currentThread(), err, StopSignals.DEFAULT_GRACE);
        int code = ObsBootstrapCommand.execute(ObsBootstrapCommand.commandLine(signals, args), args);
        signals.finished();
        System.exit(code);
    }
}
