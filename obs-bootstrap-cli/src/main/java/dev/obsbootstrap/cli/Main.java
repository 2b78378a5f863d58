package dev.obsbootstrap.cli;

import java.io.PrintWriter;
import java.util.Arrays;

/** The full command line; the jars start {@link dev.obsbootstrap.cli.launch.Launcher}, which calls this. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LibraryLogs.configure(Arrays.asList(args).contains("--debug"), System.err);
        PrintWriter err = new PrintWriter(System.err, true);
        StopSignals signals = StopSignals.install(Thread.currentThread(), err, StopSignals.DEFAULT_GRACE);
        int code = ObsBootstrapCommand.execute(ObsBootstrapCommand.commandLine(signals, args), args);
        signals.finished();
        System.exit(code);
    }
}
