package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.DidYouMean;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ClusterException;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.run.StackAccess;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "open",
        description = {
            "Forward an endpoint of the stack (grafana, prometheus, alertmanager, ...) to this machine and print its URL; "
                    + "with --browser, open it. Runs until Ctrl-C.",
            "Like `kubectl port-forward svc/NAME`, to a ready pod behind the endpoint's Service. A login the endpoint "
                    + "needs is named (its Secret and the command that reads it), never printed."
        })
public final class OpenCommand extends BaseCommand {
    private static final Duration CHECK_EVERY = Duration.ofMillis(500);

    @Parameters(
            index = "0",
            paramLabel = "ENDPOINT",
            description = "The endpoint: grafana, prometheus, alertmanager, loki, tempo, ... (`up` lists them).")
    String endpoint;

    @Mixin
    ConfigMixin configOptions;

    @Mixin
    ClusterMixin clusterOptions;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Local port (default: the Service's port, 8080 for ports below 1024; 0: any free port).")
    Integer port;

    @Option(
            names = "--address",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "Local address to listen on (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--browser", description = "Open the URL in the desktop's browser (xdg-open, open or start).")
    boolean browser;

    @Override
    protected ExitCode doCall() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new ConfigException("--port must be between 0 and 65535, got " + port);
        }
        InetAddress listen;
        try {
            listen = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new ConfigException("--address " + address + " is not an address of this machine: " + e.getMessage());
        }
        PhasePlan plan = phasePlan();
        BootstrapConfig config = loadConfig(configOptions, clusterOptions);
        StackTopology topology = catalog().topology(config);
        List<StackAccess.Entry> entries = StackAccess.of(plan, config, topology);
        StackAccess.Entry entry = entries.stream()
                .filter(e -> e.name().equals(endpoint))
                .findFirst()
                .orElseThrow(() -> new ConfigException("no endpoint '" + endpoint
                        + "' in the enabled phases of this stack: "
                        + DidYouMean.hint(
                                endpoint,
                                entries.stream().map(StackAccess.Entry::name).toList())));
        KubeContexts.requireOne(clusterOptions, "open");
        try (ClusterHub hub = ClusterSession.open(clusterOptions, config);
                ClusterProbeContext context =
                        ClusterSession.probeContext(config, topology, hub, plan, Map.of(), "open")) {
            String kubeContext = ClusterSession.describe(hub, config, console()).context();
            int local = port == null ? entry.localPort() : port;
            LocalPortForward forward;
            try {
                forward = context.forward(endpoint, listen, local);
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                throw new ClusterException(
                        "cannot listen on " + address + ":" + local + " (" + rootMessage(e)
                                + "): pass --port with a free port, or --port 0 for any",
                        e);
            }
            try (forward) {
                String url = "http://" + (listen.isAnyLocalAddress() ? "localhost" : address) + ":"
                        + forward.getLocalPort() + "/";
                PrintWriter out = out();
                out.println(url);
                out.flush();
                console()
                        .info(
                                "forwarding %s to Service %s/%s:%d; Ctrl-C to stop",
                                url,
                                entry.endpoint().namespace(),
                                entry.endpoint().service(),
                                entry.endpoint().port());
                entry.loginCommand(Optional.of(kubeContext))
                        .ifPresent(command -> console()
                                .info(
                                        "login: Secret %s/%s; the password: %s",
                                        entry.endpoint().namespace(),
                                        entry.login().orElseThrow().secretName(),
                                        command));
                if (browser) {
                    openBrowser(url);
                }
                while (forward.isAlive()) {
                    if (!forward.getServerThrowables().isEmpty()) {
                        throw new ClusterException("the port-forward to "
                                + entry.endpoint().service() + " broke: "
                                + rootMessage(
                                        forward.getServerThrowables().iterator().next())
                                + " (the pod may be gone: run open again)");
                    }
                    try {
                        Thread.sleep(CHECK_EVERY.toMillis());
                    } catch (InterruptedException stopped) {
                        // Ctrl-C is how open ends: the forward closes, the exit code says a signal stopped it
                        console().info("stopped forwarding %s", url);
                        return signals().exitCode().orElse(ExitCode.INTERRUPTED);
                    }
                }
                throw new ClusterException(
                        "the port-forward to " + entry.endpoint().service() + " stopped");
            } catch (IOException e) {
                throw new ClusterException("closing the port-forward failed: " + e.getMessage(), e);
            }
        }
    }

    private void openBrowser(String url) {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        List<String> command = os.contains("mac")
                ? List.of("open", url)
                : os.contains("win") ? List.of("cmd", "/c", "start", "", url) : List.of("xdg-open", url);
        try {
            new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            console().warn("cannot open a browser (%s): open %s yourself", e.getMessage(), url);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
