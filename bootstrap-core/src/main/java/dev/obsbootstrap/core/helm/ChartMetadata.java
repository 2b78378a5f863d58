package dev.obsbootstrap.core.helm;

import com.marcnuri.helm.jni.ShowOptions;
import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/** The name and version a chart's own Chart.yaml declares: what a file name or directory name only claims. */
record ChartMetadata(String name, String version) {
    ChartMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Reads Chart.yaml of an unpacked chart directly, and of a plain .tgz too ({@link ChartArchive#chartYaml}: a bundle's
     * or the cache's charts, whose name this checks on every run, without Helm loading each whole archive: ~0.07-0.15 s
     * for the ci profile's charts). An archive that is not plain is read through Helm, whose error then says what is
     * wrong with it; a download is always ({@link #loaded}).
     */
    static ChartMetadata read(Path chart) {
        if (!Files.isDirectory(chart)) {
            java.util.Optional<String> plain = ChartArchive.chartYaml(chart);
            if (plain.isPresent()) {
                return parse(plain.get(), chart);
            }
        }
        return loaded(chart);
    }

    /** Reads Chart.yaml through Helm for an archive, which also proves the whole archive loads. */
    static ChartMetadata loaded(Path chart) {
        String text;
        if (Files.isDirectory(chart)) {
            Path chartYaml = chart.resolve("Chart.yaml");
            try {
                text = Files.readString(chartYaml);
            } catch (IOException e) {
                throw new ConfigException(
                        chart + " is not a Helm chart: cannot read " + chartYaml + " (" + e.getMessage() + ")", e);
            }
        } else {
            try {
                String path = chart.toAbsolutePath().toString();
                text = HelmLibrary.call(
                        lib -> lib.Show(new ShowOptions(path, "chart", null, null, null, null, 0, 0, 0)));
            } catch (IllegalStateException e) {
                throw new ConfigException(
                        chart + " is not a loadable Helm chart archive: "
                                + e.getMessage().strip(),
                        e);
            }
        }
        return parse(text, chart);
    }

    static ChartMetadata parse(String chartYaml, Path where) {
        Object loaded;
        try {
            loaded = PlainYaml.create().load(chartYaml);
        } catch (RuntimeException e) {
            throw new ConfigException("Chart.yaml of " + where + " is not valid YAML: " + e.getMessage(), e);
        }
        if (loaded instanceof Map<?, ?> map && map.get("name") != null && map.get("version") != null) {
            return new ChartMetadata(String.valueOf(map.get("name")), String.valueOf(map.get("version")));
        }
        throw new ConfigException("Chart.yaml of " + where + " has no name and version");
    }
}
