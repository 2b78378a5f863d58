package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.config.ChartRef;
import java.nio.file.Path;
import java.util.Objects;

/** A pinned chart and the local copy Helm will read: an unpacked directory or a .tgz. */
public record ResolvedChart(ChartRef ref, Path path, ChartOrigin origin) {
    public ResolvedChart {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(origin, "origin");
    }
}
