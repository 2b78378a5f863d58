package dev.obsbootstrap.alerting;

import dev.obsbootstrap.alerting.AlertingSettings.Receiver;
import dev.obsbootstrap.alerting.AlertingSettings.ReceiverType;
import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.Checks;
import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.DidYouMean;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.config.YamlTree;
import dev.obsbootstrap.core.config.YamlTree.ListNode;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.config.YamlTree.Scalar;
import dev.obsbootstrap.core.secret.SecretRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code alerting:} section of the config, which the alerting phase owns: receivers (plain settings checked per
 * type, credentials only as references), the root route and child routes (every receiver they name must exist).
 */
public final class AlertingSection implements ConfigSection<AlertingSettings> {
    public static final String KEY = "alerting";
    static final List<String> DEFAULT_GROUP_BY = List.of("alertname", "namespace");
    private static final List<String> ALERTING_KEYS = List.of("receivers", "route", "routes", "allowNoReceivers");
    private static final List<String> ROUTE_KEYS = List.of("receiver", "groupBy");
    private static final List<String> CHILD_ROUTE_KEYS = List.of("matchers", "receiver", "continue");
    private static final List<String> CREDENTIAL_KEYS = List.of("fromEnv", "secret");
    private static final List<String> SECRET_KEYS = List.of("name", "key");
    private static final List<String> TYPES = Arrays.stream(ReceiverType.values())
            .map(type -> type.name().toLowerCase(Locale.ROOT))
            .toList();

    /** Per type: the plain fields, the credential fields, and which of each are required. */
    private record TypeShape(
            List<String> plain,
            List<String> required,
            List<String> credentials,
            List<String> requiredCredentials,
            List<String> booleans) {
        List<String> allKeys() {
            List<String> keys = new ArrayList<>(List.of("name", "type"));
            keys.addAll(plain);
            keys.addAll(credentials);
            return keys;
        }
    }

    private static final Map<ReceiverType, TypeShape> SHAPES = Map.of(
            ReceiverType.WEBHOOK,
                    new TypeShape(
                            List.of("sendResolved"),
                            List.of(),
                            List.of("url"),
                            List.of("url"),
                            List.of("sendResolved")),
            ReceiverType.SLACK,
                    new TypeShape(
                            List.of("channel", "sendResolved"),
                            List.of("channel"),
                            List.of("apiUrl"),
                            List.of("apiUrl"),
                            List.of("sendResolved")),
            ReceiverType.PAGERDUTY,
                    new TypeShape(
                            List.of("sendResolved"),
                            List.of(),
                            List.of("routingKey"),
                            List.of("routingKey"),
                            List.of("sendResolved")),
            ReceiverType.EMAIL,
                    new TypeShape(
                            List.of("to", "from", "smarthost", "authUsername", "requireTls", "sendResolved"),
                            List.of("to", "from", "smarthost"),
                            List.of("authPassword"),
                            List.of(),
                            List.of("requireTls", "sendResolved")));

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<AlertingSettings> type() {
        return AlertingSettings.class;
    }

    @Override
    public AlertingSettings read(NodeReader reader, Optional<MapNode> alerting, String path) {
        return new Reading(reader).read(alerting);
    }

    /** Receivers no route uses are defined for nothing: worth a warning, not an error. */
    @Override
    public List<String> warnings(AlertingSettings alerting, String source) {
        List<String> warnings = new ArrayList<>();
        java.util.Set<String> routed = new java.util.HashSet<>();
        routed.add(alerting.defaultReceiver());
        alerting.routes().forEach(route -> routed.add(route.receiver()));
        for (Receiver receiver : alerting.receivers()) {
            if (!routed.contains(receiver.name())) {
                warnings.add(source + ": alerting.receivers: receiver '" + receiver.name()
                        + "' is defined but no route sends alerts to it; name it in alerting.route or alerting.routes");
            }
        }
        return warnings;
    }

