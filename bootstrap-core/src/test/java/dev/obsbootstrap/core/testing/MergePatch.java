package dev.obsbootstrap.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON merge patch (RFC 7386), optionally with the parts of Kubernetes' strategic merge patch that Helm upgrades and
 * server-side apply rely on: lists of containers, env vars, ports, volumes, ... are merged element by element on
 * their merge key instead of being replaced, {@code $patch: delete|replace} is honoured and the other {@code $}
 * directives are dropped. The mock's own merge appends lists and ignores {@code null}, which turns a Helm upgrade into
 * duplicated containers; this does what a real API server does for the common cases, not for every schema.
 */
final class MergePatch {
    /** Field name -> merge key, as in the Kubernetes API's {@code patchMergeKey} tags ("ports" depends on the list). */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"),
            Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"),
            Map.entry("env", "name"),
            Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"),
            Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"),
            Map.entry("hostAliases", "ip"),
            Map.entry("conditions", "type"),
            Map.entry("ownerReferences", "uid"),
            Map.entry("topologySpreadConstraints", "topologyKey"));

    private MergePatch() {}

    static JsonNode apply(JsonNode target, JsonNode patch, boolean strategic) {
        return merge(target, patch, strategic);
    }

    private static JsonNode merge(JsonNode target, JsonNode patch, boolean strategic) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        if (strategic && "replace".equals(patch.path("$patch").asString(""))) {
            ObjectNode replaced = (ObjectNode) patch.deepCopy();
            replaced.remove("$patch");
            return replaced;
        }
        ObjectNode result = target != null && target.isObject()
                ? (ObjectNode) target.deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (strategic && name.startsWith("$")) {
                if (name.startsWith("$deleteFromPrimitiveList/")) {
                    deleteFromPrimitiveList(result, name.substring("$deleteFromPrimitiveList/".length()), value);
                }
                continue;
            }
            if (value.isNull()) {
                result.remove(name);
            } else if (strategic
                    && value.isArray()
                    && result.path(name).isArray()
                    && allObjectsWithKey(value, keyFor(name, value))) {
                result.set(
                        name,
                        mergeList((ArrayNode) result.get(name), (ArrayNode) value, keyFor(name, value), strategic));
            } else if (value.isObject()
                    && strategic
                    && "delete".equals(value.path("$patch").asString(""))) {
                result.remove(name);
            } else {
                result.set(name, merge(result.get(name), value, strategic));
            }
        }
        return result;
    }

    /** Container ports merge on containerPort, Service ports on port. */
    private static String keyFor(String field, JsonNode elements) {
        if (!"ports".equals(field)) {
            return MERGE_KEYS.get(field);
        }
        return elements.size() > 0 && elements.get(0).has("containerPort") ? "containerPort" : "port";
    }

    private static boolean allObjectsWithKey(JsonNode list, String key) {
        if (key == null) {
            return false;
        }
        for (JsonNode element : list) {
            if (!element.isObject() || !element.has(key)) {
                return false;
            }
        }
        return true;
    }

    private static ArrayNode mergeList(ArrayNode current, ArrayNode patch, String key, boolean strategic) {
        List<JsonNode> merged = new ArrayList<>();
        current.forEach(element -> merged.add(element.deepCopy()));
        for (JsonNode element : patch) {
            int index = indexOf(merged, key, element.get(key));
            boolean delete = "delete".equals(element.path("$patch").asString(""));
            if (delete) {
                if (index >= 0) {
                    merged.remove(index);
                }
            } else if (index >= 0) {
                merged.set(index, merge(merged.get(index), element, strategic));
            } else {
                merged.add(merge(null, element, strategic));
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        merged.forEach(out::add);
        return out;
    }

    private static int indexOf(List<JsonNode> elements, String key, JsonNode value) {
        for (int i = 0; i < elements.size(); i++) {
            if (value != null && value.equals(elements.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static void deleteFromPrimitiveList(ObjectNode target, String field, JsonNode values) {
        if (!target.path(field).isArray()) {
            return;
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode element : target.get(field)) {
            boolean listed = false;
            for (JsonNode value : values) {
                listed |= value.equals(element);
            }
            if (!listed) {
                kept.add(element);
            }
        }
        target.set(field, kept);
    }
}
