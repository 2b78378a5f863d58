package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.ParsedManifests;
import java.util.Objects;

/**
 * One rendered manifest stream of a bundle, as the static checks read it.
 *
 * @param path             bundle-relative ("02-logs/obs-store.manifests.yaml"), what findings name
 * @param releaseNamespace where the release's namespaced objects without a namespace of their own go
 * @param text             the file's content (a comment header and Helm's documents)
 * @param parsed           its documents and objects, parsed once for every check
 */
public record ManifestFile(String path, String releaseNamespace, String text, ParsedManifests parsed) {
    public ManifestFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(releaseNamespace, "releaseNamespace");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(parsed, "parsed");
    }

    public ManifestFile(String path, String releaseNamespace, String text) {
        this(path, releaseNamespace, text, ParsedManifests.parse(text));
    }

    @Override
    public String toString() {
        return "ManifestFile[" + path + "]";
    }
}
