package dev.obsbootstrap.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        quietLibraryLogging(Arrays.asList(args).contains("--debug"));
        PrintWriter err = new PrintWriter(System.err, true);
        StopSignals signals = StopSignals.install(Thread.currentThread(), err, StopSignals.DEFAULT_GRACE);
        int code = ObsBootstrapCommand.commandLine(signals).execute(args);
        signals.finished();
        System.exit(code);
    }

    /**
     * Libraries that log through java.util.logging (Netty, inside fabric8's Vert.x client, reports a closed event loop
     * after an API server outage as a 45-line SEVERE stack trace) stay silent: our Console is the only voice, and
     * {@code --debug} lets them through.
     */
    static void quietLibraryLogging(boolean debug) {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(debug ? Level.INFO : Level.OFF);
        if (debug) {
            Logger.getLogger("").addHandler(new java.util.logging.ConsoleHandler());
        }
    }
}
