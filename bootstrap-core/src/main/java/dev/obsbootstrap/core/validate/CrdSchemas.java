package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.ManifestObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The custom resources' schemas, taken from the CustomResourceDefinitions in the bundle (the CRD chart's own
 * {@code openAPIV3Schema} per served version), as draft-7 JSON Schema: what the API server would accept of a
 * ServiceMonitor or PrometheusRule before the CRD is even installed.
 *
 * <p>Kubernetes reads a structural schema with a few rules JSON Schema does not have, applied here: fields a schema
 * does not declare are pruned (reported as unknown here, unless {@code x-kubernetes-preserve-unknown-fields}), the
 * top level always allows apiVersion, kind and metadata, {@code x-kubernetes-int-or-string} takes both, and an
 * embedded resource keeps its own apiVersion/kind/metadata.
 */
public final class CrdSchemas {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Keywords of the CRD schema that JSON Schema draft 7 reads the same way. */
    private static final Set<String> SAME_KEYWORDS = Set.of(
            "type",
            "enum",
            "pattern",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "uniqueItems",
            "minProperties",
            "maxProperties",
            "multipleOf",
            "required");

    private final Map<String, Map<?, ?>> schemas = new LinkedHashMap<>();
    private final Map<String, JsonSchemaCheck> checks = new LinkedHashMap<>();

    /** Reads every CRD among {@code objects}; other objects are ignored. */
    public static CrdSchemas of(List<ManifestObject> objects) {
        CrdSchemas crds = new CrdSchemas();
        for (ManifestObject object : objects) {
            if ("CustomResourceDefinition".equals(object.kind())
                    && object.apiVersion().startsWith("apiextensions.k8s.io/")) {
                crds.add(object);
            }
        }
        return crds;
    }

    /**
     * Keeps each version's openAPIV3Schema as parsed: it becomes a JSON Schema only when a custom resource of that
     * kind is checked ({@link #validate}). The operator's ten CRDs are 4.5 MB, and a stack uses three or four of their
     * kinds; converting them all up front was a third of plan's static checks after its last render.
     */
    private void add(ManifestObject crd) {
        Map<?, ?> spec = crd.body().get("spec") instanceof Map<?, ?> map ? map : Map.of();
        String group = text(spec.get("group"));
        String kind = spec.get("names") instanceof Map<?, ?> names ? text(names.get("kind")) : "";
        if (group.isEmpty() || kind.isEmpty() || !(spec.get("versions") instanceof List<?> versions)) {
            return;
        }
        for (Object entry : versions) {
            if (entry instanceof Map<?, ?> version
                    && version.get("schema") instanceof Map<?, ?> schema
                    && schema.get("openAPIV3Schema") instanceof Map<?, ?> openApi) {
                schemas.put(key(group + "/" + text(version.get("name")), kind), openApi);
            }
        }
    }

    /** A scalar as JSON reads it as text ({@code JsonNode.asString("")}); a mapping, a list or nothing is "". */
    private static String text(Object value) {
        return value == null || value instanceof Map<?, ?> || value instanceof List<?> ? "" : String.valueOf(value);
    }

    /** Whether a CRD in the bundle defines this apiVersion/kind. */
    public boolean defines(String apiVersion, String kind) {
        return schemas.containsKey(key(apiVersion, kind));
    }

    /** Whether a CRD in the bundle defines this kind's group at all (a version it does not serve is then an error). */
    public Optional<String> groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return schemas.keySet().stream()
                .filter(key -> key.startsWith(group + "/"))
                .findFirst()
                .map(key -> group);
    }

    public int size() {
        return schemas.size();
    }

    public List<SchemaViolation> validate(String apiVersion, String kind, Map<?, ?> object) {
        String key = key(apiVersion, kind);
        Map<?, ?> openApi = schemas.get(key);
        if (openApi == null) {
            return List.of();
        }
        JsonSchemaCheck check = checks.computeIfAbsent(key, k -> {
            ObjectNode document = (ObjectNode) convert(JSON.valueToTree(JsonSchemaCheck.withoutNulls(openApi)), true);
            document.put("$schema", "http://json-schema.org/draft-07/schema#");
            return new JsonSchemaCheck(document, "urn:crd:" + key.replace('/', ':'));
        });
        return check.check(object);
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + "/" + kind;
    }

    /** One CRD schema node as JSON Schema, with Kubernetes' structural rules made explicit. */
    static JsonNode convert(JsonNode crd, boolean root) {
        ObjectNode schema = NODES.objectNode();
        crd.properties().forEach(entry -> {
            if (SAME_KEYWORDS.contains(entry.getKey())) {
                schema.set(entry.getKey(), entry.getValue());
            }
        });
        boolean intOrString = crd.path("x-kubernetes-int-or-string").asBoolean(false);
        if (intOrString) {
            ArrayNode types = NODES.arrayNode();
            types.add("integer");
            types.add("string");
            schema.set("type", types);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (crd.get(combinator) instanceof ArrayNode branches && !intOrString) {
                ArrayNode converted = NODES.arrayNode();
                branches.forEach(branch -> converted.add(convert(branch, false)));
                schema.set(combinator, converted);
            }
        }
        if (crd.has("not")) {
            schema.set("not", convert(crd.get("not"), false));
        }
        if (crd.has("items") && crd.get("items").isObject()) {
            schema.set("items", convert(crd.get("items"), false));
        }
        boolean open = crd.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                || crd.path("x-kubernetes-embedded-resource").asBoolean(false);
        ObjectNode properties = NODES.objectNode();
        if (crd.get("properties") instanceof ObjectNode declared) {
            declared.properties().forEach(entry -> properties.set(entry.getKey(), convert(entry.getValue(), false)));
        }
        if (root) {
            // every object has these, whether or not the CRD's schema spells them out
            properties.putIfAbsent("apiVersion", typeOnly("string"));
            properties.putIfAbsent("kind", typeOnly("string"));
            properties.putIfAbsent("metadata", typeOnly("object"));
        }
        if (!properties.isEmpty()) {
            schema.set("properties", properties);
        }
        JsonNode additional = crd.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            schema.set("additionalProperties", convert(additional, false));
        } else if (additional != null && additional.isBoolean()) {
            schema.put("additionalProperties", additional.asBoolean());
        } else if (!open && !properties.isEmpty()) {
            schema.put("additionalProperties", false);
        }
        // OpenAPI 3.0's boolean exclusiveMinimum/Maximum are draft 7's numbers
        if (crd.path("exclusiveMinimum").asBoolean(false) && crd.has("minimum")) {
            schema.remove("minimum");
            schema.set("exclusiveMinimum", crd.get("minimum"));
        }
        if (crd.path("exclusiveMaximum").asBoolean(false) && crd.has("maximum")) {
            schema.remove("maximum");
            schema.set("exclusiveMaximum", crd.get("maximum"));
        }
        return schema;
    }

    private static ObjectNode typeOnly(String type) {
        ObjectNode node = NODES.objectNode();
        node.put("type", type);
        return node;
    }
}
