package dev.obsbootstrap.core.console;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from text before it reaches a report. Every report writer passes every text field through
 * {@link #redact}: probe output quotes HTTP exchanges, URLs and config excerpts, and any of them may carry a secret.
 *
 * <p>What is masked (the mask is {@value #MASK}):
 * <ul>
 *   <li>the password (or bare token) in a URL's user info: {@code https://admin:s3cret@host} keeps the user name;</li>
 *   <li>the value of {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie} and {@code Set-Cookie} headers;</li>
 *   <li>{@code Bearer} tokens anywhere;</li>
 *   <li>the value after a secret-looking key written as {@code key=value}, {@code key: value} or {@code "key":"value"}
 *       (password, passwd, pwd, secret, token, api key, private key, routing key, credentials, with any prefix such as
 *       {@code adminPassword} or {@code client_secret}); {@code secret:name/key} references without a space stay;</li>
 *   <li>JSON Web Tokens, GitHub/GitLab/Slack tokens, Slack webhook paths and PEM private keys;</li>
 *   <li>any literal value given to {@link #withSecrets} (the run's resolved credentials), when at least
 *       {@value #MIN_LITERAL_LENGTH} characters long: masking shorter ones would shred ordinary text.</li>
 * </ul>
 */
public final class Redactor {
    public static final String MASK = "<redacted>";
    static final int MIN_LITERAL_LENGTH = 4;

    /** Keys whose value is a secret, with any prefix: adminPassword, client_secret, x-api-key, auth_password. */
    private static final String SECRET_KEY =
            "[a-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key"
                    + "|routing[_-]?key|credentials?)";
    /**
     * {@code =}, or a colon followed by a space or quote (YAML, headers, JSON), so that the reference
     * {@code secret:ui-admin/password}, which names a secret rather than holding one, survives. The key may be quoted.
     */
    private static final String SEPARATOR = "[\"']?\\s*(?:=|:(?=[\\s\"']))\\s*";

    private static final List<Rule> RULES = List.of(
            // -----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE KEY----- (a truncated excerpt too)
            new Rule(
                    Pattern.compile(
                            "-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*)",
                            Pattern.DOTALL),
                    MASK),
            // scheme://user:password@host and scheme://token@host
            new Rule(
                    Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s:@\"']+):([^/\\s@\"']+)@"),
                    "$1$2:" + MASK + "@"),
            new Rule(Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s:@\"']+)@"), "$1" + MASK + "@"),
            // header lines and header-like map entries: the scheme word goes too, so "Basic" does not hint at the
            // encoding
            new Rule(
                    Pattern.compile(
                            "(?i)\\b((?:proxy-)?authorization)([\"']?\\s*(?:=|:)\\s*[\"']?)(?:[A-Za-z]+\\s+)?[^\\s\"',;]+"),
                    "$1$2" + MASK),
            // a cookie list runs to the end of the line ("a=1; b=2")
            new Rule(
                    Pattern.compile("(?i)\\b(set-cookie|cookie)([\"']?\\s*(?:=|:)\\s*[\"']?)[^\"'\\r\\n]+"),
                    "$1$2" + MASK),
            // a token needs a digit or a symbol, so "bearer authentication" in prose stays readable
            new Rule(
                    Pattern.compile("(?i)\\b(bearer)\\s+(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}"),
                    "$1 " + MASK),
            new Rule(Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*"), MASK),
            new Rule(
                    Pattern.compile(
                            "\\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})"),
                    MASK),
            new Rule(Pattern.compile("(?i)(hooks\\.slack\\.com/services/)[A-Za-z0-9/_-]+"), "$1" + MASK),
            // key=value, key: value, "key": "value". A colon must be followed by a space or quote, so that
            // the reference "secret:ui-admin/password" (which names, not holds, a secret) survives.
            quotedSecretValue('"'),
            quotedSecretValue('\''),
            new Rule(Pattern.compile("(?i)(" + SECRET_KEY + ")(" + SEPARATOR + ")[^\\s\"'<&,;}]+"), "$1$2" + MASK));

    private static final Redactor STANDARD = new Redactor(List.of());

    private final List<String> literals;

    private Redactor(List<String> literals) {
        this.literals = literals;
    }

    /** The pattern rules only. */
    public static Redactor standard() {
        return STANDARD;
    }

    /** This redactor plus exact values (resolved passwords, tokens) to mask wherever they appear. */
    public Redactor withSecrets(Collection<String> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        List<String> all = new ArrayList<>(literals);
        for (String secret : secrets) {
            if (secret != null && secret.length() >= MIN_LITERAL_LENGTH && !all.contains(secret)) {
                all.add(secret);
            }
        }
        // longest first, so a secret that contains another is masked whole
        all.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(all));
    }

    private static Rule quotedSecretValue(char quote) {
        String q = Pattern.quote(String.valueOf(quote));
        return new Rule(
                Pattern.compile("(?i)(" + SECRET_KEY + ")(" + SEPARATOR + ")" + q + "[^" + quote + "\\r\\n]*" + q),
                "$1$2" + Matcher.quoteReplacement(quote + MASK + quote));
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String result = text;
        for (String literal : literals) {
            result = result.replace(literal, MASK);
        }
        for (Rule rule : RULES) {
            result = rule.apply(result);
        }
        return result;
    }

    private record Rule(Pattern pattern, String replacement) {
        String apply(String text) {
            Matcher matcher = pattern.matcher(text);
            return matcher.find() ? matcher.replaceAll(replacement) : text;
        }
    }
}