    /**
     * config.alerting.{defaultReceiver, groupBy, credentialsSecret}, .receivers[].{name, type, settings.&lt;alertmanager_field&gt;,
     * credentials[].{field, secretKey, reference}}, .routes[].{matchers, receiver, continue}. Credentials appear only
     * as the Secret key that will hold them and their reference (env:NAME, secret:name/key), never as values.
     */
    @Override
    public Map<String, Object> templateView(AlertingSettings alerting) {
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> receivers = new ArrayList<>();
        for (Receiver receiver : alerting.receivers()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", receiver.name());
            entry.put("type", receiver.type().name().toLowerCase(Locale.ROOT));
            Map<String, Object> settings = new java.util.TreeMap<>();
            receiver.settings().forEach((key, value) -> settings.put(snakeCase(key), value));
            entry.put("settings", settings);
            List<Object> credentials = new ArrayList<>();
            new java.util.TreeMap<>(receiver.credentials()).forEach((field, reference) -> {
                Map<String, Object> credential = new LinkedHashMap<>();
                credential.put("field", field);
                credential.put("secretKey", ReceiverCredentialsSecret.key(receiver.name(), field));
                credential.put("reference", reference.describe());
                credentials.add(credential);
            });
            entry.put("credentials", credentials);
            receivers.add(entry);
        }
        map.put("receivers", receivers);
        map.put("defaultReceiver", alerting.defaultReceiver());
        List<Object> routes = new ArrayList<>();
        for (Route route : alerting.routes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("matchers", List.copyOf(route.matchers()));
            entry.put("receiver", route.receiver());
            entry.put("continue", route.continueMatching());
            routes.add(entry);
        }
        map.put("routes", routes);
        map.put("groupBy", List.copyOf(alerting.groupBy()));
        map.put("allowNoReceivers", alerting.allowNoReceivers());
        map.put("credentialsSecret", ReceiverCredentialsSecret.NAME);
        return map;
    }

    /** authUsername -> auth_username: receiver settings become Alertmanager's own field names. */
    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** One read of the section: problems go to the reader, names seen so far are kept for route checks. */
    private static final class Reading {
        private final NodeReader reader;

        Reading(NodeReader reader) {
            this.reader = reader;
        }

        AlertingSettings read(Optional<MapNode> alerting) {
            alerting.ifPresent(map -> reader.allowOnly(map, "alerting", ALERTING_KEYS));
            Map<String, Node> receiverNames = new LinkedHashMap<>();
            List<Receiver> receivers = alerting.flatMap(map -> reader.listField(map, "alerting", "receivers"))
                    .map(list -> receivers(list, receiverNames))
                    .orElse(List.of());

            String defaultReceiver = AlertingSettings.NULL_RECEIVER;
            List<String> groupBy = DEFAULT_GROUP_BY;
            Optional<MapNode> route = alerting.flatMap(map -> reader.mapField(map, "alerting", "route"));
            if (route.isPresent()) {
                reader.allowOnly(route.get(), "alerting.route", ROUTE_KEYS);
                defaultReceiver = receiverRef(route.get(), "alerting.route", receiverNames, false)
                        .orElse(AlertingSettings.NULL_RECEIVER);
                Optional<Node> groupByNode = reader.field(route.get(), "groupBy");
                if (groupByNode.isPresent()) {
                    groupBy = reader.asStrings(groupByNode.get(), "alerting.route.groupBy")
                            .orElse(DEFAULT_GROUP_BY);
                    groupBy.forEach(label -> Checks.labelName(label)
                            .ifPresent(
                                    message -> reader.problem(groupByNode.get(), "alerting.route.groupBy", message)));
                }
            }
            List<Route> routes = alerting.flatMap(map -> reader.listField(map, "alerting", "routes"))
                    .map(list -> routes(list, receiverNames))
                    .orElse(List.of());
            boolean allowNoReceivers = alerting.flatMap(map -> reader.boolField(map, "alerting", "allowNoReceivers"))
                    .orElse(false);
            return new AlertingSettings(receivers, defaultReceiver, routes, groupBy, allowNoReceivers);
        }

