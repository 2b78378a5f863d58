package dev.obsbootstrap.core.values;

import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateError.ErrorItem;
import com.hubspot.jinjava.interpret.TemplateError.ErrorReason;
import com.hubspot.jinjava.interpret.TemplateError.ErrorType;
import com.hubspot.jinjava.interpret.UnknownTokenException;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns jinjava's render errors into one message naming template:line and what is wrong. */
final class TemplateErrors {
    private static final Pattern EXPRESSION = Pattern.compile("Error resolving expression \\[(.*)]: ", Pattern.DOTALL);
    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("Unknown token found: (.*)", Pattern.DOTALL);
    private static final Pattern UNKNOWN_FUNCTION = Pattern.compile("Could not resolve function '([^']*)'");
    private static final Pattern UNKNOWN_NAME = Pattern.compile("unknown (filter|test) '([^']*)'");
    private static final Pattern DISABLED = Pattern.compile("'(?::)?([^']*)' is disabled");
    private static final String SEGMENT = "(?:\\.[A-Za-z_]\\w*|\\[\\s*'[^']*'\\s*]|\\[\\s*\"[^\"]*\"\\s*]|\\[\\d+])";
    private static final Pattern PATH = Pattern.compile("[A-Za-z_]\\w*" + SEGMENT + "*");
    private static final Pattern WHOLE_PATH = Pattern.compile("^" + PATH.pattern() + "$");
    private static final Pattern PATH_PART = Pattern.compile(
            "^[A-Za-z_]\\w*|\\.([A-Za-z_]\\w*)|\\[\\s*'([^']*)'\\s*]|\\[\\s*\"([^\"]*)\"\\s*]|\\[(\\d+)]");

    private TemplateErrors() {}

    static ConfigException toException(
            String resource, String template, List<TemplateError> errors, Map<String, Object> bindings) {
        List<TemplateError> sorted = new ArrayList<>(errors);
        // fatal first, a refused function, filter or tag before what it left empty, then by line: the first real
        // problem is the one worth reading
        sorted.sort(Comparator.comparing((TemplateError error) -> error.getSeverity() != ErrorType.FATAL)
                .thenComparing(error -> error.getReason() != ErrorReason.DISABLED)
                .thenComparingInt(TemplateError::getLineno));
        TemplateError first = sorted.get(0);
        int line = first.getLineno() > 0 ? first.getLineno() : tagLine(first, template);
        String where = line > 0 ? resource + ":" + line : resource;
        String message = where + ": " + describe(first, bindings);
        if (sorted.size() > 1) {
            message += " (and " + (sorted.size() - 1) + " more template error" + (sorted.size() > 2 ? "s" : "") + ")";
        }
        return new ConfigException(message, first.getException());
    }

