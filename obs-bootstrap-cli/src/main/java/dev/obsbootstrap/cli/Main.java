package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The full command line; the jars start {@link dev.obsbootstrap.cli.launch.Launcher}, which calls this. */
public final class Main {
    /** The subcommands that go on to reach a cluster (ClusterSession.open). */
    private static final Set<String> CLUSTER_COMMANDS =
            Set.of("up", "down", "status", "verify", "diff", "open", "smoke");

    /** The subcommands that render every phase's values before anything else ({@code PlanCommand.writePlan}). */
    private static final Set<String> RENDERING_COMMANDS = Set.of("plan", "validate", "smoke");

    /** Set by bin/obs-bootstrap to the class list this JVM records, when it records one. */
    static final String CLASS_LIST_PROPERTY = "obs-bootstrap.classlist";

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
        // plan's first Helm render waits for the first values: the template engine is made ready on the other core
        // meanwhile (validate and smoke plan first too, unless given a bundle; A/B through bin/obs-bootstrap, plan
        // --profile ci with the real charts, 10 interleaved pairs: -215 ms wall, median pair difference)
        if (!arguments.isEmpty()
                && RENDERING_COMMANDS.contains(args[0])
                && arguments.stream().noneMatch(a -> a.equals("--bundle") || a.startsWith("--bundle="))
                && !arguments.contains("--help")
                && !arguments.contains("-h")) {
            ValuesRenderer.prepareInBackground();
            // and so are the built-in catalogs the config load reads (A/B as above, 2 x 12 pairs: -70 and -60 ms;
            // loading Helm's library from here as well made it +30 ms: one thread too many for two cores this early)
            BuiltInCatalogs.prepareInBackground();
        }
        PrintWriter err = new PrintWriter(System.err, true);
        StopSignals signals = StopSignals.install(Thread.currentThread(), err, StopSignals.DEFAULT_GRACE);
        int code = ObsBootstrapCommand.execute(ObsBootstrapCommand.commandLine(signals, args), args);
        signals.finished();
        if (code != 0) {
            forgetClassList();
        }
        System.exit(code);
    }

    /**
     * bin/obs-bootstrap has the first {@code up} or {@code plan} record the classes it loads, for an AppCDS archive
     * dumped by a later start ({@code -XX:DumpLoadedClassList}, the file this property names). A run that failed may
     * have stopped before it loaded most of them (a wrong kubeconfig path: a few hundred of the ~6,000), and the
     * archive dumped from its list would hold that little for good: the list is dropped, and the next run records
     * again. The JVM keeps writing into the unlinked file until it exits.
     */
    private static void forgetClassList() {
        String list = System.getProperty(CLASS_LIST_PROPERTY, "");
        if (!list.isEmpty()) {
            try {
                Files.deleteIfExists(Path.of(list));
            } catch (IOException | RuntimeException notOurs) {
                // a list that stays is dumped as before: only slower starts follow
            }
        }
    }
}
