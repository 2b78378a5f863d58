package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.report.Console;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Every command: parse, then {@link #doCall()} returns one named exit code. Results go to {@link #out()}
 * (stdout), everything else through {@link #console()} (stderr). Nothing happens while parsing.
 */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected VerbosityMixin verbosity;

    private Console console;

    @Override
    public final Integer call() throws Exception {
        return doCall().code();
    }

    protected abstract ExitCode doCall() throws Exception;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected Console console() {
        if (console == null) {
            console = StderrConsole.create(err(), verbosity);
        }
        return console;
    }
}
