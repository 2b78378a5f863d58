package dev.obsbootstrap.core.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A manifest stream parsed once, for every reader of it: plan's summary, its static checks, the bundle checks. A
 * 5 MB stream of CRDs takes longer to parse than Helm takes to render it, so it is parsed once and shared.
 *
 * @param documents every non-blank document, in order ({@link Manifests#documents})
 * @param objects   the Kubernetes objects of those documents, list items expanded ({@link Manifests#objects}); the
 *                  same instances for every reader, so a reader may key a map by identity
 */
public record ParsedManifests(List<ManifestDocument> documents, List<ManifestObject> objects) {
    public ParsedManifests {
        documents = List.copyOf(documents);
        objects = List.copyOf(objects);
    }

    public static ParsedManifests parse(String manifests) {
        Objects.requireNonNull(manifests, "manifests");
        return of(Manifests.documents(manifests));
    }

    /** The objects of these documents (a whole stream's, in order), list items expanded. */
    public static ParsedManifests of(List<ManifestDocument> documents) {
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestDocument document : documents) {
            objects.addAll(Manifests.objects(document));
        }
        return new ParsedManifests(documents, objects);
    }

    /** Without the parsed trees, which are large. */
    @Override
    public String toString() {
        return "ParsedManifests[" + documents.size() + " documents, " + objects.size() + " objects]";
    }
}
