package dev.obsbootstrap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the Maven-filtered obs-bootstrap-version.properties: our version and the Helm version bundled in helm-java. */
public final class VersionProvider implements IVersionProvider {
    static Properties properties() {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/obs-bootstrap-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** The lines the build fixes: ours and Helm's (the launcher prints them without this class). */
    static List<String> buildLines() {
        Properties properties = properties();
        return List.of(
                "obs-bootstrap " + properties.getProperty("version", "unknown"),
                "helm " + properties.getProperty("helm.version", "unknown") + " (bundled via helm-java "
                        + properties.getProperty("helm-java.version", "unknown") + ")");
    }

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>(buildLines());
        lines.add("java " + System.getProperty("java.version"));
        return lines.toArray(String[]::new);
    }
}
