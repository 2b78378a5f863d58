package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Plan bundles of the fixture stack charts ({@link StackCharts}), as the bundle and validate tests start from them. */
final class PlannedBundles {
    private PlannedBundles() {}

    /** {@code plan --profile ci} for {@code namespace} into {@code dir/bundle-<namespace>}, asserted to pass. */
    static Path plan(Path dir, Path charts, String namespace, String... extra) {
        Path bundle = dir.resolve("bundle-" + namespace);
        List<String> args = new ArrayList<>(List.of(
                "plan",
                "--profile",
                "ci",
                "--set",
                "cluster.namespace=" + namespace,
                "--charts-dir",
                charts.toString(),
                "--kube-version",
                "1.31.0",
                "--out",
                bundle.toString()));
        args.addAll(List.of(extra));
        CliRun.Result planned = CliRun.run(null, args.toArray(String[]::new));
        assertThat(planned.code()).as(planned.err() + planned.out()).isZero();
        return bundle;
    }

    /** A copy of a planned bundle, for a test that changes it or writes evidence into it: planning once is the slow part. */
    static Path copy(Path bundle, Path target) {
        try (Stream<Path> walk = Files.walk(bundle)) {
            for (Path source : walk.toList()) {
                Path copy = target.resolve(bundle.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
