package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads a values template (a classpath resource) as text: what the renderer renders and the inputs digest covers. */
final class Templates {
    private Templates() {}

    /** The template's text; empty when there is no such resource. */
    static Optional<String> read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("cannot read values template " + resource + ": " + e.getMessage(), e);
        }
    }
}
