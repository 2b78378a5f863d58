package dev.obsbootstrap.core.plan;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits a rendered manifest stream ({@code helm template} output) into documents and Kubernetes objects. */
public final class Manifests {
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (.+)$");

    private Manifests() {
    }

    /** Every non-blank document, in order; a document that does not parse is kept with its error. */
    public static List<ManifestDocument> documents(String manifests) {
        List<ManifestDocument> documents = new ArrayList<>();
        int number = 0;
        for (String text : DOCUMENT_SEPARATOR.split(manifests, -1)) {
            if (isBlank(text)) {
                continue;
            }
            number++;
            Matcher source = SOURCE.matcher(text);
            String template = source.find() ? source.group(1).strip() : "";
            try {
                documents.add(new ManifestDocument(number, template, yaml().load(text), ""));
            } catch (RuntimeException e) {
                documents.add(new ManifestDocument(number, template, null, firstLine(e.getMessage())));
            }
        }
        return documents;
    }

    /** The Kubernetes objects of the stream, with the items of {@code kind: List}/{@code *List} documents expanded. */
    public static List<ManifestObject> objects(String manifests) {
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestDocument document : documents(manifests)) {
            objects.addAll(objects(document));
        }
        return objects;
    }

    static List<ManifestObject> objects(ManifestDocument document) {
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

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        // a whole chart's dashboards can be several megabytes
        options.setCodePointLimit(64 * 1024 * 1024);
        return new Yaml(new SafeConstructor(options));
    }

    private static boolean isBlank(String text) {
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable YAML";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
