package dev.obsbootstrap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    @Override
    public String[] getVersion() {
        Properties properties = properties();
        return new String[] {
            "obs-bootstrap " + properties.getProperty("version", "unknown"),
            "helm " + properties.getProperty("helm.version", "unknown") + " (bundled via helm-java "
                    + properties.getProperty("helm-java.version", "unknown") + ")",
            "java " + System.getProperty("java.version")
        };
    }
}
