package dev.obsbootstrap.alerting;

import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.Checks;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configured route tree as Alertmanager evaluates it, for predicting where an alert goes: label matchers
 * ({@code name="v"}, {@code !=}, {@code =~}, {@code !~}; regexes anchored), first matching child route wins unless
 * it has {@code continue}, no match means the default receiver.
 */
final class RouteMatchers {
    private static final Pattern SYNTAX = Pattern.compile(
            "^\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\"\\s]*))\\s*$");
    private static final Pattern REGEX_META = Pattern.compile("[\\\\.\\[\\]{}()*+?^$|]");
    private static final String PROBE_VALUE = "obs-bootstrap-probe";

    /** The config's check of a matcher: the same syntax, with the value quoted or bare. */
    private static final Pattern CONFIG_SYNTAX =
            Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

    private RouteMatchers() {}

    /** What is wrong with a matcher written in the config ({@code label="value"}, =, !=, =~ or !~; regexes must compile). */
    static Optional<String> problemWith(String value) {
        Matcher match = CONFIG_SYNTAX.matcher(value);
        if (!match.matches()) {
            return Optional.of("'" + NodeReader.echo(value) + "' is not a matcher: write label=\"value\" with one of "
                    + "=, !=, =~, !~ (for example severity=\"critical\")");
        }
        String operand = match.group(3);
        if (operand.length() >= 2 && operand.startsWith("\"") && operand.endsWith("\"")) {
            operand = operand.substring(1, operand.length() - 1)
                    .replace("\\\"", "\"")
                    .replace("\\\\", "\\");
        } else if (operand.startsWith("\"") || operand.endsWith("\"")) {
            return Optional.of("'" + NodeReader.echo(value) + "' has an unbalanced quote; quote the whole value or "
                    + "none of it, like severity=\"critical\"");
        }
        if (match.group(2).endsWith("~")) {
            return Checks.regex(operand);
        }
        return Optional.empty();
    }

    record LabelMatcher(String name, String operator, String value) {
        boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(name, "");
            return switch (operator) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> Pattern.matches(value, actual);
                default -> !Pattern.matches(value, actual);
            };
        }

        @Override
        public String toString() {
            return name + operator + "\"" + value + "\"";
        }
    }

    static LabelMatcher parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new ConfigException("alerting route matcher '" + text
                    + "' is not a label matcher: write it like severity=\"critical\"");
        }
        String value = m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(4);
        if (m.group(2).endsWith("~")) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new ConfigException("alerting route matcher '" + text + "' has an invalid regular expression: "
                        + e.getDescription());
            }
        }
        return new LabelMatcher(m.group(1), m.group(2), value);
    }

    static List<LabelMatcher> parseAll(List<String> texts) {
        return texts.stream().map(RouteMatchers::parse).toList();
    }

    /**
     * Labels that satisfy every matcher, when they can be found simply: equality values, a literal alternative
     * of a regex, and absence (or a neutral value) for negative matchers. Empty when a matcher defeats that.
     */
    static Optional<Map<String, String>> satisfy(List<LabelMatcher> matchers) {
        Map<String, String> labels = new HashMap<>();
        for (LabelMatcher m : matchers) {
            switch (m.operator()) {
                case "=" -> labels.put(m.name(), m.value());
                case "=~" -> literalAlternative(m.value()).ifPresent(v -> labels.put(m.name(), v));
                default -> {
                    if (!m.matches(labels)) {
                        labels.put(m.name(), PROBE_VALUE);
                    }
                }
            }
        }
        return matchers.stream().allMatch(m -> m.matches(labels)) ? Optional.of(Map.copyOf(labels)) : Optional.empty();
    }

    private static Optional<String> literalAlternative(String regex) {
        for (String alternative : regex.split("\\|")) {
            if (!alternative.isEmpty() && !REGEX_META.matcher(alternative).find()) {
                return Optional.of(alternative);
            }
        }
        return Optional.empty();
    }

    /** The receivers Alertmanager routes these labels to under the configured child routes. */
    static Set<String> expectedReceivers(AlertingSettings alerting, Map<String, String> labels) {
        Set<String> receivers = new LinkedHashSet<>();
        for (Route route : alerting.routes()) {
            if (parseAll(route.matchers()).stream().allMatch(m -> m.matches(labels))) {
                receivers.add(route.receiver());
                if (!route.continueMatching()) {
                    break;
                }
            }
        }
        if (receivers.isEmpty()) {
            receivers.add(alerting.defaultReceiver());
        }
        return receivers;
    }

    /** Every receiver name the config uses: the declared ones, the default, and those the routes name. */
    static List<String> receiverNames(AlertingSettings alerting) {
        Set<String> names = new LinkedHashSet<>();
        alerting.receivers().forEach(r -> names.add(r.name()));
        names.add(alerting.defaultReceiver());
        alerting.routes().forEach(r -> names.add(r.receiver()));
        return new ArrayList<>(names);
    }
}
