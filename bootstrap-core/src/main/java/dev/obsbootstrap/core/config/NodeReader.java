package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.config.YamlTree.Entry;
import dev.obsbootstrap.core.config.YamlTree.ListNode;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.config.YamlTree.Scalar;
import dev.obsbootstrap.core.config.YamlTree.ScalarType;
import dev.obsbootstrap.core.error.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Typed reads from a {@link YamlTree} that report what is wrong instead of throwing, so one pass finds every
 * problem. A key that is missing or written with an empty value ({@code key:} or {@code key: null}) reads as
 * absent. {@code path} is the dotted key path shown to the user ({@code alerting.receivers[0].url}).
 */
public final class NodeReader {
    private static final int MAX_ECHO = 60;

    private final ConfigProblems problems;

    public NodeReader(ConfigProblems problems) {
        this.problems = problems;
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int index) {
        return path + "[" + index + "]";
    }

    /** The value at {@code location} may be a secret: its text never reaches a message. */
    public void markSensitive(SourceLocation location) {
        problems.markSensitive(location);
    }

    public void problem(Node node, String path, String message) {
        problems.add(node.location(), path, message);
    }

    public void problem(SourceLocation location, String path, String message) {
        problems.add(location, path, message);
    }

    /**
     * Reports every key of {@code map} not in {@code known}, with a did-you-mean.
     *
     * @param what what a key names here, for the message: "key", "phase", "component"
     */
    public void allowOnly(MapNode map, String path, Collection<String> known, String what) {
        for (Entry entry : map.entries().values()) {
            if (!known.contains(entry.key())) {
                problems.add(
                        entry.keyLocation(),
                        child(path, entry.key()),
                        "unknown " + what + "; " + DidYouMean.hint(entry.key(), known));
            }
        }
    }

    public void allowOnly(MapNode map, String path, Collection<String> known) {
        allowOnly(map, path, known, "key");
    }

    /** The value under {@code key}, unless it is missing or null. */
    public Optional<Node> field(MapNode map, String key) {
        return map.entry(key).map(Entry::value).filter(value -> !(value instanceof Scalar s && s.isNull()));
    }

    /** Like {@link #field} but reports a missing key, at the map, with what to write. */
    public Optional<Node> required(MapNode map, String path, String key, String whatToWrite) {
        Optional<Node> value = field(map, key);
        if (value.isEmpty()) {
            problems.add(
                    map.entry(key).map(Entry::keyLocation).orElse(map.location()),
                    child(path, key),
                    "missing; " + whatToWrite);
        }
        return value;
    }

    public Optional<MapNode> asMap(Node node, String path) {
        if (node instanceof MapNode map) {
            return Optional.of(map);
        }
        if (isNull(node)) {
            return Optional.empty();
        }
        problems.add(node.location(), path, "expected a map (key: value lines or {key: value}), got " + node.kind());
        return Optional.empty();
    }

    public Optional<ListNode> asList(Node node, String path) {
        if (node instanceof ListNode list) {
            return Optional.of(list);
        }
        if (isNull(node)) {
            return Optional.empty();
        }
        problems.add(node.location(), path, "expected a list (- item lines or [a, b]), got " + node.kind());
        return Optional.empty();
    }

    /** A string; numbers are taken as written (a chart version 1.10 stays "1.10"), true/false is refused. */
    public Optional<String> asString(Node node, String path) {
        if (node instanceof Scalar scalar) {
            switch (scalar.type()) {
                case STRING, INT, FLOAT, OTHER -> {
                    return Optional.of(scalar.text());
                }
                case NULL -> {
                    return Optional.empty();
                }
                case BOOL -> {
                    problems.add(
                            node.location(),
                            path,
                            "expected a string, got true/false; quote it if you mean the text '" + scalar.text() + "'");
                    return Optional.empty();
                }
            }
        }
        problems.add(node.location(), path, "expected a string, got " + node.kind());
        return Optional.empty();
    }

