package dev.obsbootstrap.core.console;

import java.util.Collection;
import java.util.List;

/**
 * The redactor of one probe context: {@link Redactor}'s rules plus the literal values the context handed out
 * (passwords read from Secrets or the environment), remembered as they are read. A run is single-threaded.
 */
public final class Redaction {
    public static final String REDACTED = Redactor.MASK;

    private Redactor redactor = Redactor.standard();

    public void remember(String secret) {
        if (secret != null) {
            redactor = redactor.withSecrets(List.of(secret));
        }
    }

    public void rememberAll(Collection<String> secrets) {
        secrets.forEach(this::remember);
    }

    public String apply(String text) {
        return redactor.redact(text);
    }
}
