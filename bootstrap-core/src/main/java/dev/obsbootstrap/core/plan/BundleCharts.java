package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The charts of a bundle, copied into it ({@code charts/<name>-<version>.tgz}, or {@code charts/<name>/} for a chart
 * that was given unpacked), so the bundle holds every byte Helm reads and {@code up --bundle} needs neither a
 * repository nor a cache: the same layout {@code --charts-dir} reads.
 */
public final class BundleCharts {
    public static final String DIRECTORY = "charts";

    private BundleCharts() {}

    /** Copies the chart of every release of {@code bundle} into {@code out/charts}; a chart two releases share is copied once. */
    public static void copy(PlanBundle bundle, Path out) {
        copy(bundle, new BundleFiles(out));
    }

    /** The same, each file digested as it is copied ({@link BundleFiles#digests}). */
    public static void copy(PlanBundle bundle, BundleFiles files) {
        copy(
                bundle.phases().stream()
                        .flatMap(phase -> phase.releases().stream())
                        .map(RenderedRelease::spec)
                        .toList(),
                files);
    }

    /** The charts of these releases, each file digested as it is copied; a chart two releases share is copied once. */
    public static void copy(List<ReleaseSpec> releases, BundleFiles files) {
        Path target = files.root().resolve(DIRECTORY);
        try {
            Files.createDirectories(target);
            for (ReleaseSpec release : releases) {
                copy(release, files);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot copy the charts into the bundle " + target + ": " + e.getMessage(), e);
        }
    }

    private static void copy(ReleaseSpec spec, BundleFiles files) throws IOException {
        Path target = files.root().resolve(DIRECTORY);
        Path source = spec.chartPath();
        if (Files.isDirectory(source)) {
            Path destination = target.resolve(spec.chart().name());
            if (Files.exists(destination)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path file : walk.sorted(Comparator.naturalOrder()).toList()) {
                    Path copy = destination.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        files.copy(file, relative(files, copy));
                    }
                }
            }
            return;
        }
        Path destination =
                target.resolve(spec.chart().name() + "-" + spec.chart().version() + ".tgz");
        if (!Files.exists(destination)) {
            files.copy(source, relative(files, destination));
        }
    }

    private static String relative(BundleFiles files, Path path) {
        return files.root().relativize(path).toString().replace('\\', '/');
    }

    /** The bundle's own charts directory, for a resolver that must find every chart there. */
    public static List<Path> directories(Path bundle) {
        return List.of(bundle.resolve(DIRECTORY));
    }
}
