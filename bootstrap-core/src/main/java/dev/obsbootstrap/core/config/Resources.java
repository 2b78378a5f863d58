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
    private Resources() {}

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
        return classpathTextIfPresent(loader, resource)
                .orElseThrow(
                        () -> new ConfigException(
                                resource
                                        + ": not on the classpath; the charts-values jar must be packaged with obs-bootstrap (rebuild it)"));
    }

    /** One resource found on the classpath: its text, and a name for messages that says which jar it came from. */
    record Found(String name, String text) {}

    /**
     * Every copy of a resource on the classpath (one per jar that ships it), in a stable order (by where they are).
     * A lone copy is named by the resource alone; several are named "resource in jar".
     */
    static java.util.List<Found> classpathTexts(ClassLoader loader, String resource) {
        java.util.List<java.net.URL> urls;
        try {
            urls = java.util.Collections.list(loader.getResources(resource));
        } catch (IOException e) {
            throw new ConfigException(resource + ": cannot list the classpath: " + e.getMessage(), e);
        }
        urls.sort(java.util.Comparator.comparing(java.net.URL::toString));
        java.util.List<Found> found = new java.util.ArrayList<>();
        for (java.net.URL url : urls) {
            String name = urls.size() == 1 ? resource : resource + " in " + container(url, resource);
            try (InputStream in = url.openStream()) {
                found.add(new Found(name, decode(in.readAllBytes(), name)));
            } catch (IOException e) {
                throw new ConfigException(name + ": cannot read the classpath resource: " + e.getMessage(), e);
            }
        }
        return found;
    }

    /** "stack-logs-1.0.jar" or "stack-logs/target/classes": where a resource URL points, without the resource. */
    private static String container(java.net.URL url, String resource) {
        String text = url.toString();
        int bang = text.indexOf("!/");
        String base = bang >= 0
                ? text.substring(0, bang)
                : text.substring(0, Math.max(0, text.length() - resource.length() - 1));
        String[] parts = base.split("/");
        int from = Math.max(0, parts.length - (base.endsWith(".jar") ? 1 : 3));
        return String.join("/", java.util.Arrays.copyOfRange(parts, from, parts.length));
    }

    private static String decode(byte[] bytes, String name) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(name + ": is not UTF-8 text; save it as UTF-8");
        }
    }
}
