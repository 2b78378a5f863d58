package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.Manifests;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a rendered release contains: object counts by kind and the images it runs, both sorted. */
public record ReleaseSummary(SortedMap<String, Integer> kinds, SortedSet<String> images) {
    public ReleaseSummary {
        kinds = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(kinds, "kinds")));
        images = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(images, "images")));
    }

    public static ReleaseSummary of(String manifests) {
        return of(Manifests.objects(manifests));
    }

    /** The summary of objects already parsed ({@link RenderedRelease#summary}). */
    public static ReleaseSummary of(List<ManifestObject> objects) {
        SortedMap<String, Integer> kinds = new TreeMap<>();
        SortedSet<String> images = new TreeSet<>();
        for (ManifestObject object : objects) {
            kinds.merge(object.kind(), 1, Integer::sum);
            images.addAll(object.images());
        }
        return new ReleaseSummary(kinds, images);
    }

    public int resources() {
        return kinds.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** "Deployment 1, Service 2". */
    public String describeKinds() {
        StringBuilder text = new StringBuilder();
        kinds.forEach((kind, count) -> text.append(text.length() == 0 ? "" : ", ")
                .append(kind)
                .append(' ')
                .append(count));
        return text.length() == 0 ? "nothing" : text.toString();
    }
}