        private List<Receiver> receivers(ListNode list, Map<String, Node> names) {
            List<Receiver> receivers = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                String path = NodeReader.index("alerting.receivers", i);
                Node item = list.items().get(i);
                if (NodeReader.isNull(item)) {
                    reader.problem(item, path, "empty list item; remove it or describe a receiver");
                    continue;
                }
                reader.asMap(item, path)
                        .flatMap(map -> receiver(map, path, names))
                        .ifPresent(receivers::add);
            }
            return receivers;
        }

        private Optional<Receiver> receiver(MapNode map, String path, Map<String, Node> names) {
            Optional<String> name = receiverName(map, path, names);
            Optional<Node> typeNode =
                    reader.required(map, path, "type", "set it to one of: " + String.join(", ", TYPES));
            Optional<String> typeText = typeNode.flatMap(node -> reader.asString(node, path + ".type"));
            if (typeText.isPresent() && !TYPES.contains(typeText.get())) {
                reader.problem(
                        typeNode.get(),
                        path + ".type",
                        "unknown receiver type '" + NodeReader.echo(typeText.get()) + "'; "
                                + DidYouMean.hint(typeText.get(), TYPES));
                return Optional.empty();
            }
            if (typeText.isEmpty()) {
                return Optional.empty();
            }
            ReceiverType type = ReceiverType.valueOf(typeText.get().toUpperCase(Locale.ROOT));
            TypeShape shape = SHAPES.get(type);
            reader.allowOnly(map, path, shape.allKeys());

            Map<String, String> settings = new LinkedHashMap<>();
            for (String key : shape.plain()) {
                Optional<String> value = shape.booleans().contains(key)
                        ? reader.boolField(map, path, key).map(String::valueOf)
                        : shape.required().contains(key)
                                ? reader.requiredString(map, path, key, "a " + typeText.get() + " receiver needs it")
                                : reader.stringField(map, path, key);
                value.ifPresent(v -> settings.put(key, v));
            }
            checkPlainValues(type, map, path, settings);

            Map<String, SecretRef> credentials = new LinkedHashMap<>();
            for (String key : shape.credentials()) {
                Optional<Node> node = shape.requiredCredentials().contains(key)
                        ? reader.required(
                                map,
                                path,
                                key,
                                "reference it with {fromEnv: VARIABLE} or {secret: {name: SECRET, key: KEY}}")
                        : reader.field(map, key);
                node.flatMap(n -> credential(n, path + "." + key)).ifPresent(ref -> credentials.put(key, ref));
            }
            if (type == ReceiverType.EMAIL
                    && settings.containsKey("authUsername")
                            != reader.field(map, "authPassword").isPresent()) {
                String missing = settings.containsKey("authUsername") ? "authPassword" : "authUsername";
                reader.problem(
                        map,
                        path + "." + missing,
                        "missing; SMTP authentication needs both authUsername and authPassword");
            }
            if (name.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Receiver(name.get(), type, settings, credentials));
        }

        private Optional<String> receiverName(MapNode map, String path, Map<String, Node> names) {
            Optional<Node> node = reader.required(map, path, "name", "give the receiver a name routes can refer to");
            Optional<String> name = node.flatMap(n -> reader.asString(n, path + ".name"));
            if (name.isEmpty()) {
                return Optional.empty();
            }
            if (name.get().equals(AlertingSettings.NULL_RECEIVER)) {
                reader.problem(
                        node.get(),
                        path + ".name",
                        "'null' is the built-in receiver that drops alerts; choose another name");
                return Optional.empty();
            }
            Optional<String> wrong = Checks.dnsLabel(name.get());
            if (wrong.isPresent()) {
                reader.problem(node.get(), path + ".name", wrong.get());
                return Optional.empty();
            }
            Node first = names.putIfAbsent(name.get(), node.get());
            if (first != null) {
                reader.problem(
                        node.get(),
                        path + ".name",
                        "duplicate receiver name '" + name.get() + "' (first at " + first.location()
                                + "); receiver names must be unique");
                return Optional.empty();
            }
            return name;
        }

