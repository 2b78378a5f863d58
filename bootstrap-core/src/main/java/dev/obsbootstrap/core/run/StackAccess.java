package dev.obsbootstrap.core.run;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.SecretCredentials;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach each endpoint of the installed stack: its Service in the cluster, the command that forwards it to this
 * machine, and where its login lives (the Secret the phase declares, never the password itself). What {@code up}
 * prints at the end and {@code open} acts on.
 */
public final class StackAccess {
    /** Local ports below this need root: a Service on port 80 is forwarded to 8080, as kubectl users usually do. */
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;

    private static final int HTTP_ALTERNATE = 8080;

    private StackAccess() {}

    /**
     * One endpoint, as a person reaches it.
     *
     * @param localPort the port {@code open} and the printed command forward to on this machine
     * @param login     the Secret holding its login, when the endpoint needs one
     */
    public record Entry(ServiceEndpoint endpoint, int localPort, Optional<SecretCredentials> login) {
        public Entry {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(login, "login");
        }

        public String name() {
            return endpoint.name();
        }

        /** {@code kubectl -n NS port-forward svc/NAME LOCAL:PORT}, for people without obs-bootstrap at hand. */
        public String portForwardCommand(Optional<String> context) {
            return "kubectl" + context.map(c -> " --context " + c).orElse("") + " -n " + endpoint.namespace()
                    + " port-forward svc/" + endpoint.service() + " " + localPort + ":" + endpoint.port();
        }

        /** How to read the password (and the user) from its Secret; empty when the endpoint needs no login. */
        public Optional<String> loginCommand(Optional<String> context) {
            return login.map(
                    secret -> "kubectl" + context.map(c -> " --context " + c).orElse("") + " -n "
                            + endpoint.namespace() + " get secret " + secret.secretName() + " -o jsonpath='{.data."
                            + secret.passwordKey().replace(".", "\\.") + "}' | base64 -d");
        }
    }

    /** The endpoints of the enabled phases' components, in phase order, then by name. */
    public static List<Entry> of(PhasePlan plan, BootstrapConfig config, StackTopology topology) {
        Map<String, SecretCredentials> logins = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Phase phase : plan.ordered()) {
            if (!phase.enabled(config)) {
                continue;
            }
            logins.putAll(phase.probeCredentials(topology));
            List<String> components = phase.components(config);
            topology.endpoints().values().stream()
                    .filter(endpoint -> components.contains(endpoint.component()))
                    .sorted(Comparator.comparing(ServiceEndpoint::name))
                    .filter(endpoint -> seen.add(endpoint.name()))
                    .forEach(
                            endpoint -> entries.add(new Entry(endpoint, localPort(endpoint.port()), Optional.empty())));
        }
        return entries.stream()
                .map(entry ->
                        new Entry(entry.endpoint(), entry.localPort(), Optional.ofNullable(logins.get(entry.name()))))
                .toList();
    }

    static int localPort(int servicePort) {
        return servicePort < FIRST_UNPRIVILEGED_PORT ? HTTP_ALTERNATE : servicePort;
    }
}
