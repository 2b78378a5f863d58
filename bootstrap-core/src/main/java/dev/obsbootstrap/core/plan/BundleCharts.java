package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ChartArchive;
import dev.obsbootstrap.core.helm.ResolvedChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

/**
 * The charts of a bundle, so the bundle holds every byte Helm reads and {@code up --bundle} needs neither a repository
 * nor a cache: {@code charts/<name>-<version>.tgz}, the layout {@code --charts-dir} reads. A chart resolved as an
 * archive is copied as it is; one given unpacked is packed into one ({@link ChartArchive}: the files Helm loads from the
 * directory, which Helm then loads from the archive alike). Where Helm might not read the two alike (a symbolic link, a
 * {@code .helmignore} Helm would refuse, a name its archive loader refuses), the directory is copied file by file into
 * {@code charts/<name>/} instead, and the copy says why.
 */
public final class BundleCharts {
    public static final String DIRECTORY = "charts";

    private BundleCharts() {}

    /** Copies the chart of every release of {@code bundle} into {@code out/charts}; a chart two releases share is copied once. */
    public static List<String> copy(PlanBundle bundle, Path out) {
        return copy(bundle, new BundleFiles(out));
    }

    /** The same, each file digested as it is copied ({@link BundleFiles#digests}); a note for each chart not packed. */
    public static List<String> copy(PlanBundle bundle, BundleFiles files) {
        return copyEach(
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
     *
     * @return for each unpacked chart copied as a directory, not packed, why
     */
    public static List<String> copy(List<ResolvedChart> charts, BundleFiles files) {
        return copyEach(
                charts.stream()
                        .map(chart -> new Source(chart.ref(), chart.path()))
                        .toList(),
                files);
    }

    /** A chart and where it was found: an unpacked directory or a .tgz. */
    private record Source(ChartRef ref, Path path) {}

    private static List<String> copyEach(List<Source> charts, BundleFiles files) {
        Path target = files.root().resolve(DIRECTORY);
        List<String> notes = new ArrayList<>();
        try {
            Files.createDirectories(target);
            for (Source chart : charts) {
                copy(chart.ref(), chart.path(), files).ifPresent(notes::add);
            }
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot copy the charts into the bundle " + target + ": " + e.getMessage()
                            + "; check that the charts' files can be read and that " + files.root()
                            + " is writable and its disk has room, then plan again",
                    e);
        }
        return List.copyOf(notes);
    }

    private static Optional<String> copy(ChartRef chart, Path source, BundleFiles files) throws IOException {
        Path target = files.root().resolve(DIRECTORY);
        Path archive = target.resolve(chart.name() + "-" + chart.version() + ".tgz");
        if (!Files.isDirectory(source)) {
            if (!Files.exists(archive)) {
                files.copy(source, relative(files, archive));
            }
            return Optional.empty();
        }
        Path destination = target.resolve(chart.name());
        if (Files.exists(archive) || Files.exists(destination)) {
            return Optional.empty();
        }
        ChartArchive.Packed packed = ChartArchive.pack(source, chart.name());
        if (packed.packed()) {
            files.write(relative(files, archive), packed.tgz());
            return Optional.empty();
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
        return Optional.of(DIRECTORY + "/" + chart.name() + "/ is copied file by file, not packed into "
                + archive.getFileName() + ": " + packed.unpackable());
    }

    private static String relative(BundleFiles files, Path path) {
        return files.root().relativize(path).toString().replace('\\', '/');
    }

    /** The bundle's own charts directory, for a resolver that must find every chart there. */
    public static List<Path> directories(Path bundle) {
        return List.of(bundle.resolve(DIRECTORY));
    }
}
