package dev.obsbootstrap.core.diff;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.Manifests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What applying one manifest stream over another would change, object by object, as unified diffs: the comparison
 * {@code helm diff upgrade} makes (the release's recorded manifest against what the chart renders now). Objects are
 * matched by kind, namespace and name; each is printed with its keys sorted, so the order a chart writes keys in is
 * no change. Hooks are left out on both sides: Helm does not keep them in the release's manifest. The values of a
 * Secret's {@code data} and {@code stringData} never appear: only whether each key is added, removed or changed.
 */
public final class ManifestDiff {
    /** Lines of context around each change, as in {@code diff -u}. */
    public static final int DEFAULT_CONTEXT = 3;

    private ManifestDiff() {}

    /** How one object differs. */
    public enum Change {
        ADDED,
        REMOVED,
        CHANGED
    }

    /**
     * One object that would change: its description ("Deployment observability/obs-web"), how, and the unified
     * diff of its YAML (live first, then the new one).
     */
    public record ObjectChange(String object, String kind, Change change, String diff) {
        public ObjectChange {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(diff, "diff");
        }
    }

    /**
     * Every object of {@code live} or {@code desired} that differs between them, in the order of {@code desired}, then
     * the removed ones in the order of {@code live}.
     *
     * @param namespace the release's namespace, for objects that name none
     */
    public static List<ObjectChange> compare(String live, String desired, String namespace, int context) {
        Map<String, ManifestObject> before = index(live, namespace);
        Map<String, ManifestObject> after = index(desired, namespace);
        List<ObjectChange> changes = new ArrayList<>();
        for (Map.Entry<String, ManifestObject> entry : after.entrySet()) {
            ManifestObject now = entry.getValue();
            ManifestObject was = before.get(entry.getKey());
            String newText = yaml(now.body(), was == null ? null : was.body(), true);
            if (was == null) {
                changes.add(new ObjectChange(
                        entry.getKey(), now.kind(), Change.ADDED, unified(entry.getKey(), "", newText, context)));
                continue;
            }
            // compared unmasked: a Secret whose only change is a value must count, though its text shows no value
            if (!sorted(was.body()).equals(sorted(now.body()))) {
                String oldText = yaml(was.body(), now.body(), false);
                changes.add(new ObjectChange(
                        entry.getKey(),
                        now.kind(),
                        Change.CHANGED,
                        unified(entry.getKey(), oldText, newText, context)));
            }
        }
        for (Map.Entry<String, ManifestObject> entry : before.entrySet()) {
            if (!after.containsKey(entry.getKey())) {
                ManifestObject was = entry.getValue();
                changes.add(new ObjectChange(
                        entry.getKey(),
                        was.kind(),
                        Change.REMOVED,
                        unified(entry.getKey(), yaml(was.body(), null, false), "", context)));
            }
        }
        return changes;
    }

    /** A unified diff of two texts with {@code --- live} and {@code +++ desired} headers naming {@code object}. */
    public static String unified(String object, String oldText, String newText, int context) {
        List<String> oldLines = lines(oldText);
        List<String> newLines = lines(newText);
        Patch<String> patch = DiffUtils.diff(oldLines, newLines);
        List<String> diff =
                UnifiedDiffUtils.generateUnifiedDiff("live/" + object, "desired/" + object, oldLines, patch, context);
        return diff.isEmpty() ? "" : String.join("\n", diff) + "\n";
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    private static Map<String, ManifestObject> index(String manifest, String namespace) {
        Map<String, ManifestObject> objects = new LinkedHashMap<>();
        if (manifest == null || manifest.isBlank()) {
            return objects;
        }
        for (ManifestObject object : Manifests.objects(manifest)) {
            if (!object.isHook()) {
                objects.put(object.describe(namespace), object);
            }
        }
        return objects;
    }

    /**
     * The object as block YAML with every mapping's keys sorted; for a Secret, each data value replaced by a marker
     * saying only whether it matches {@code other}'s value for the same key.
     */
    static String yaml(Map<?, ?> body, Map<?, ?> other, boolean desired) {
        Object canonical = sorted(body);
        if ("Secret".equals(ManifestObject.text(body.get("kind"))) && canonical instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> secret = (Map<String, Object>) map;
            for (String field : List.of("data", "stringData")) {
                if (secret.get(field) instanceof Map<?, ?> data) {
                    Map<?, ?> otherData = other != null && other.get(field) instanceof Map<?, ?> o ? o : null;
                    Map<String, Object> masked = new TreeMap<>();
                    data.forEach((key, value) ->
                            masked.put(String.valueOf(key), secretMarker(value, otherData, key, desired)));
                    secret.put(field, masked);
                }
            }
        }
        return dumper().dump(canonical);
    }

    /** Never the value, nor its length: only whether the other side has the same one. */
    private static String secretMarker(Object value, Map<?, ?> other, Object key, boolean desired) {
        if (other == null) {
            return "(secret value)";
        }
        if (Objects.equals(value, other.get(key))) {
            return "(secret value, unchanged)";
        }
        return desired ? "(secret value, after the change)" : "(secret value, before the change)";
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, item) -> sorted.put(String.valueOf(key), sorted(item)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>(list.size());
            list.forEach(item -> items.add(sorted(item)));
            return items;
        }
        return value;
    }

    private static Yaml dumper() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setSplitLines(false);
        options.setIndicatorIndent(0);
        return new Yaml(options);
    }
}
