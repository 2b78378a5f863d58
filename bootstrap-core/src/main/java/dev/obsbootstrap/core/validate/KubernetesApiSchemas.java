package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.plan.KubeVersionChoice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in API of one Kubernetes minor release, from the OpenAPI document that release publishes (compacted by
 * tools/kubernetes-api/compact.py; see the NOTICE beside the data): which apiVersion/kind pairs it serves, and each
 * kind's schema, so every rendered object can be checked for unknown fields, wrong types and missing required fields
 * before any cluster sees it.
 *
 * <p>The OpenAPI types become draft-7 JSON Schema: an object with properties allows no other property (the API
 * server drops unknown fields with only a warning, and Helm does not show it: the setting silently does nothing),
 * {@code int-or-string} takes both, a {@code Quantity} takes a string or a number, and the schema-less corners
 * (RawExtension, a CRD's JSON values) take anything.
 */
public final class KubernetesApiSchemas {
    /** Minor releases whose API data ships with obs-bootstrap (resources obs-bootstrap/kubernetes-api/). */
    static final List<String> SHIPPED = List.of("1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36");

    private static final String RESOURCE = "/obs-bootstrap/kubernetes-api/%s.json.gz";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, KubernetesApiSchemas> LOADED = new HashMap<>();

    private final String targetVersion;
    private final String servedMinor;
    private final Map<String, String> kinds;
    private final ObjectNode definitions;
    private final Map<String, JsonSchemaCheck> checks = new HashMap<>();

    private KubernetesApiSchemas(
            String targetVersion, String servedMinor, Map<String, String> kinds, ObjectNode definitions) {
        this.targetVersion = targetVersion;
        this.servedMinor = servedMinor;
        this.kinds = kinds;
        this.definitions = definitions;
    }

    /** The API for {@code kubeVersion} ("1.31.0"): that minor's data, or the nearest shipped one. */
    public static synchronized KubernetesApiSchemas forVersion(String kubeVersion) {
        String checked = KubeVersionChoice.checked(kubeVersion);
        String minor = nearestShipped(checked);
        KubernetesApiSchemas loaded = LOADED.computeIfAbsent(minor, KubernetesApiSchemas::load);
        return new KubernetesApiSchemas(checked, minor, loaded.kinds, loaded.definitions);
    }

    static String nearestShipped(String version) {
        int minor = minorOf(version);
        int first = minorOf(SHIPPED.get(0));
        int last = minorOf(SHIPPED.get(SHIPPED.size() - 1));
        return "1." + Math.max(first, Math.min(last, minor));
    }

    private static int minorOf(String version) {
        String[] parts = version.split("\\.");
        return Integer.parseInt(parts[1]);
    }

    /** "1.31": the release whose API is checked against. */
    public String servedMinor() {
        return servedMinor;
    }

    /** Why the API checked against is not the target's own, when it is not ("1.27.3 is older than ..."). */
    public Optional<String> substitution() {
        String target = targetVersion.substring(0, targetVersion.lastIndexOf('.'));
        if (target.equals(servedMinor)) {
            return Optional.empty();
        }
        return Optional.of("no API data for Kubernetes " + target + " ships with this version of obs-bootstrap (it has "
                + SHIPPED.get(0) + " to " + SHIPPED.get(SHIPPED.size() - 1) + "): objects were checked against "
                + servedMinor + "'s API");
    }

    /** Whether this release serves the kind at this apiVersion ("apps/v1", "Deployment"). */
    public boolean serves(String apiVersion, String kind) {
        return kinds.containsKey(apiVersion + "/" + kind);
    }

    /**
     * Whether the apiVersion's group is one of Kubernetes' own (so a kind of it that is not served is really not
     * there, rather than a custom resource): the core group, {@code *.k8s.io}, and the few historic groups without it.
     */
    public static boolean isBuiltInGroup(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        if (slash < 0) {
            return true;
        }
        String group = apiVersion.substring(0, slash);
        return !group.contains(".") || group.endsWith(".k8s.io");
    }

    /** The apiVersions this release serves the kind at ({@code ["autoscaling/v1", "autoscaling/v2"]}). */
    public List<String> apiVersionsOf(String kind) {
        return kinds.keySet().stream()
                .filter(key -> key.endsWith("/" + kind))
                .map(key -> key.substring(0, key.length() - kind.length() - 1))
                .sorted()
                .toList();
    }

    /** The object against its kind's schema; empty when the kind is not served (ask {@link #serves} first). */
    public synchronized List<SchemaViolation> validate(String apiVersion, String kind, Map<?, ?> object) {
        String key = apiVersion + "/" + kind;
        String definition = kinds.get(key);
        if (definition == null) {
            return List.of();
        }
        JsonSchemaCheck check = checks.computeIfAbsent(key, k -> {
            ObjectNode document = NODES.objectNode();
            document.put("$schema", "http://json-schema.org/draft-07/schema#");
            document.put("$ref", "#/definitions/" + definition);
            document.set("definitions", reachable(definition));
            return new JsonSchemaCheck(document, "urn:kubernetes:" + servedMinor + ":" + key.replace('/', ':'));
        });
        return check.check(object);
    }

    /**
     * The definitions {@code root} reaches through {@code $ref}, itself included: all its schema can consult. A kind's
     * document carries only these, not all ~700 of the release: networknt makes a schema object for every entry of a
     * document's {@code definitions} when it first reads the document, and that was most of the time the API checks
     * took in plan (a profile: JsonSchemaCheck's constructor, ~0.1 s of the ci profile's ~25 kinds). A {@code $ref} to
     * a definition the data lacks is left as it was, dangling.
     */
    private ObjectNode reachable(String root) {
        ObjectNode reached = NODES.objectNode();
        Deque<String> pending = new ArrayDeque<>(List.of(root));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            JsonNode definition = definitions.get(name);
            if (definition == null || reached.has(name)) {
                continue;
            }
            reached.set(name, definition);
            references(definition, pending);
        }
        return reached;
    }

    /** Every {@code "$ref": "#/definitions/NAME"} under {@code node} (a property named "$ref" is a schema, not one). */
    private static void references(JsonNode node, Deque<String> into) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isString() && ref.asString().startsWith(DEFINITIONS)) {
                into.push(ref.asString().substring(DEFINITIONS.length()));
            }
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                references(child, into);
            }
        }
    }

    private static final String DEFINITIONS = "#/definitions/";

    // ---- the data

    private static KubernetesApiSchemas load(String minor) {
        String resource = String.format(RESOURCE, minor);
        try (InputStream raw = KubernetesApiSchemas.class.getResourceAsStream(resource)) {
            Objects.requireNonNull(raw, () -> "the Kubernetes API data " + resource + " is missing from the jar");
            JsonNode data = JSON.readTree(new GZIPInputStream(raw));
            Map<String, String> kinds = new HashMap<>();
            data.get("kinds")
                    .properties()
                    .forEach(entry -> kinds.put(entry.getKey(), entry.getValue().asString()));
            ObjectNode definitions = NODES.objectNode();
            data.get("definitions")
                    .properties()
                    .forEach(entry -> definitions.set(entry.getKey(), definition(entry.getKey(), entry.getValue())));
            return new KubernetesApiSchemas(minor + ".0", minor, Map.copyOf(kinds), definitions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kubernetes API data " + resource, e);
        }
    }

    /** One OpenAPI definition as JSON Schema, with the types Kubernetes decodes specially. */
    private static JsonNode definition(String name, JsonNode openApi) {
        if (name.endsWith(".IntOrString")) {
            return types("integer", "string");
        }
        if (name.endsWith(".Quantity")) {
            return types("string", "number");
        }
        if (name.endsWith(".RawExtension")
                || name.endsWith("apiextensions.v1.JSON")
                || name.contains("apiextensions.v1.JSONSchemaPropsOr")) {
            return NODES.objectNode();
        }
        return schema(openApi);
    }

    private static JsonNode schema(JsonNode openApi) {
        ObjectNode schema = NODES.objectNode();
        if (openApi.has("$ref")) {
            schema.put("$ref", "#/definitions/" + openApi.get("$ref").asString());
            return schema;
        }
        String type = openApi.path("type").asString("");
        if ("string".equals(type)
                && "int-or-string".equals(openApi.path("format").asString(""))) {
            return types("integer", "string");
        }
        if (!type.isEmpty()) {
            schema.put("type", type);
        }
        if (openApi.has("enum")) {
            schema.set("enum", openApi.get("enum"));
        }
        if (openApi.has("properties")) {
            ObjectNode properties = NODES.objectNode();
            openApi.get("properties")
                    .properties()
                    .forEach(entry -> properties.set(entry.getKey(), schema(entry.getValue())));
            schema.set("properties", properties);
            if (!openApi.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                schema.put("additionalProperties", false);
            }
        } else if (openApi.has("additionalProperties")) {
            schema.set("additionalProperties", schema(openApi.get("additionalProperties")));
        }
        if (openApi.has("required")) {
            schema.set("required", openApi.get("required"));
        }
        if (openApi.has("items")) {
            schema.set("items", schema(openApi.get("items")));
        }
        return schema;
    }

    private static ObjectNode types(String... names) {
        ObjectNode schema = NODES.objectNode();
        ArrayNode type = schema.putArray("type");
        for (String name : names) {
            type.add(name);
        }
        return schema;
    }
}
