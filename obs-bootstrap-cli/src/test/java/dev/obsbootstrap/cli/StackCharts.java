package dev.obsbootstrap.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
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
 * The fixture charts under {@code src/test/resources/fixtures/stack-charts/}: one per pinned chart of the catalog,
 * same name and version, same workload kinds and names as the real chart renders with our values, no hooks. They were
 * written for these tests (never copied from upstream) and give {@code up --charts-dir} something real Helm installs on
 * the simulated cluster. Helm needs them on disk, so they are copied out of the classpath.
 */
final class StackCharts {
    private static final String ROOT = "/fixtures/stack-charts";

    /** Every chart the ci profile installs, by the release it becomes. */
    static final List<String> RELEASES = List.of("obs-metrics", "obs-loki", "obs-alloy", "obs-tempo", "obs-otel", "obs-alertmanager");

    private StackCharts() {
    }

    /** Copies every fixture chart into {@code target} ({@code target/<chart-name>/}) and returns {@code target}. */
    static Path copyTo(Path target) {
        URL url = Objects.requireNonNull(StackCharts.class.getResource(ROOT), "no fixture directory " + ROOT);
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                copy(jar.getPath(ROOT), target);
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
