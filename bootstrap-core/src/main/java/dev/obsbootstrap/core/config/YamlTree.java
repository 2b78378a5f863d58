package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.error.ConfigException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML as obs-bootstrap validates it: SnakeYAML's composed node graph turned into a small immutable tree where every
 * node and every key knows its {@link SourceLocation}. Aliases are expanded and merge keys ({@code <<}) applied, so
 * validators see plain maps, lists and scalars. {@code --set} edits produce new trees ({@link MapNode#with}).
 */
public final class YamlTree {
    private YamlTree() {}

    public sealed interface Node permits MapNode, ListNode, Scalar {
        SourceLocation location();

        /** What this node is, for "expected a map, got ..." messages. Never shows a value. */
        String kind();
    }

    /** A map key, where it is written, and its value. */
    public record Entry(String key, SourceLocation keyLocation, Node value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(keyLocation, "keyLocation");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A mapping in document order. */
    public record MapNode(SourceLocation location, Map<String, Entry> entries) implements Node {
        public MapNode {
            Objects.requireNonNull(location, "location");
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public static MapNode empty(SourceLocation location) {
            return new MapNode(location, Map.of());
        }

        public Optional<Entry> entry(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        /** This map with {@code entry} added, or replacing the entry of the same key in place. */
        public MapNode with(Entry entry) {
            Map<String, Entry> copy = new LinkedHashMap<>(entries);
            copy.put(entry.key(), entry);
            return new MapNode(location, copy);
        }

        @Override
        public String kind() {
            return "a map";
        }
    }

    public record ListNode(SourceLocation location, List<Node> items) implements Node {
        public ListNode {
            Objects.requireNonNull(location, "location");
            items = List.copyOf(items);
        }

        /** This list with item {@code index} replaced, or appended when {@code index == size}. */
        public ListNode with(int index, Node item) {
            List<Node> copy = new ArrayList<>(items);
            if (index == copy.size()) {
                copy.add(item);
            } else {
                copy.set(index, item);
            }
            return new ListNode(location, copy);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** How YAML 1.1 resolved a scalar (plain {@code false} is a boolean, {@code "false"} a string). */
    enum ScalarType {
        STRING,
        INT,
        FLOAT,
        BOOL,
        NULL,
        OTHER
    }

    /**
     * A scalar: its text as written and its resolved type; {@code raw} is SnakeYAML's node, kept to construct the
     * Java value with SnakeYAML's own rules.
     */
    public record Scalar(SourceLocation location, String text, ScalarType type, ScalarNode raw) implements Node {
        public Scalar {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(raw, "raw");
        }

        public static Scalar string(SourceLocation location, String text) {
            return new Scalar(
                    location,
                    text,
                    ScalarType.STRING,
                    new ScalarNode(Tag.STR, text, null, null, DumperOptions.ScalarStyle.DOUBLE_QUOTED));
        }

        public boolean isNull() {
            return type == ScalarType.NULL;
        }

        @Override
        public String kind() {
            return switch (type) {
                case STRING, OTHER -> "a string";
                case INT, FLOAT -> "a number";
                case BOOL -> "true/false";
                case NULL -> "nothing (null)";
            };
        }
    }

    /**
     * Parses one YAML document. An empty document (nothing or only comments) gives an empty Optional. Syntax errors
     * and structural problems (non-string keys, duplicate keys, recursive aliases) are added to {@code problems};
     * syntax errors leave no tree.
     *
     * @param fixedLocation when present, every node gets this location (a --set value has no lines of its own)
     */
    static Optional<Node> parse(
            String text, String sourceName, Optional<SourceLocation> fixedLocation, ConfigProblems problems) {
        org.yaml.snakeyaml.nodes.Node document;
        try {
            document = yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            SourceLocation where = fixedLocation.orElseGet(() -> at(sourceName, e.getProblemMark()));
            String hint = fixedLocation.isPresent()
                    ? "; quote the value if it is text, for example --set 'key=\"@value\"'"
                    : "; check the indentation and quoting around this position";
            problems.add(where, "", "YAML syntax error: " + syntaxProblem(e) + hint);
            return Optional.empty();
        } catch (YAMLException e) {
            problems.add(
                    fixedLocation.orElse(SourceLocation.of(sourceName)), "", "cannot read YAML: " + e.getMessage());
            return Optional.empty();
        }
        if (document == null) {
            return Optional.empty();
        }
        return Optional.of(new Converter(sourceName, fixedLocation, problems).convert(document));
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(50);
        return new Yaml(options);
    }

    private static String syntaxProblem(MarkedYAMLException e) {
        String problem =
                Optional.ofNullable(e.getProblem()).orElse("malformed YAML").trim();
        Mark contextMark = e.getContextMark();
        if (e.getContext() != null && contextMark != null) {
            problem += " (" + e.getContext().trim() + " started at line " + (contextMark.getLine() + 1) + ")";
        }
        return problem;
    }

    private static SourceLocation at(String sourceName, Mark mark) {
        if (mark == null) {
            return SourceLocation.of(sourceName);
        }
        return new SourceLocation(sourceName, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static final class Converter {
        private final String sourceName;
        private final Optional<SourceLocation> fixedLocation;
        private final ConfigProblems problems;
        // nodes being converted right now: meeting one again means an alias refers to its own ancestor
        private final Set<org.yaml.snakeyaml.nodes.Node> inProgress =
                Collections.newSetFromMap(new IdentityHashMap<>());

        public Converter(String sourceName, Optional<SourceLocation> fixedLocation, ConfigProblems problems) {
            this.sourceName = sourceName;
            this.fixedLocation = fixedLocation;
            this.problems = problems;
        }

        public Node convert(org.yaml.snakeyaml.nodes.Node node) {
            SourceLocation location = locate(node.getStartMark());
            if (!inProgress.add(node)) {
                problems.add(location, "", "an alias refers to a node that contains it; expand it by hand");
                return nullScalar(location);
            }
            try {
                if (node instanceof MappingNode mapping) {
                    return convertMap(mapping, location);
                }
                if (node instanceof SequenceNode sequence) {
                    List<Node> items = new ArrayList<>();
                    for (org.yaml.snakeyaml.nodes.Node item : sequence.getValue()) {
                        items.add(convert(item));
                    }
                    return new ListNode(location, items);
                }
                ScalarNode scalar = (ScalarNode) node;
                return new Scalar(location, scalar.getValue(), typeOf(scalar.getTag()), scalar);
            } finally {
                inProgress.remove(node);
            }
        }

        private MapNode convertMap(MappingNode mapping, SourceLocation location) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            List<MapNode> merged = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                org.yaml.snakeyaml.nodes.Node keyNode = tuple.getKeyNode();
                SourceLocation keyLocation = locate(keyNode.getStartMark());
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    collectMerge(convert(tuple.getValueNode()), keyLocation, merged);
                    continue;
                }
                if (!(keyNode instanceof ScalarNode scalarKey)) {
                    problems.add(keyLocation, "", "a key must be a plain string, not a map or list");
                    continue;
                }
                String key = scalarKey.getValue();
                Entry previous = entries.get(key);
                if (previous != null) {
                    problems.add(
                            keyLocation,
                            key,
                            "duplicate key (first written at " + previous.keyLocation() + "); keep one of them");
                    continue;
                }
                entries.put(key, new Entry(key, keyLocation, convert(tuple.getValueNode())));
            }
            // YAML merge keys: the map's own keys win over merged ones, earlier merged maps over later ones
            for (MapNode source : merged) {
                source.entries().forEach(entries::putIfAbsent);
            }
            return new MapNode(location, entries);
        }

        private void collectMerge(Node value, SourceLocation keyLocation, List<MapNode> merged) {
            if (value instanceof MapNode map) {
                merged.add(map);
            } else if (value instanceof ListNode list && list.items().stream().allMatch(MapNode.class::isInstance)) {
                list.items().forEach(item -> merged.add((MapNode) item));
            } else {
                problems.add(keyLocation, "<<", "a merge key needs a map or a list of maps, got " + value.kind());
            }
        }

        private SourceLocation locate(Mark mark) {
            return fixedLocation.orElseGet(() -> at(sourceName, mark));
        }
    }

    private static Scalar nullScalar(SourceLocation location) {
        return new Scalar(
                location,
                "",
                ScalarType.NULL,
                new ScalarNode(Tag.NULL, "", null, null, DumperOptions.ScalarStyle.PLAIN));
    }

    private static ScalarType typeOf(Tag tag) {
        if (tag.equals(Tag.STR)) {
            return ScalarType.STRING;
        }
        if (tag.equals(Tag.INT)) {
            return ScalarType.INT;
        }
        if (tag.equals(Tag.FLOAT)) {
            return ScalarType.FLOAT;
        }
        if (tag.equals(Tag.BOOL)) {
            return ScalarType.BOOL;
        }
        if (tag.equals(Tag.NULL)) {
            return ScalarType.NULL;
        }
        return ScalarType.OTHER;
    }

    /**
     * The plain Java value of a free-form subtree (values overrides, profile settings): maps keep their order,
     * {@code null} survives (Helm reads a null value as "remove this chart default"), numbers and booleans follow
     * YAML 1.1 as SnakeYAML constructs them, and anything else (timestamps, custom tags) stays the text written.
     */
    public static Object toJava(Node node) {
        if (node instanceof MapNode map) {
            Map<String, Object> values = new LinkedHashMap<>();
            map.entries().forEach((key, entry) -> values.put(key, toJava(entry.value())));
            return Collections.unmodifiableMap(values);
        }
        if (node instanceof ListNode list) {
            List<Object> values = new ArrayList<>();
            list.items().forEach(item -> values.add(toJava(item)));
            return Collections.unmodifiableList(values);
        }
        Scalar scalar = (Scalar) node;
        return switch (scalar.type()) {
            case NULL -> null;
            case BOOL, INT, FLOAT -> ScalarConstructor.INSTANCE.construct(scalar);
            case STRING, OTHER -> scalar.text();
        };
    }

    /** A free-form map (values overrides, profile settings) as plain Java; see {@link #toJava}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> freeForm(MapNode map) {
        return (Map<String, Object>) toJava(map);
    }

    /** Builds booleans and numbers exactly as SnakeYAML would (0x1F, 1_000, .inf, yes/no). */
    private static final class ScalarConstructor extends SafeConstructor {
        static final ScalarConstructor INSTANCE = new ScalarConstructor();

        private ScalarConstructor() {
            super(new LoaderOptions());
        }

        // SnakeYAML constructors keep per-document state; one conversion at a time
        synchronized Object construct(Scalar scalar) {
            try {
                return constructDocument(scalar.raw());
            } catch (RuntimeException e) {
                throw new ConfigException(
                        scalar.location() + ": '" + scalar.text() + "' is not a valid "
                                + scalar.type().name().toLowerCase(java.util.Locale.ROOT)
                                + "; quote it to keep it as text",
                        e);
            }
        }
    }
}
