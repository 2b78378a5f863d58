package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.ManifestObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every object of a bundle with the file it came from and the namespace it lands in, so checks that look across
 * releases (a URL in one release, the Service in another) can find what an object refers to.
 */
final class BundleObjects {
    /** One object, its file, and its namespace ("" for cluster-scoped kinds). */
    record Located(ManifestObject object, ManifestFile file, String namespace) {
        Located {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(namespace, "namespace");
        }

        String subject() {
            return object.describe(file.releaseNamespace());
        }
    }

    private final List<Located> all;
    private final Map<String, Located> byKey = new HashMap<>();
    private final Set<String> releaseNamespaces = new LinkedHashSet<>();
    private final Map<String, YamlLines> lines = new HashMap<>();

    private BundleObjects(List<ManifestFile> files) {
        List<Located> located = new ArrayList<>();
        for (ManifestFile file : files) {
            releaseNamespaces.add(file.releaseNamespace());
            for (ManifestObject object : file.parsed().objects()) {
                String namespace = object.clusterScoped()
                        ? ""
                        : object.namespace().isEmpty() ? file.releaseNamespace() : object.namespace();
                Located entry = new Located(object, file, namespace);
                located.add(entry);
                byKey.putIfAbsent(key(object.kind(), namespace, object.name()), entry);
            }
        }
        this.all = List.copyOf(located);
    }

    static BundleObjects of(List<ManifestFile> files) {
        return new BundleObjects(files);
    }

    List<Located> all() {
        return all;
    }

    /** The object of this kind, namespace and name, when the bundle renders it (Helm hooks included). */
    Optional<Located> find(String kind, String namespace, String name) {
        return Optional.ofNullable(byKey.get(key(kind, namespace, name)));
    }

    /** The namespaces the bundle's releases install into: what the stack owns, as opposed to the cluster's own. */
    Set<String> releaseNamespaces() {
        return releaseNamespaces;
    }

    /** 1-based line of {@code path} inside the object's document, 0 when unknown. */
    int line(Located located, List<Object> path) {
        return lines.computeIfAbsent(
                        located.file().path(), p -> new YamlLines(located.file().text()))
                .line(located.object().document().number(), path);
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "/" + namespace + "/" + name;
    }
}
