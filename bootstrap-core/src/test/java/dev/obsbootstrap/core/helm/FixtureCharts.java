package dev.obsbootstrap.core.helm;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fixture charts under src/test/resources/fixtures/charts (see its README), and ways to dress them up as another
 * chart: a copy under a new name and version, or a packaged .tgz. Shared with other modules through the test-jar.
 */
public final class FixtureCharts {
    public static final String CRD_BUNDLE = "crd-bundle";
    public static final String WEB_OPERATOR = "web-operator";
    public static final String LOG_STORE = "log-store";
    public static final String NODE_AGENT = "node-agent";

    private FixtureCharts() {}

    /** The unpacked fixture chart: from the classpath directory, or unpacked from the test-jar (other modules). */
    public static Path path(String chart) {
        URL url = FixtureCharts.class.getResource("/fixtures/charts/" + chart + "/Chart.yaml");
        if (url == null) {
            throw new IllegalArgumentException("no fixture chart '" + chart + "' on the test classpath");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI()).getParent();
            }
            return unpackedFromJar(url.toURI()).resolve(chart);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the fixture chart at " + url, e);
        }
    }

    private static Path unpacked;

    /** Helm reads charts from disk: copy every fixture chart out of the jar once per JVM. */
    private static synchronized Path unpackedFromJar(URI chartYaml) throws IOException {
        if (unpacked != null) {
            return unpacked;
        }
        Path target = Files.createTempDirectory("obs-bootstrap-fixture-charts");
        try (FileSystem jar = FileSystems.newFileSystem(chartYaml, Map.of());
                Stream<Path> files = Files.walk(jar.getPath("/fixtures/charts"))) {
            Path root = jar.getPath("/fixtures/charts");
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(root.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(target)));
        unpacked = target;
        return target;
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    /** A copy of {@code chart} in {@code parent/<name>/} whose Chart.yaml says {@code name} and {@code version}. */
    public static Path copyAs(String chart, Path parent, String name, String version) {
        Path source = path(chart);
        Path target = parent.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
            Path chartYaml = target.resolve("Chart.yaml");
            String text = Files.readString(chartYaml)
                    .replaceFirst("(?m)^name: .*$", "name: " + name)
                    .replaceFirst("(?m)^version: .*$", "version: " + version);
            Files.writeString(chartYaml, text);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code helm package} of an unpacked chart into {@code destination}: returns {@code <name>-<version>.tgz}. */
    public static Path pack(Path chartDir, Path destination) {
        ChartMetadata metadata = ChartMetadata.read(chartDir);
        try {
            Files.createDirectories(destination);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new Helm(chartDir).packageIt().withDestination(destination).call();
        Path archive = destination.resolve(metadata.name() + "-" + metadata.version() + ".tgz");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("helm package did not write " + archive);
        }
        return archive;
    }
}
