package dev.obsbootstrap.core.validate;

import java.util.Objects;

/**
 * One rendered manifest stream of a bundle, as the static checks read it.
 *
 * @param path             bundle-relative ("02-logs/obs-store.manifests.yaml"), what findings name
 * @param releaseNamespace where the release's namespaced objects without a namespace of their own go
 * @param text             the file's content (a comment header and Helm's documents)
 */
public record ManifestFile(String path, String releaseNamespace, String text) {
    public ManifestFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(releaseNamespace, "releaseNamespace");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return "ManifestFile[" + path + "]";
    }
}
