package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.error.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads config, catalog and profile text from files and the classpath, as UTF-8, with messages users can act on. */
final class Resources {
    private Resources() {
    }

    static String fileText(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory; pass a YAML file");
        }
        try {
            return decode(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found; check the path (relative paths start in "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the file: " + e.getMessage(), e);
        }
    }

    static Optional<String> classpathTextIfPresent(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(decode(in.readAllBytes(), resource));
        } catch (IOException e) {
            throw new ConfigException(resource + ": cannot read the classpath resource: " + e.getMessage(), e);
        }
    }

    static String classpathText(ClassLoader loader, String resource) {
        return classpathTextIfPresent(loader, resource).orElseThrow(() -> new ConfigException(resource
                + ": not on the classpath; the charts-values jar must be packaged with obs-bootstrap (rebuild it)"));
    }

    private static String decode(byte[] bytes, String name) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(name + ": is not UTF-8 text; save it as UTF-8");
        }
    }
}
