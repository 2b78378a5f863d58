package dev.obsbootstrap.core.manifest;

import java.util.Objects;

/**
 * One YAML document of a rendered manifest stream.
 *
 * @param number  1-based position in the stream, for messages
 * @param source  the template Helm names in its {@code # Source:} comment, "" when there is none
 * @param body    the parsed document (a map for a Kubernetes object), or null for an empty document or a parse error
 * @param error   why the document does not parse, "" when it does
 */
public record ManifestDocument(int number, String source, Object body, String error) {
    public ManifestDocument {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(error, "error");
    }

    /** "document 3 (mychart/templates/dashboards/configmap.yaml)": how findings name an unnamed document. */
    public String describe() {
        return "document " + number + (source.isEmpty() ? "" : " (" + source + ")");
    }
}
