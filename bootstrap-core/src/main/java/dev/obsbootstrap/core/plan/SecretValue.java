package dev.obsbootstrap.core.plan;

import java.util.Objects;

/**
 * A secret the bundle must not contain, such as the resolved value of a receiver credential's environment variable.
 *
 * @param source where the value comes from ("env:SLACK_WEBHOOK_URL"): the only part findings show
 */
public record SecretValue(String source, String value) {
    public SecretValue {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(value, "value");
    }

    /** Never the value. */
    @Override
    public String toString() {
        return "SecretValue[" + source + "]";
    }
}
