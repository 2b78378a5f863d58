package dev.obsbootstrap.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validated, immutable config of one run: the file (or defaults), the profile's choices and --set applied.
 * Built only by {@link ConfigLoader}; every field is non-null.
 *
 * @param source  where it came from, for messages ("obs-bootstrap.yaml" or "<defaults>")
 * @param profile the profile, already loaded
 * @param phases  phase id -> enabled, for every phase the config or profile mentions
 * @param charts  component id -> chart, the catalog pins with the user's overrides applied
 * @param values  component id -> user values, deep-merged over the rendered template
 */
public record BootstrapConfig(
        String source,
        Profile profile,
        ClusterSettings cluster,
        Map<String, Boolean> phases,
        Map<String, ChartRef> charts,
        Map<String, Map<String, Object>> values,
        LogsSettings logs,
        AlertingSettings alerting) {

    public BootstrapConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(cluster, "cluster");
        phases = Map.copyOf(phases);
        charts = Map.copyOf(charts);
        values = Map.copyOf(values);
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(alerting, "alerting");
    }

    /** The phase ids a config or profile may switch on and off (the ids the stack modules' phases use). */
    public static final List<String> PHASE_IDS = List.of("crds", "metrics", "logs", "traces", "alerting");

    /**
     * Things in this config that work but deserve the user's attention (deprecated choices, receivers no route uses).
     * The CLI prints them as warnings before it starts.
     */
    public List<String> warnings() {
        List<String> warnings = new java.util.ArrayList<>();
        if (logs.collector() == LogCollector.PROMTAIL) {
            warnings.add(source + ": logs.collector: promtail is deprecated and reached end of life on 2026-03-02; "
                    + "switch to alloy (logs.collector: alloy)");
        }
        java.util.Set<String> routed = new java.util.HashSet<>();
        routed.add(alerting.defaultReceiver());
        alerting.routes().forEach(route -> routed.add(route.receiver()));
        for (Receiver receiver : alerting.receivers()) {
            if (!routed.contains(receiver.name())) {
                warnings.add(source + ": alerting.receivers: receiver '" + receiver.name()
                        + "' is defined but no route sends alerts to it; name it in alerting.route or alerting.routes");
            }
        }
        return List.copyOf(warnings);
    }

    /** A phase is on unless the config or profile switched it off. */
    public boolean phaseEnabled(String phaseId) {
        return phases.getOrDefault(phaseId, Boolean.TRUE);
    }

    /** The stack namespace: releases, Secrets and the ledger live here. */
    public String namespace() {
        return cluster.namespace();
    }

    public ChartRef chart(String componentId) {
        ChartRef chart = charts.get(componentId);
        if (chart == null) {
            throw new dev.obsbootstrap.core.error.ConfigException(
                    "no chart is known for component '" + componentId + "' (known: " + charts.keySet().stream().sorted().toList() + ")");
        }
        return chart;
    }

    public Map<String, Object> valuesFor(String componentId) {
        return values.getOrDefault(componentId, Map.of());
    }

    /**
     * @param context            kube context to use; "" means the kubeconfig's current context
     * @param namespace          the stack namespace
     * @param protectedContexts  exact context names refused without --yes
     * @param protectedPatterns  regular expressions; a matching context is refused without --yes
     */
    public record ClusterSettings(String context, String namespace, List<String> protectedContexts, List<String> protectedPatterns) {
        public ClusterSettings {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(namespace, "namespace");
            protectedContexts = List.copyOf(protectedContexts);
            protectedPatterns = List.copyOf(protectedPatterns);
        }

        /** True when {@code contextName} is listed, or a pattern matches all of it: `up`/`down` then need --yes. */
        public boolean isProtected(String contextName) {
            return protectedContexts.contains(contextName)
                    || protectedPatterns.stream().anyMatch(pattern -> java.util.regex.Pattern.matches(pattern, contextName));
        }
    }

    /** Log collection: which collector ships pod logs, and Loki multi-tenancy. */
    public record LogsSettings(LogCollector collector, boolean authEnabled, String tenant) {
        public LogsSettings {
            Objects.requireNonNull(collector, "collector");
            Objects.requireNonNull(tenant, "tenant");
        }
    }

    public enum LogCollector {
        ALLOY("alloy"),
        /** Legacy: Promtail is EOL since 2026-03-02. */
        PROMTAIL("promtail");

        private final String componentId;

        LogCollector(String componentId) {
            this.componentId = componentId;
        }

        /** The catalog id of the collector's chart. */
        public String componentId() {
            return componentId;
        }
    }

    /**
     * Alertmanager routing: the receivers and the route tree. {@code defaultReceiver} gets what no child route matches.
     */
    public record AlertingSettings(List<Receiver> receivers, String defaultReceiver, List<Route> routes,
                                   List<String> groupBy) {
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

        public java.util.Optional<Receiver> receiver(String name) {
            return receivers.stream().filter(receiver -> receiver.name().equals(name)).findFirst();
        }
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
    public record Receiver(String name, ReceiverType type, Map<String, String> settings, Map<String, SecretRef> credentials) {
        public Receiver {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            settings = Map.copyOf(settings);
            credentials = Map.copyOf(credentials);
        }
    }

    public enum ReceiverType { WEBHOOK, SLACK, PAGERDUTY, EMAIL }

    /**
     * Where a credential lives: an environment variable of the process running obs-bootstrap ({@code fromEnv}),
     * or a key of an existing Kubernetes Secret in the stack namespace ({@code secret}). Never a literal.
     */
    public sealed interface SecretRef {
        /** For messages and rendered bundles: names the reference, never the value. */
        String describe();

        record FromEnv(String variable) implements SecretRef {
            public FromEnv {
                Objects.requireNonNull(variable, "variable");
            }

            @Override
            public String describe() {
                return "env:" + variable;
            }
        }

        record FromSecret(String secretName, String key) implements SecretRef {
            public FromSecret {
                Objects.requireNonNull(secretName, "secretName");
                Objects.requireNonNull(key, "key");
            }

            @Override
            public String describe() {
                return "secret:" + secretName + "/" + key;
            }
        }
    }
}
