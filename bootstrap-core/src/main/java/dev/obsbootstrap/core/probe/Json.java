package dev.obsbootstrap.core.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Small JSON helpers for probes, on the Jackson 3 that fabric8 already brings. Missing paths read as empty, never null. */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.shared();

    private Json() {}

    public static JsonNode parse(String text, Supplier<String> where) {
        try {
            return MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalStateException("expected JSON from " + where.get() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** The text at a path of field names; "" when any step is missing or not a value. */
    public static String text(JsonNode node, String... path) {
        JsonNode current = at(node, path);
        return current.isValueNode() ? current.asString("") : "";
    }

    /** The node at a path of field names; a missing node (never null) when any step is missing. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String step : path) {
            current = current.path(step);
        }
        return current;
    }

    /** The elements of the array at a path; empty when it is missing or not an array. */
    public static List<JsonNode> elements(JsonNode node, String... path) {
        JsonNode array = at(node, path);
        List<JsonNode> elements = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(elements::add);
        }
        return elements;
    }

    /** A number that OTLP/JSON may encode as a string (int64 fields); {@code fallback} when missing or not numeric. */
    public static long number(JsonNode node, long fallback) {
        if (node.isNumber()) {
            return node.asLong();
        }
        if (node.isString()) {
            try {
                return Long.parseLong(node.asString().strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
