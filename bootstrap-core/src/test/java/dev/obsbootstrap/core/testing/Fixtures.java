package dev.obsbootstrap.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The cluster fixtures under {@code src/test/resources/fixtures/cluster/} of bootstrap-core, usable from other modules
 * through core's test-jar: Helm needs a chart on disk, so charts are copied out of the classpath (directory or jar).
 */
public final class Fixtures {
    private static final String ROOT = "/fixtures/cluster/";

    private Fixtures() {}

    /**
     * Copies fixture chart {@code name} (charts/&lt;name&gt;) into {@code targetDir} and returns the chart directory.
     * {@code workloads}: a Deployment (&lt;release&gt;-web), StatefulSet (-db), DaemonSet (-agent), two Services and a
     * ConfigMap, no hooks; values image.tag, web.replicas, db.replicas, agent.enabled, message.
     */
    public static Path chart(String name, Path targetDir) {
        return copyTree(ROOT + "charts/" + name, targetDir.resolve(name));
    }

    /** The text of a fixture file, for example {@code crds/monitoring-crds.yaml}. */
    public static String text(String relativePath) {
        try (InputStream in = Objects.requireNonNull(
                Fixtures.class.getResourceAsStream(ROOT + relativePath), "no fixture " + relativePath)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The classpath name of a fixture file, for {@link FakeCluster.Builder#preload(String)}. */
    public static String resource(String relativePath) {
        return ROOT + relativePath;
    }

    /** Copies a classpath directory (from a directory or a jar, such as this test-jar) to {@code target}. */
    public static Path copyTree(String resourceDir, Path target) {
        URL url =
                Objects.requireNonNull(Fixtures.class.getResource(resourceDir), "no fixture directory " + resourceDir);
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                copy(jar.getPath(resourceDir), target);
            } else {
                copy(Path.of(uri), target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.toList();
        }
        for (Path file : files) {
            Path destination = target.resolve(source.relativize(file).toString());
            if (Files.isDirectory(file)) {
                Files.createDirectories(destination);
            } else {
                Files.createDirectories(destination.getParent());
                Files.copy(file, destination);
            }
        }
    }
}