    /** jinjava gives no line for a refused tag: the first line that opens that tag. */
    private static int tagLine(TemplateError error, String template) {
        if (error.getReason() != ErrorReason.DISABLED
                || error.getItem() != ErrorItem.TAG
                || error.getFieldName() == null) {
            return -1;
        }
        Pattern tag = Pattern.compile("\\{%[-+]?\\s*" + Pattern.quote(error.getFieldName()) + "\\b");
        String[] lines = template.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (tag.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return -1;
    }

    private static String describe(TemplateError error, Map<String, Object> bindings) {
        String text = error.getMessage() == null ? "" : error.getMessage();
        if (error.getReason() == ErrorReason.DISABLED) {
            Matcher disabled = DISABLED.matcher(text);
            String name = disabled.find() ? disabled.group(1) : String.valueOf(error.getFieldName());
            return "the " + error.getItem().name().toLowerCase(java.util.Locale.ROOT) + " '" + name
                    + "' is not available in values templates: a render reads its template and its variables only "
                    + "(no clock, chance or other template), so the same inputs always give the same values; "
                    + "put what it would compute in the config or the profile instead";
        }
        Optional<StrictLookups.UnknownVariableException> unknownVariable =
                causeOf(error.getException(), StrictLookups.UnknownVariableException.class);
        if (unknownVariable.isPresent()) {
            Matcher expression = EXPRESSION.matcher(text);
            String name = unknownVariable.get().name();
            return expression.find()
                    ? unknownLookup(expression.group(1).strip(), unknownVariable.get(), bindings)
                    : "unknown variable '" + name + "'";
        }
        Optional<StrictContext.UnknownNameException> unknownName =
                causeOf(error.getException(), StrictContext.UnknownNameException.class);
        if (unknownName.isPresent()) {
            return "unknown " + unknownName.get().kind() + " '"
                    + unknownName.get().name() + "'";
        }
        Matcher name = UNKNOWN_NAME.matcher(text);
        if (name.find()) {
            return "unknown " + name.group(1) + " '" + name.group(2) + "'";
        }
        Matcher function = UNKNOWN_FUNCTION.matcher(text);
        if (function.find()) {
            return "unknown function '" + function.group(1) + "'";
        }
        Optional<String> token =
                causeOf(error.getException(), UnknownTokenException.class).map(UnknownTokenException::getToken);
        if (token.isEmpty()) {
            Matcher unknown = UNKNOWN_TOKEN.matcher(text);
            if (unknown.find()) {
                token = Optional.of(unknown.group(1));
            }
        }
        if (token.isPresent()) {
            return unknownVariable(token.get().strip(), bindings);
        }
        return text;
    }

    /**
     * jinjava names the whole expression that came out empty. For a plain path that is the unknown variable; in a
     * longer expression the first path that does not resolve against the context is the culprit.
     */
    private static String unknownVariable(String expression, Map<String, Object> bindings) {
        if (WHOLE_PATH.matcher(expression).matches()) {
            return unknownPath(expression, bindings).orElse("unknown variable '" + expression + "'");
        }
        Matcher candidates = PATH.matcher(expression);
        while (candidates.find()) {
            String candidate = candidates.group();
            String root = candidate.split("[.\\[]", 2)[0];
            if (bindings.containsKey(root)) {
                Optional<String> problem = unknownPath(candidate, bindings);
                if (problem.isPresent()) {
                    return problem.get();
                }
            }
        }
        return "'" + expression + "' came out empty: an unknown variable, or a null value";
    }

    /**
     * A lookup failed while {@code expression} was evaluated: name the path it failed on. Paths rooted in the context
     * are walked to say what is there instead; paths through loop or set variables are named as written.
     */
    private static String unknownLookup(
            String expression, StrictLookups.UnknownVariableException unknown, Map<String, Object> bindings) {
        List<String> candidates = new ArrayList<>();
        Matcher paths = PATH.matcher(expression);
        while (paths.find()) {
            candidates.add(paths.group());
        }
        String name = unknown.name();
        if (unknown.topLevel()) {
            for (String candidate : candidates) {
                if (candidate.equals(name) || candidate.startsWith(name + ".") || candidate.startsWith(name + "[")) {
                    return unknownPath(candidate, bindings).orElse("unknown variable '" + candidate + "'");
                }
            }
            return "unknown variable '" + name + "'";
        }
        for (String candidate : candidates) {
            String root = candidate.split("[.\\[]", 2)[0];
            if (bindings.containsKey(root)) {
                Optional<String> problem = unknownPath(candidate, bindings);
                if (problem.isPresent()) {
                    return problem.get();
                }
            }
        }
        for (String candidate : candidates) {
            Matcher parts = PATH_PART.matcher(candidate);
            while (parts.find()) {
                String key = parts.group(1) != null
                        ? parts.group(1)
                        : parts.group(2) != null ? parts.group(2) : parts.group(3);
                if (name.equals(key)) {
                    return "unknown variable '" + candidate.substring(0, parts.end()) + "'";
                }
            }
        }
        return "unknown key '" + name + "' in '" + expression + "'";
    }

    /** Walks the path through the context; describes where it breaks, or empty if it resolves to a value. */
    private static Optional<String> unknownPath(String path, Map<String, Object> bindings) {
        Matcher parts = PATH_PART.matcher(path);
        Object current = bindings;
        StringBuilder walked = new StringBuilder();
        while (parts.find()) {
            String key = parts.group(1) != null
                    ? parts.group(1)
                    : parts.group(2) != null
                            ? parts.group(2)
                            : parts.group(3) != null
                                    ? parts.group(3)
                                    : parts.group(4) != null ? parts.group(4) : parts.group();
            if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(key)) {
                    String known = walked.length() == 0 ? "the context" : walked.toString();
                    return Optional.of("unknown variable '" + path + "' (" + known + " has: "
                            + String.join(
                                    ", ",
                                    map.keySet().stream()
                                            .map(String::valueOf)
                                            .sorted()
                                            .toList()) + ")");
                }
                current = map.get(key);
            } else if (current instanceof List<?> list && key.chars().allMatch(Character::isDigit)) {
                int index = Integer.parseInt(key);
                if (index >= list.size()) {
                    return Optional.of(
                            "unknown variable '" + path + "' (" + walked + " has " + list.size() + " items)");
                }
                current = list.get(index);
            } else if (current == null) {
                return Optional.of("unknown variable '" + path + "' ('" + walked + "' is null)");
            } else {
                return Optional.of("unknown variable '" + path + "' ('" + walked + "' is a " + describeType(current)
                        + ", it has no '" + key + "')");
            }
            walked.append(parts.group());
        }
        if (current == null) {
            return Optional.of("unknown variable '" + path + "' (it is null: give it a value)");
        }
        return Optional.empty();
    }

    private static String describeType(Object value) {
        if (value instanceof CharSequence) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }

    private static <T extends Throwable> Optional<T> causeOf(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }
}
