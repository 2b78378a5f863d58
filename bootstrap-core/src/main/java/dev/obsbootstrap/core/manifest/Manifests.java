package dev.obsbootstrap.core.manifest;

import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The one reader of the multi-document YAML Helm renders (a release manifest, a chart's CRDs), for everything that
 * reads it: plan's checks, waits, diagnostics, CRD applies. Scalars resolve as in YAML 1.2, the way Kubernetes reads
 * them: {@code on}, {@code yes} and {@code 2024-01-01} stay strings and {@code 1:20} is not a number. The default
 * 3 MB input limit is raised because some operators' CRDs (and a chart's dashboards) are larger.
 */
public final class Manifests {
    private static final int CODE_POINT_LIMIT = 64 * 1024 * 1024;
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (.+)$");

    private Manifests() {}

    /**
     * One non-blank document's text and the 1-based line of the stream it starts on (the line of its {@code ---}, or 1
     * for the first): what lets a finding name a line. Counted exactly as {@link #documents} numbers them.
     */
    public record DocumentText(int firstLine, String text) {}

    /** The non-blank documents of the stream, as text, in order. */
    public static List<DocumentText> documentTexts(String manifests) {
        List<DocumentText> texts = new ArrayList<>();
        // the separator pattern tried only where a "---" stands, as find() would match it there (its ^ looks at the
        // character before: transparent, not anchoring bounds): find() tried it at every character, 0.1 s of CPU
        // over the 4.5 MB of an operator's CRDs, on the render thread that parses them
        Matcher separator =
                DOCUMENT_SEPARATOR.matcher(manifests).useTransparentBounds(true).useAnchoringBounds(false);
        int start = 0;
        int line = 1;
        while (true) {
            boolean found = nextSeparator(manifests, separator, start);
            int end = found ? separator.start() : manifests.length();
            String text = manifests.substring(start, end);
            if (!isBlank(text)) {
                texts.add(new DocumentText(line, text));
            }
            if (!found) {
                return texts;
            }
            line += newlines(manifests, start, separator.start());
            start = separator.end();
        }
    }

    /** Every non-blank document, in order; a document that does not parse is kept with its error. */
    public static List<ManifestDocument> documents(String manifests) {
        return documents(documentTexts(manifests), 1);
    }

    /**
     * These documents of a stream parsed, numbered from {@code firstNumber} on: a part of {@link #documentTexts}'s
     * list, so that parts of one stream can be parsed at once and put together in order.
     */
    public static List<ManifestDocument> documents(List<DocumentText> texts, int firstNumber) {
        List<ManifestDocument> documents = new ArrayList<>();
        DocumentParser parser = new DocumentParser();
        int number = firstNumber;
        for (DocumentText document : texts) {
            documents.add(parser.parse(document, number++));
        }
        return documents;
    }

    /**
     * Parses documents one at a time, for one thread: one parser for a whole stream, where a new one per document
     * rebuilt its resolver, patterns included, every time.
     */
    public static final class DocumentParser {
        private Yaml yaml = yaml();

        /** The document, numbered {@code number}; a document that does not parse is kept with its error. */
        public ManifestDocument parse(DocumentText document, int number) {
            String text = document.text();
            Matcher source = SOURCE.matcher(text);
            String template = source.find() ? source.group(1).strip() : "";
            try {
                return new ManifestDocument(number, template, yaml.load(text), "");
            } catch (RuntimeException e) {
                yaml = yaml(); // no state of a failed load carries over to the next document
                return new ManifestDocument(number, template, null, firstLine(e.getMessage()));
            }
        }
    }

    /** The Kubernetes objects of the stream, with the items of {@code kind: List}/{@code *List} documents expanded. */
    public static List<ManifestObject> objects(String manifests) {
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestDocument document : documents(manifests)) {
            objects.addAll(objects(document));
        }
        return objects;
    }

    public static List<ManifestObject> objects(ManifestDocument document) {
        if (!(document.body() instanceof Map<?, ?> map)) {
            return List.of();
        }
        Optional<ManifestObject> object = ManifestObject.of(map, document);
        if (object.isPresent() && object.get().isList()) {
            List<ManifestObject> items = new ArrayList<>();
            if (map.get("items") instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> itemMap) {
                        ManifestObject.of(itemMap, document).ifPresent(items::add);
                    }
                }
            }
            return items;
        }
        return object.map(List::of).orElse(List.of());
    }

    /**
     * Every non-empty document that is a mapping, in order: for code that needs every document to parse.
     *
     * @throws ConfigException naming {@code source} when the stream is not valid YAML
     */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> maps(String yaml, String source) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try {
            for (Object document : yaml().loadAll(yaml)) {
                if (document instanceof Map<?, ?> map && !map.isEmpty()) {
                    documents.add((Map<String, Object>) map);
                }
            }
        } catch (YAMLException e) {
            throw new ConfigException(source + " is not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    public static <T> T convert(Map<String, Object> document, Class<T> type) {
        return Serialization.jsonMapper().convertValue(document, type);
    }

    public static String text(Map<String, Object> document, String key) {
        Object value = document.get(key);
        return value == null ? "" : value.toString();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> document, String key) {
        Object value = document.get(key);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(CODE_POINT_LIMIT);
        options.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(
                new SafeConstructor(options),
                new Representer(dumperOptions),
                dumperOptions,
                options,
                new Yaml12Resolver());
    }

    /** Whether every line is empty, whitespace or a comment; scans in place (a CRD document is megabytes). */
    static boolean isBlank(String text) {
        boolean lineStart = true;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                lineStart = true;
            } else if (lineStart && !Character.isWhitespace(c)) {
                if (c != '#') {
                    return false;
                }
                int newline = text.indexOf('\n', i);
                if (newline < 0) {
                    return true;
                }
                i = newline - 1;
            }
        }
        return true;
    }

    /** Whether a separator starts at or after {@code from}; the matcher holds it when one does. */
    private static boolean nextSeparator(String manifests, Matcher separator, int from) {
        for (int at = manifests.indexOf("---", from); at >= 0; at = manifests.indexOf("---", at + 1)) {
            separator.region(at, manifests.length());
            if (separator.lookingAt()) {
                return true;
            }
        }
        return false;
    }

    private static int newlines(String text, int from, int to) {
        int count = 0;
        for (int i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) {
            count++;
        }
        return count;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable YAML";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /** YAML 1.2 core schema: true/false, null, decimal/octal/hex integers and floats; nothing else is implicit. */
    private static final class Yaml12Resolver extends Resolver {
        private static final Pattern BOOL = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
        private static final Pattern INT = Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$");
        private static final Pattern FLOAT = Pattern.compile(
                "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
        private static final Pattern NULL_VALUE = Pattern.compile("^(?:~|null|Null|NULL|)$");

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "tfTF", 10);
            addImplicitResolver(Tag.INT, INT, "-+0123456789", 64);
            addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.", 64);
            addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
            addImplicitResolver(Tag.NULL, NULL_VALUE, "~nN\0", 10);
            addImplicitResolver(Tag.NULL, EMPTY, null, 10);
        }
    }
}
