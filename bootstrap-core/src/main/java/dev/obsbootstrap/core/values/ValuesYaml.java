package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/** Parsing rendered templates, merging user overrides and writing values as YAML. */
final class ValuesYaml {
    private static final Pattern EXPRESSION = Pattern.compile("\\{\\{.*?}}");

    private ValuesYaml() {}

    /**
     * Parses the rendered text of {@code resource}. A YAML error is reported at the template line that produced the
     * offending output line when that line can be told apart, else at the rendered line.
     */
    static Map<String, Object> parse(String resource, String template, String rendered) {
        Object document;
        try {
            document = newYaml(new NoTimestampResolver()).load(rendered);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new ConfigException(
                    location(resource, template, rendered, mark) + ": the rendered values are not valid YAML: "
                            + problem.trim() + renderedLineHint(rendered, mark),
                    e);
        } catch (YAMLException e) {
            throw new ConfigException(resource + ": the rendered values are not valid YAML: " + e.getMessage(), e);
        }
        if (document == null) {
            return new LinkedHashMap<>();
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(resource + ": the rendered values must be a YAML mapping (key: value), not a "
                    + document.getClass().getSimpleName());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        map.forEach((key, value) -> values.put(String.valueOf(key), value));
        return values;
    }

    /**
     * Overrides win: maps merge key by key, lists and scalars replace. An explicit null replaces too, so it reaches
     * Helm as null, which drops the key from the chart's defaults as well.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = (Map<String, Object>) deepCopy(base);
        overrides.forEach((key, override) -> {
            Object current = merged.get(key);
            if (current instanceof Map<?, ?> currentMap && override instanceof Map<?, ?> overrideMap) {
                merged.put(key, merge((Map<String, Object>) currentMap, (Map<String, Object>) overrideMap));
            } else {
                merged.put(key, deepCopy(override));
            }
        });
        return merged;
    }

    static String dump(Map<String, Object> values) {
        // the standard resolver on the way out: a string that reads like a date gets quoted
        return newYaml(new Resolver()).dump(values);
    }

    private static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), deepCopy(item)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(deepCopy(item)));
            return copy;
        }
        return value;
    }

    private static Yaml newYaml(Resolver resolver) {
        LoaderOptions loaderOptions = new LoaderOptions();
        // a key written twice in a template is a mistake, not "last one wins"
        loaderOptions.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        dumperOptions.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dumperOptions.setIndent(2);
        dumperOptions.setIndicatorIndent(2);
        dumperOptions.setIndentWithIndicator(true);
        dumperOptions.setSplitLines(false);
        return new Yaml(
                new SafeConstructor(loaderOptions),
                new ValuesRepresenter(dumperOptions),
                dumperOptions,
                loaderOptions,
                resolver);
    }

    private static String location(String resource, String template, String rendered, Mark mark) {
        if (mark == null) {
            return resource;
        }
        String[] renderedLines = rendered.split("\n", -1);
        int renderedLine = mark.getLine() + 1;
        if (renderedLine > renderedLines.length) {
            return resource + ":" + countLines(template);
        }
        int templateLine = templateLineFor(template, renderedLines[renderedLine - 1], renderedLine);
        return templateLine > 0 ? resource + ":" + templateLine : resource + " (rendered line " + renderedLine + ")";
    }

    private static String renderedLineHint(String rendered, Mark mark) {
        if (mark == null) {
            return "";
        }
        String[] lines = rendered.split("\n", -1);
        int index = mark.getLine();
        if (index >= lines.length || lines[index].isBlank()) {
            return "";
        }
        return " (rendered line " + (index + 1) + ": \"" + lines[index].strip() + "\")";
    }

    /**
     * The template line whose literal text, with each {{ expression }} standing for anything, produces the given
     * rendered line. Tag lines ({% %}) never produce output of their own and are skipped. When several lines match,
     * the one nearest to the rendered line number wins; 0 when none matches.
     */
    static int templateLineFor(String template, String renderedLine, int renderedLineNumber) {
        String target = renderedLine.strip();
        if (target.isEmpty()) {
            return 0;
        }
        String[] lines = template.split("\n", -1);
        int best = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.contains("{%") || line.contains("{#")) {
                continue;
            }
            if (toPattern(line).matcher(target).matches()) {
                int candidate = i + 1;
                if (best == 0 || Math.abs(candidate - renderedLineNumber) < Math.abs(best - renderedLineNumber)) {
                    best = candidate;
                }
            }
        }
        return best;
    }

    private static Pattern toPattern(String templateLine) {
        StringBuilder regex = new StringBuilder();
        var matcher = EXPRESSION.matcher(templateLine);
        int end = 0;
        while (matcher.find()) {
            regex.append(Pattern.quote(templateLine.substring(end, matcher.start())))
                    .append(".*");
            end = matcher.end();
        }
        regex.append(Pattern.quote(templateLine.substring(end)));
        return Pattern.compile(regex.toString());
    }

    private static int countLines(String text) {
        return text.isEmpty() ? 1 : text.split("\n", -1).length;
    }

    /**
     * YAML 1.1 turns an unquoted 2024-04-01 into a date that would be written back as a timestamp; chart values
     * (a schema's "from" date) want the string.
     */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (!Tag.TIMESTAMP.equals(tag)) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }

    /** Multi-line strings (embedded config files) are written as literal blocks, readable in a plan bundle. */
    private static final class ValuesRepresenter extends Representer {
        ValuesRepresenter(DumperOptions options) {
            super(options);
            Represent plain = this.representers.get(String.class);
            this.representers.put(String.class, data -> {
                String text = data.toString();
                if (text.contains("\n")) {
                    return representScalar(Tag.STR, text, DumperOptions.ScalarStyle.LITERAL);
                }
                return plain.representData(data);
            });
        }
    }
}
