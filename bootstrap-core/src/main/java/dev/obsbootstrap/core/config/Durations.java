package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.error.ConfigException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in YAML and on the command line: 90s, 10m, 1h30m, 500ms. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {}

    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            throw new ConfigException("empty duration: write it like 90s, 10m or 1h30m");
        }
        Matcher matcher = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() != end) {
                break;
            }
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(
                    switch (matcher.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    });
            end = matcher.end();
        }
        if (end != trimmed.length()) {
            throw new ConfigException("'" + text + "' is not a duration: write it like 90s, 10m or 1h30m");
        }
        return total;
    }

    /** The inverse of {@link #parse}, for reports: 1h30m, 45s, 250ms. */
    public static String format(Duration duration) {
        if (duration.toMillis() < 1000) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            text.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 != 0 || text.length() == 0) {
            text.append(seconds % 60).append('s');
        }
        return text.toString();
    }
}
