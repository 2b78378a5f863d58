package dev.obsbootstrap.core.config;

import java.util.Objects;

/**
 * Where a chart comes from: {@code repository} is an https Helm repository URL or an {@code oci://} reference
 * (then {@code name} is the last path segment of the reference), plus an exact version.
 */
public record ChartRef(String repository, String name, String version) {
    public ChartRef {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    public boolean isOci() {
        return repository.startsWith("oci://");
    }

    /** {@code name@version}, as reports and messages show a chart. */
    public String coordinate() {
        return name + "@" + version;
    }
}
