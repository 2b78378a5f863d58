package dev.obsbootstrap.core.validate;

import java.util.List;
import java.util.Objects;

/**
 * One place where an object does not match its schema.
 *
 * @param path    where in the object: keys (String) and list indexes (Integer), from the top of the object
 * @param message what is wrong there, in the API's words ("unknown field 'imagePullPolcy'; did you mean 'imagePullPolicy'?")
 */
public record SchemaViolation(List<Object> path, String message) {
    public SchemaViolation {
        path = List.copyOf(path);
        Objects.requireNonNull(message, "message");
    }

    /** {@code spec.template.spec.containers[0].image}, or "(the object)" for the top. */
    public String describePath() {
        StringBuilder text = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                text.append(text.length() == 0 ? "" : ".").append(step);
            }
        }
        return text.length() == 0 ? "(the object)" : text.toString();
    }
}
