package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.error.ConfigException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the multi-document YAML Helm renders (a release manifest, a chart's CRDs). Scalars resolve as in YAML 1.2,
 * the way Kubernetes reads them: {@code on}, {@code yes} and {@code 2024-01-01} stay strings and {@code 1:20} is not
 * a number. The default 3 MB input limit is raised because the Prometheus Operator CRDs alone are larger.
 */
final class Manifests {
    private static final int CODE_POINT_LIMIT = 64 * 1024 * 1024;

    private Manifests() {
    }

    /** Every non-empty document that is a mapping, in order. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String yaml, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(CODE_POINT_LIMIT);
        options.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        Yaml parser = new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options, new Yaml12Resolver());
        List<Map<String, Object>> documents = new ArrayList<>();
        try {
            for (Object document : parser.loadAll(yaml)) {
                if (document instanceof Map<?, ?> map && !map.isEmpty()) {
                    documents.add((Map<String, Object>) map);
                }
            }
        } catch (YAMLException e) {
            throw new ConfigException(source + " is not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    static <T> T convert(Map<String, Object> document, Class<T> type) {
        return Serialization.jsonMapper().convertValue(document, type);
    }

    static String text(Map<String, Object> document, String key) {
        Object value = document.get(key);
        return value == null ? "" : value.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> document, String key) {
        Object value = document.get(key);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
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