        private void checkPlainValues(ReceiverType type, MapNode map, String path, Map<String, String> settings) {
            if (type == ReceiverType.SLACK
                    && settings.containsKey("channel")
                    && settings.get("channel").isBlank()) {
                reader.problem(
                        map.entry("channel").orElseThrow().value(),
                        path + ".channel",
                        "must not be empty; write it like '#oncall'");
            }
            if (type == ReceiverType.EMAIL) {
                for (String key : List.of("to", "from")) {
                    if (settings.containsKey(key)) {
                        Checks.emailAddresses(settings.get(key))
                                .ifPresent(message -> reader.problem(
                                        map.entry(key).orElseThrow().value(), path + "." + key, message));
                    }
                }
                if (settings.containsKey("smarthost")) {
                    Checks.hostPort(settings.get("smarthost"))
                            .ifPresent(message -> reader.problem(
                                    map.entry("smarthost").orElseThrow().value(), path + ".smarthost", message));
                }
            }
        }

        /**
         * A credential is a reference, never the secret itself: {@code {fromEnv: VARIABLE}} or
         * {@code {secret: {name: SECRET, key: KEY}}}. Messages here never repeat what was written.
         */
        private Optional<SecretRef> credential(Node node, String path) {
            if (node instanceof Scalar) {
                // the user may have pasted the secret: hide the --set value in every message about it
                reader.markSensitive(node.location());
                reader.problem(
                        node.location().redacted(),
                        path,
                        "a credential must not be written into the config; "
                                + "reference it with {fromEnv: VARIABLE} (read from the environment of obs-bootstrap) or "
                                + "{secret: {name: SECRET, key: KEY}} (an existing Secret in the stack namespace)");
                return Optional.empty();
            }
            if (!(node instanceof MapNode map)) {
                reader.problem(
                        node.location().redacted(),
                        path,
                        "expected {fromEnv: VARIABLE} or {secret: {name: SECRET, key: KEY}}, got " + node.kind());
                return Optional.empty();
            }
            reader.allowOnly(map, path, CREDENTIAL_KEYS);
            Optional<Node> fromEnv = reader.field(map, "fromEnv");
            Optional<Node> secret = reader.field(map, "secret");
            if (fromEnv.isPresent() == secret.isPresent()) {
                reader.problem(
                        map,
                        path,
                        fromEnv.isPresent()
                                ? "give either fromEnv or secret, not both"
                                : "expected {fromEnv: VARIABLE} or {secret: {name: SECRET, key: KEY}}");
                return Optional.empty();
            }
            if (fromEnv.isPresent()) {
                Optional<String> variable = reader.asString(fromEnv.get(), path + ".fromEnv");
                if (variable.isPresent() && !Checks.envVariable(variable.get())) {
                    reader.problem(
                            fromEnv.get(),
                            path + ".fromEnv",
                            "not an environment variable name: use letters, digits and '_', not starting with a digit");
                    return Optional.empty();
                }
                return variable.map(SecretRef.FromEnv::new);
            }
            Optional<MapNode> secretMap = reader.asMap(secret.get(), path + ".secret");
            if (secretMap.isEmpty()) {
                return Optional.empty();
            }
            String secretPath = path + ".secret";
            reader.allowOnly(secretMap.get(), secretPath, SECRET_KEYS);
            Optional<Node> nameNode =
                    reader.required(secretMap.get(), secretPath, "name", "the name of a Secret in the stack namespace");
            Optional<String> name = nameNode.flatMap(n -> reader.asString(n, secretPath + ".name"));
            name.flatMap(Checks::dnsSubdomain)
                    .ifPresent(message -> reader.problem(nameNode.get(), secretPath + ".name", message));
            Optional<Node> keyNode =
                    reader.required(secretMap.get(), secretPath, "key", "the key inside the Secret's data");
            Optional<String> key = keyNode.flatMap(n -> reader.asString(n, secretPath + ".key"));
            if (key.isPresent() && !Checks.secretKey(key.get())) {
                reader.problem(
                        keyNode.get(), secretPath + ".key", "not a Secret key: use letters, digits, '-', '_' and '.'");
                return Optional.empty();
            }
            if (name.isEmpty()
                    || key.isEmpty()
                    || Checks.dnsSubdomain(name.get()).isPresent()) {
                return Optional.empty();
            }
            return Optional.of(new SecretRef.FromSecret(name.get(), key.get()));
        }

