package dev.obsbootstrap.core.probe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text a probe reports: the literal values a context handed out (passwords), Authorization
 * header values, and {@code password=...}/{@code "password": "..."} pairs. Mutable only by {@link #remember}, which
 * the contexts call as they read a secret; a run is single-threaded.
 */
public final class Redaction {
    public static final String REDACTED = "<redacted>";

    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)(authorization\\s*[:=]\\s*)(?:(basic|bearer)\\s+)?[^\\s,;\"']+");
    private static final Pattern PASSWORD_PAIR = Pattern.compile("(?i)(\"?(?:password|passwd|secret|token)\"?\\s*[:=]\\s*\"?)([^\\s,;\"'}]+)");

    /** Values shorter than this are not matched literally: "a" or "1" would shred every message. */
    private static final int MIN_LITERAL = 4;

    private final Set<String> literals = new LinkedHashSet<>();

    public void remember(String secret) {
        if (secret != null && secret.length() >= MIN_LITERAL) {
            literals.add(secret);
        }
    }

    public void rememberAll(Collection<String> secrets) {
        secrets.forEach(this::remember);
    }

    public String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String result = text;
        // longest first, so a secret containing another is replaced whole
        List<String> sorted = new ArrayList<>(literals);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        for (String literal : sorted) {
            result = result.replace(literal, REDACTED);
        }
        Matcher authorization = AUTHORIZATION.matcher(result);
        result = authorization.replaceAll(match -> Matcher.quoteReplacement(
                match.group(1) + (match.group(2) == null ? "" : match.group(2) + " ") + REDACTED));
        Matcher password = PASSWORD_PAIR.matcher(result);
        result = password.replaceAll(match -> Matcher.quoteReplacement(match.group(1) + REDACTED));
        return result;
    }
}
