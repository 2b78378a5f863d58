package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.secret.SecretRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code alerting:} section of the config (read by {@link AlertingSection}): the receivers and the route tree.
 * {@code defaultReceiver} gets what no child route matches.
 */
public record AlertingSettings(
        List<Receiver> receivers,
        String defaultReceiver,
        List<Route> routes,
        List<String> groupBy,
        boolean allowNoReceivers) {
    /**
     * The receiver without integrations that the Alertmanager template always renders: alerts routed to it are
     * dropped. It is the default receiver when the config names none (and the only one when it defines none).
     */
    public static final String NULL_RECEIVER = "null";

    public AlertingSettings {
        receivers = List.copyOf(receivers);
        Objects.requireNonNull(defaultReceiver, "defaultReceiver");
        routes = List.copyOf(routes);
        groupBy = List.copyOf(groupBy);
    }

    /** Settings without {@code allowNoReceivers}. */
    public AlertingSettings(
            List<Receiver> receivers, String defaultReceiver, List<Route> routes, List<String> groupBy) {
        this(receivers, defaultReceiver, routes, groupBy, false);
    }

    /**
     * Whether every alert ends at the 'null' receiver: no receiver at all, or a 'null' default with no route to any
     * other receiver (the child routes obs-bootstrap adds for Watchdog and InfoInhibitor go to 'null' too).
     */
    public boolean dropsEveryAlert() {
        return receivers.isEmpty() || (NULL_RECEIVER.equals(defaultReceiver) && routes.isEmpty());
    }

    /** This run's alerting settings (the section {@link AlertingSection} read). */
    public static AlertingSettings of(BootstrapConfig config) {
        return config.section(AlertingSection.KEY, AlertingSettings.class);
    }

    public Optional<Receiver> receiver(String name) {
        return receivers.stream()
                .filter(receiver -> receiver.name().equals(name))
                .findFirst();
    }

    /** A child route: label matchers in Alertmanager syntax (severity="critical") sending to a receiver. */
    public record Route(List<String> matchers, String receiver, boolean continueMatching) {
        public Route {
            matchers = List.copyOf(matchers);
            Objects.requireNonNull(receiver, "receiver");
        }
    }

    /**
     * A receiver. {@code settings} holds plain, non-secret fields (channel, to, from, smarthost);
     * {@code credentials} holds the secret ones (url, apiUrl, routingKey, authPassword), each a reference.
     */
    public record Receiver(
            String name, ReceiverType type, Map<String, String> settings, Map<String, SecretRef> credentials) {
        public Receiver {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            settings = Map.copyOf(settings);
            credentials = Map.copyOf(credentials);
        }
    }

    public enum ReceiverType {
        WEBHOOK,
        SLACK,
        PAGERDUTY,
        EMAIL
    }
}
