package dev.obsbootstrap.core.validate;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.obsbootstrap.core.config.DidYouMean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON Schema (draft 7) and the objects checked against it, through networknt's json-schema-validator. Errors
 * come back as {@link SchemaViolation}s in Kubernetes terms: the path of the field, and "unknown field" with the
 * nearest known name, "missing required field", "is a string, must be an integer".
 *
 * <p>Values that are YAML {@code null} are removed before the check, as the API server reads a null field as an
 * absent one (so a required field set to null is reported missing, and {@code creationTimestamp: null} passes).
 */
final class JsonSchemaCheck {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);

    private final JsonNode document;
    private final Schema schema;

    /**
     * @param document a draft-7 schema; its {@code definitions} may be shared with other checks
     * @param uri      a name for the schema, unique per document ("urn:kubernetes:1.31:apps/v1/Deployment")
     */
    JsonSchemaCheck(JsonNode document, String uri) {
        this.document = document;
        this.schema = REGISTRY.getSchema(SchemaLocation.of(uri), document);
    }

    List<SchemaViolation> check(Map<?, ?> object) {
        JsonNode instance = JSON.valueToTree(withoutNulls(object));
        List<SchemaViolation> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Error error : schema.validate(instance)) {
            SchemaViolation violation = translate(error);
            if (seen.add(violation.describePath() + " " + violation.message())) {
                violations.add(violation);
            }
        }
        violations.sort(Comparator.comparing(SchemaViolation::describePath));
        return violations;
    }

    private SchemaViolation translate(Error error) {
        List<Object> path = steps(error.getInstanceLocation());
        String keyword = error.getKeyword() == null ? "" : error.getKeyword();
        switch (keyword) {
            case "additionalProperties" -> {
                String field = error.getProperty() == null ? "?" : error.getProperty();
                List<Object> fieldPath = new ArrayList<>(path);
                fieldPath.add(field);
                return new SchemaViolation(
                        fieldPath,
                        "unknown field '" + field + "'"
                                + DidYouMean.closest(field, knownProperties(error))
                                        .map(match -> "; did you mean '" + match + "'?")
                                        .orElse(""));
            }
            case "required" -> {
                String field = error.getProperty() == null ? "?" : error.getProperty();
                return new SchemaViolation(path, "missing required field '" + field + "'");
            }
            case "type" -> {
                JsonNode expected = error.getSchemaNode();
                return new SchemaViolation(
                        path, "is " + describe(error.getInstanceNode()) + ", must be " + describeType(expected));
            }
            case "enum" -> {
                return new SchemaViolation(
                        path, "is " + describe(error.getInstanceNode()) + ", must be one of " + error.getSchemaNode());
            }
            default -> {
                return new SchemaViolation(path, error.getMessage().replaceFirst("^\\$[^:]*: ", ""));
            }
        }
    }

    /** The property names the schema around an additionalProperties:false knows, for the did-you-mean. */
    private Set<String> knownProperties(Error error) {
        Set<String> names = new TreeSet<>();
        NodePath fragment = error.getSchemaLocation() == null
                ? null
                : error.getSchemaLocation().getFragment();
        if (fragment == null || fragment.getNameCount() == 0) {
            return names;
        }
        JsonNode node = document;
        for (int i = 0; i < fragment.getNameCount() - 1 && node != null; i++) {
            Object step = fragment.getElement(i);
            node = step instanceof Integer index ? node.get(index) : node.get(String.valueOf(step));
        }
        if (node != null && node.get("properties") instanceof ObjectNode properties) {
            names.addAll(properties.propertyNames());
        }
        return names;
    }

    private static List<Object> steps(NodePath location) {
        List<Object> steps = new ArrayList<>();
        if (location == null) {
            return steps;
        }
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            steps.add(element instanceof Number number ? Integer.valueOf(number.intValue()) : String.valueOf(element));
        }
        return steps;
    }

    private static String describe(JsonNode value) {
        if (value == null) {
            return "missing";
        }
        if (value.isString()) {
            return "the string \"" + abbreviate(value.asString()) + "\"";
        }
        if (value.isIntegralNumber()) {
            return "the integer " + value;
        }
        if (value.isNumber()) {
            return "the number " + value;
        }
        if (value.isBoolean()) {
            return "the boolean " + value;
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a map";
        }
        return value.toString();
    }

    private static String describeType(JsonNode type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isArray()) {
            List<String> names = new ArrayList<>();
            type.forEach(t -> names.add(article(t.asString())));
            return String.join(" or ", names);
        }
        return article(type.asString());
    }

    private static String article(String type) {
        return switch (type) {
            case "object" -> "a map";
            case "array" -> "a list";
            case "integer" -> "an integer";
            default -> "a " + type;
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** A copy without null-valued keys, at every depth (lists keep their nulls: a null item is a real mistake). */
    static Object withoutNulls(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> {
                if (item != null) {
                    copy.put(String.valueOf(key), withoutNulls(item));
                }
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return value;
    }
}
