package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;

/**
 * The fixture charts under {@code src/test/resources/fixtures/stack-charts/}: one per pinned chart of the catalog,
 * same name and version, same workload kinds and names as the real chart renders with our values, no hooks. They were
 * written for these tests (never copied from upstream) and give {@code up --charts-dir} something real Helm installs on
 * the simulated cluster. Helm needs them on disk, so they are copied out of the classpath.
 */
final class StackCharts {
    private static final String ROOT = "/fixtures/stack-charts";

    /** Every chart the ci profile installs, by the release it becomes. */
    static final List<String> RELEASES =
            List.of("obs-metrics", "obs-loki", "obs-alloy", "obs-tempo", "obs-otel", "obs-alertmanager");

    private StackCharts() {}

    /** Copies every fixture chart into {@code target} ({@code target/<chart-name>/}) and returns {@code target}. */
    static Path copyTo(Path target) {
        return Fixtures.copyTree(ROOT, target);
    }
}
