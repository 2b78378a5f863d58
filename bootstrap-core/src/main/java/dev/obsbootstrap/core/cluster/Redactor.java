package dev.obsbootstrap.core.cluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blanks what looks like a credential in text that came from the cluster (pod logs, event messages) before it is
 * shown or reported: values after password/token/secret/api key/authorization, bearer tokens, URL userinfo passwords
 * and webhook URLs of the usual receivers.
 */
public final class Redactor {
    public static final String MASK = "<redacted>";
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)((?:[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|routing[_-]?key|credentials?))"
                    + "[\"']?\\s*[:=]\\s*[\"']?)([^\\s\"',;&}]+)");
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)(authorization[\"']?\\s*[:=]\\s*[\"']?(?:bearer|basic)?\\s*)([^\\s\"',;]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)([A-Za-z0-9._~+/=-]{8,})");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]+:)([^/@\\s]+)(@)");
    private static final Pattern WEBHOOK_URL = Pattern.compile(
            "(https://(?:hooks\\.slack\\.com/services/|discord(?:app)?\\.com/api/webhooks/|[a-z0-9.-]*webhook\\.office\\.com/))([^\\s\"']+)");

    private Redactor() {
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String out = replace(KEY_VALUE, text, 1, 2);
        out = replace(AUTHORIZATION, out, 1, 2);
        out = replace(BEARER, out, 1, 2);
        out = URL_PASSWORD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        return replace(WEBHOOK_URL, out, 1, 2);
    }

    private static String replace(Pattern pattern, String text, int keep, int masked) {
        return pattern.matcher(text).replaceAll(m -> m.group(masked).equals(MASK)
                ? Matcher.quoteReplacement(m.group())
                : Matcher.quoteReplacement(m.group(keep) + MASK));
    }
}
