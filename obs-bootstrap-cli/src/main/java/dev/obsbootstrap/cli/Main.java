package dev.obsbootstrap.cli;

import java.io.PrintWriter;
import java.util.Arrays;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (TopLevelAnswers.answers(args)) {
            // start-up path: no library logs, signals or command models are needed to print a usage or version
            System.exit(
                    TopLevelAnswers.run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
        }
        LibraryLogs.configure(Arrays.asList(args).contains("--debug"), System.err);
        PrintWriter err = new PrintWriter(System.err, true);
        StopSignals signals = StopSignals.install(Thread.currentThread(), err, StopSignals.DEFAULT_GRACE);
        int code = ObsBootstrapCommand.execute(ObsBootstrapCommand.commandLine(signals), args);
        signals.finished();
        System.exit(code);
    }
}