        private List<Route> routes(ListNode list, Map<String, Node> names) {
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                String path = NodeReader.index("alerting.routes", i);
                Optional<MapNode> route = reader.asMap(list.items().get(i), path);
                if (route.isEmpty()) {
                    if (NodeReader.isNull(list.items().get(i))) {
                        reader.problem(list.items().get(i), path, "empty list item; remove it or describe a route");
                    }
                    continue;
                }
                reader.allowOnly(route.get(), path, CHILD_ROUTE_KEYS);
                Optional<Node> matchersNode = reader.required(
                        route.get(),
                        path,
                        "matchers",
                        "a child route needs at least one matcher, like ['severity=\"critical\"']");
                List<String> matchers = matchersNode
                        .flatMap(node -> reader.asStrings(node, path + ".matchers"))
                        .orElse(List.of());
                if (matchersNode.isPresent() && matchersNode.get() instanceof ListNode && matchers.isEmpty()) {
                    reader.problem(
                            matchersNode.get(),
                            path + ".matchers",
                            "a child route needs at least one matcher, like ['severity=\"critical\"']");
                }
                List<Node> matcherNodes = matchersNode
                        .filter(ListNode.class::isInstance)
                        .map(node -> ((ListNode) node).items())
                        .orElse(List.of());
                for (int m = 0; m < matchers.size() && m < matcherNodes.size(); m++) {
                    String matcherPath = NodeReader.index(path + ".matchers", m);
                    Node matcherNode = matcherNodes.get(m);
                    RouteMatchers.problemWith(matchers.get(m))
                            .ifPresent(message -> reader.problem(matcherNode, matcherPath, message));
                }
                Optional<String> receiver = receiverRef(route.get(), path, names, true);
                boolean continueMatching =
                        reader.boolField(route.get(), path, "continue").orElse(false);
                receiver.ifPresent(r -> routes.add(new Route(matchers, r, continueMatching)));
            }
            return routes;
        }

        /**
         * The receiver a route names; it must be defined, or be the built-in {@code null}. An unquoted
         * {@code receiver: null} is YAML's null, but the user clearly means the receiver, so it is read as the name.
         */
        private Optional<String> receiverRef(MapNode route, String path, Map<String, Node> names, boolean required) {
            Optional<YamlTree.Entry> entry = route.entry("receiver");
            if (entry.isPresent()
                    && entry.get().value() instanceof Scalar scalar
                    && scalar.isNull()
                    && scalar.text().equals(AlertingSettings.NULL_RECEIVER)) {
                return Optional.of(AlertingSettings.NULL_RECEIVER);
            }
            Optional<Node> node = required
                    ? reader.required(route, path, "receiver", "name one of: " + String.join(", ", known(names)))
                    : reader.field(route, "receiver");
            Optional<String> name = node.flatMap(n -> reader.asString(n, path + ".receiver"));
            if (name.isPresent()
                    && !name.get().equals(AlertingSettings.NULL_RECEIVER)
                    && !names.containsKey(name.get())) {
                reader.problem(
                        node.get(),
                        path + ".receiver",
                        "unknown receiver '" + NodeReader.echo(name.get()) + "'; "
                                + DidYouMean.hint(name.get(), known(names)));
                return Optional.empty();
            }
            return name;
        }

        private static List<String> known(Map<String, Node> names) {
            List<String> known = new ArrayList<>(names.keySet());
            known.add(AlertingSettings.NULL_RECEIVER);
            return known;
        }
    }
}