    public Optional<Boolean> asBool(Node node, String path) {
        if (node instanceof Scalar scalar && scalar.type() == ScalarType.BOOL) {
            return Optional.of((Boolean) YamlTree.toJava(scalar));
        }
        if (isNull(node)) {
            return Optional.empty();
        }
        problems.add(node.location(), path, "expected true or false, got " + describe(node));
        return Optional.empty();
    }

    public Optional<Integer> asInt(Node node, String path) {
        if (node instanceof Scalar scalar && scalar.type() == ScalarType.INT) {
            Object value = YamlTree.toJava(scalar);
            if (value instanceof Integer integer) {
                return Optional.of(integer);
            }
            problems.add(node.location(), path, "'" + scalar.text() + "' is too large");
            return Optional.empty();
        }
        if (isNull(node)) {
            return Optional.empty();
        }
        problems.add(node.location(), path, "expected a whole number, got " + describe(node));
        return Optional.empty();
    }

    /** A positive duration written like 90s, 10m, 1h30m. */
    public Optional<Duration> asDuration(Node node, String path) {
        Optional<String> text = asString(node, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration duration = Durations.parse(text.get());
            if (duration.isZero()) {
                problems.add(node.location(), path, "a duration must be longer than zero");
                return Optional.empty();
            }
            return Optional.of(duration);
        } catch (ConfigException e) {
            problems.add(
                    node.location(),
                    path,
                    "'" + echo(text.get()) + "' is not a duration; write it like 90s, 10m or 1h30m");
            return Optional.empty();
        }
    }

    /** A list of strings; a single string is refused with a hint to write a list. */
    public Optional<List<String>> asStrings(Node node, String path) {
        if (node instanceof Scalar scalar && !scalar.isNull() && scalar.type() != ScalarType.BOOL) {
            problems.add(node.location(), path, "expected a list, got a string; write [" + echo(scalar.text()) + "]");
            return Optional.empty();
        }
        Optional<ListNode> list = asList(node, path);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        List<Node> items = list.get().items();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (isNull(item)) {
                problems.add(item.location(), index(path, i), "empty list item; remove it or give it a value");
                continue;
            }
            asString(item, index(path, i)).ifPresent(values::add);
        }
        return Optional.of(values);
    }

    public Optional<MapNode> mapField(MapNode map, String path, String key) {
        return field(map, key).flatMap(node -> asMap(node, child(path, key)));
    }

    public Optional<ListNode> listField(MapNode map, String path, String key) {
        return field(map, key).flatMap(node -> asList(node, child(path, key)));
    }

    public Optional<String> stringField(MapNode map, String path, String key) {
        return field(map, key).flatMap(node -> asString(node, child(path, key)));
    }

    public Optional<Boolean> boolField(MapNode map, String path, String key) {
        return field(map, key).flatMap(node -> asBool(node, child(path, key)));
    }

    public Optional<Duration> durationField(MapNode map, String path, String key) {
        return field(map, key).flatMap(node -> asDuration(node, child(path, key)));
    }

    public Optional<List<String>> stringsField(MapNode map, String path, String key) {
        return field(map, key).flatMap(node -> asStrings(node, child(path, key)));
    }

    public Optional<String> requiredString(MapNode map, String path, String key, String whatToWrite) {
        return required(map, path, key, whatToWrite).flatMap(node -> asString(node, child(path, key)));
    }

    public static boolean isNull(Node node) {
        return node instanceof Scalar scalar && scalar.isNull();
    }

    /** A kind plus, for short scalars, the text: "a string ('abc')". */
    public static String describe(Node node) {
        if (node instanceof Scalar scalar && !scalar.isNull()) {
            return scalar.kind() + " ('" + echo(scalar.text()) + "')";
        }
        return node.kind();
    }

    public static String echo(String text) {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
    }
}
