package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ResolvedChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
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
        copyEach(
                bundle.phases().stream()
                        .flatMap(phase -> phase.releases().stream())
                        .map(release -> new Source(
                                release.spec().chart(), release.spec().chartPath()))
                        .toList(),
                files);
    }

    /**
     * These charts, each file digested as it is copied; a chart listed twice is copied once. An interrupt stops it
     * between two files (plan failed elsewhere and is about to delete what was written).
     */
    public static void copy(List<ResolvedChart> charts, BundleFiles files) {
        copyEach(
                charts.stream()
                        .map(chart -> new Source(chart.ref(), chart.path()))
                        .toList(),
                files);
    }

    /** A chart and where it was found: an unpacked directory or a .tgz. */
    private record Source(ChartRef ref, Path path) {}

    private static void copyEach(List<Source> charts, BundleFiles files) {
        Path target = files.root().resolve(DIRECTORY);
        try {
            Files.createDirectories(target);
            for (Source chart : charts) {
                copy(chart.ref(), chart.path(), files);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot copy the charts into the bundle " + target + ": " + e.getMessage(), e);
        }
    }

    private static void copy(ChartRef chart, Path source, BundleFiles files) throws IOException {
        Path target = files.root().resolve(DIRECTORY);
        if (Files.isDirectory(source)) {
            Path destination = target.resolve(chart.name());
            if (Files.exists(destination)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path file : walk.sorted(Comparator.naturalOrder()).toList()) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new CancellationException("interrupted while the charts were copied into the bundle");
                    }
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
        Path destination = target.resolve(chart.name() + "-" + chart.version() + ".tgz");
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
