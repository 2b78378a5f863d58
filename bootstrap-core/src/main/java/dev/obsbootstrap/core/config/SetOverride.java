package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.config.YamlTree.Entry;
import dev.obsbootstrap.core.config.YamlTree.ListNode;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code --set path=value} (or a dedicated option such as {@code --namespace obs}, see {@link #forOption}):
 * a dotted key path ({@code values.mychart.server.replicas}, list items as
 * {@code alerting.receivers[0].url}, a literal dot in a key as {@code \.}) and a value read as YAML
 * ({@code false}, {@code 18.12.0}, {@code [a,b]}, {@code {fromEnv: URL}}). It is applied to the config's YAML tree
 * before validation, so a --set value is checked exactly like the same value in the file.
 *
 * @param location the argument as given ({@code --set phases.traces=false}), named in messages
 * @param path     the key path, at least one segment, starting with a key
 * @param value    the text after the first unescaped '=' (may be empty: the empty string)
 * @param yaml     read {@code value} as YAML (--set), or take it as a plain string (options)
 */
public record SetOverride(SourceLocation location, List<Segment> path, String value, boolean yaml) {

    /** One step of a path: a map key or a list index. */
    public sealed interface Segment {
        record Key(String name) implements Segment {
            public Key {
                Objects.requireNonNull(name, "name");
            }
        }

        record Index(int index) implements Segment {}
    }

    public SetOverride {
        Objects.requireNonNull(location, "location");
        path = List.copyOf(path);
        Objects.requireNonNull(value, "value");
        if (path.isEmpty() || !(path.get(0) instanceof Segment.Key)) {
            throw new IllegalArgumentException("a --set path starts with a key");
        }
    }

    /** Parses {@code path=value}; a malformed argument is bad input (exit 2) naming it. */
    public static SetOverride parse(String argument) {
        Objects.requireNonNull(argument, "argument");
        List<Segment> segments = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        boolean keyPending = true;
        int i = 0;
        while (i < argument.length()) {
            char c = argument.charAt(i);
            if (c == '\\' && i + 1 < argument.length()) {
                key.append(argument.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '=') {
                break;
            }
            if (c == '.') {
                endKey(argument, segments, key, keyPending);
                keyPending = true;
            } else if (c == '[') {
                if (keyPending) {
                    endKey(argument, segments, key, true);
                }
                int close = argument.indexOf(']', i);
                String digits = close < 0 ? "" : argument.substring(i + 1, close);
                if (!digits.matches("\\d{1,6}")) {
                    throw malformed(argument, "a list index is written [0], [1], ... after a key");
                }
                segments.add(new Segment.Index(Integer.parseInt(digits)));
                keyPending = false;
                i = close;
            } else {
                if (!keyPending) {
                    throw malformed(argument, "put a '.' between a list index and the next key, like receivers[0].url");
                }
                key.append(c);
            }
            i++;
        }
        if (i >= argument.length()) {
            throw malformed(argument, "expected PATH=VALUE, for example --set phases.traces=false");
        }
        if (segments.isEmpty() && key.length() == 0) {
            throw malformed(
                    argument, "the path before '=' is empty; write PATH=VALUE, for example --set phases.traces=false");
        }
        if (keyPending) {
            endKey(argument, segments, key, true);
        }
        return new SetOverride(SourceLocation.ofSet(argument), segments, argument.substring(i + 1), true);
    }

    /**
     * A command-line option that sets one config key, checked like the file and named in messages as typed:
     * {@code forOption("--namespace", "cluster.namespace", "Obs")} fails as
     * {@code --namespace Obs: cluster.namespace: 'Obs' is not a valid name ...}.
     *
     * @param value taken as a string, never as YAML
     */
    public static SetOverride forOption(String option, String path, String value) {
        SetOverride parsed = parse(path + "=");
        return new SetOverride(SourceLocation.of(option + " " + value), parsed.path(), value, false);
    }

    private static void endKey(String argument, List<Segment> segments, StringBuilder key, boolean keyPending) {
        if (!keyPending) {
            return;
        }
        if (key.length() == 0) {
            throw malformed(
                    argument, "the path has an empty key; write keys separated by single dots, like cluster.namespace");
        }
        segments.add(new Segment.Key(key.toString()));
        key.setLength(0);
    }

    private static ConfigException malformed(String argument, String what) {
        return new ConfigException(SourceLocation.ofSet(argument) + ": " + what);
    }

    /** The path as users read it: keys joined by dots, list items as [n]. */
    public String pathText() {
        return pathText(path.size());
    }

    private String pathText(int segmentCount) {
        StringBuilder text = new StringBuilder();
        for (Segment segment : path.subList(0, segmentCount)) {
            if (segment instanceof Segment.Key key) {
                text.append(text.length() == 0 ? "" : ".").append(key.name());
            } else {
                text.append('[').append(((Segment.Index) segment).index()).append(']');
            }
        }
        return text.toString();
    }

    /**
     * The tree with this override applied: the value replaces whatever was at the path (maps on the way are created).
     * A value that is not YAML, or a path through a scalar, is reported and leaves the tree as it was.
     */
    MapNode applyTo(MapNode root, ConfigProblems problems) {
        Optional<Node> parsed = parseValue(problems);
        if (parsed.isEmpty()) {
            return root;
        }
        Node updated = setIn(root, 0, parsed.get(), problems);
        return updated instanceof MapNode map ? map : root;
    }

    private Optional<Node> parseValue(ConfigProblems problems) {
        SourceLocation location = location();
        if (!yaml || value.isBlank()) {
            return Optional.of(YamlTree.Scalar.string(location, value));
        }
        int before = problems.size();
        Optional<Node> node = YamlTree.parse(value, location.source(), Optional.of(location), problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        // only a comment ("#..."): take the text as written
        return Optional.of(node.orElseGet(() -> YamlTree.Scalar.string(location, value)));
    }

    /** Returns the updated node, or null after reporting why the path cannot be followed. */
    private Node setIn(Node current, int depth, Node newValue, ConfigProblems problems) {
        if (depth == path.size()) {
            return newValue;
        }
        SourceLocation location = location();
        Segment segment = path.get(depth);
        boolean absent = current == null || NodeReader.isNull(current);
        if (segment instanceof Segment.Key key) {
            if (!absent && !(current instanceof MapNode)) {
                problems.add(
                        location,
                        pathText(depth),
                        "is " + current.kind() + ", so '" + key.name() + "' cannot be set inside it; set "
                                + pathText(depth) + " itself instead");
                return null;
            }
            MapNode map = absent ? MapNode.empty(location) : (MapNode) current;
            Optional<Entry> existing = map.entry(key.name());
            Node updated = setIn(existing.map(Entry::value).orElse(null), depth + 1, newValue, problems);
            if (updated == null) {
                return null;
            }
            // the last key is the user's --set, whatever was there: messages about it must name the argument
            SourceLocation keyLocation = depth + 1 == path.size()
                    ? location
                    : existing.map(Entry::keyLocation).orElse(location);
            return map.with(new Entry(key.name(), keyLocation, updated));
        }
        int index = ((Segment.Index) segment).index();
        if (!absent && !(current instanceof ListNode)) {
            problems.add(
                    location,
                    pathText(depth),
                    "is " + current.kind() + ", not a list, so it has no item [" + index + "]");
            return null;
        }
        ListNode list = absent ? new ListNode(location, List.of()) : (ListNode) current;
        if (index > list.items().size()) {
            problems.add(
                    location,
                    pathText(depth + 1),
                    "the list has " + list.items().size() + " items; set an existing index or ["
                            + list.items().size() + "] to append one");
            return null;
        }
        Node existing = index < list.items().size() ? list.items().get(index) : null;
        Node updated = setIn(existing, depth + 1, newValue, problems);
        return updated == null ? null : list.with(index, updated);
    }
}
