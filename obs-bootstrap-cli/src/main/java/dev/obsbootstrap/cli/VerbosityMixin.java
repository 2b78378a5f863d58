package dev.obsbootstrap.cli;

import picocli.CommandLine.Option;

/** -v and --debug. Read once by BaseCommand; holds no logic. */
public final class VerbosityMixin {
    @Option(
            names = {"-v", "--verbose"},
            description = "Print debug-level progress.")
    boolean verbose;

    @Option(names = "--debug", description = "Like -v, and print stack traces of errors.")
    boolean debug;

    public boolean verbose() {
        return verbose || debug;
    }

    public boolean debug() {
        return debug;
    }
}
