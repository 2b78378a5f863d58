package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A SHA-256 of this build's code: every class and resource on the runtime class path (our modules and every
 * library, jinjava and the YAML libraries included), in class path order. The build writes it after compiling
 * (exec-maven-plugin, process-classes, like {@link HelpTexts}) from the class path Maven runs it with, which is what the
 * jar is shaded from; a command reads it as a resource. {@code up} digests a phase's render inputs with it
 * ({@code ValuesInputs}): another build may render the same templates differently, so it never reuses what this one
 * recorded. Reproducible: the same sources and libraries give the same fingerprint, whenever built.
 */
public final class CodeFingerprint {
    static final String RESOURCE = "obs-bootstrap-code.sha256";

    private CodeFingerprint() {}

    /** The fingerprint the build wrote; empty when run from classes the build did not fingerprint (an IDE). */
    static Optional<String> ofThisBuild() {
        try (InputStream in = CodeFingerprint.class.getResourceAsStream("/" + RESOURCE)) {
            if (in == null) {
                return Optional.empty();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code CodeFingerprint CLASSES_DIR}: writes the fingerprint of the class path it runs with to CLASSES_DIR. */
    public static void main(String[] args) throws IOException, URISyntaxException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CodeFingerprint CLASSES_DIR");
        }
        if (!(CodeFingerprint.class.getClassLoader() instanceof URLClassLoader loader)) {
            throw new IllegalStateException("CodeFingerprint runs from the build (exec:java), with a URL class loader");
        }
        Path out = Path.of(args[0]).toAbsolutePath().normalize().resolve(RESOURCE);
        MessageDigest digest = Sha256.newDigest();
        for (URL url : loader.getURLs()) {
            Path element = Path.of(url.toURI());
            if (Files.isDirectory(element)) {
                try (Stream<Path> files = Files.walk(element)) {
                    List<Path> sorted = files.filter(Files::isRegularFile)
                            .filter(file -> !file.toAbsolutePath().normalize().equals(out))
                            .sorted()
                            .toList();
                    for (Path file : sorted) {
                        entry(digest, element.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                    }
                }
            } else if (Files.isRegularFile(element)) {
                // a library's content, not where the local repository keeps it
                entry(digest, "", Files.readAllBytes(element));
            }
        }
        Files.writeString(out, HexFormat.of().formatHex(digest.digest()) + "\n", StandardCharsets.US_ASCII);
    }

    private static void entry(MessageDigest digest, String name, byte[] content) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(12)
                .putInt(nameBytes.length)
                .putLong(content.length)
                .array());
        digest.update(nameBytes);
        digest.update(content);
    }
}
