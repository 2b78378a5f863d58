package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files one plan writes into its bundle, each digested ({@link Sha256#of}) from the bytes it writes, so
 * {@link BundleDigests#write(Path, Map)} does not read them back. Plan writes the charts from one thread and its
 * own files from another, hence the concurrent map.
 */
public final class BundleFiles {
    private final Path root;
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    public BundleFiles(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    public Path root() {
        return root;
    }

    /**
     * Writes {@code parts}, one after the other, as UTF-8 into {@code relative} ('/'-separated), replacing the file.
     * Text that is not valid Unicode (a lone surrogate) fails, as {@link Files#writeString} does.
     */
    public Path write(String relative, String... parts) throws IOException {
        return write(relative, parts.length == 1 ? utf8(parts[0]) : concatenated(parts));
    }

    /** Writes {@code bytes} into {@code relative} ('/'-separated), replacing the file. */
    public Path write(String relative, byte[] bytes) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.write(path, bytes);
        digests.put(relative, HexFormat.of().formatHex(Sha256.of(bytes)));
        return path;
    }

    private static byte[] concatenated(String... parts) throws CharacterCodingException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String part : parts) {
            all.writeBytes(utf8(part));
        }
        return all.toByteArray();
    }

    /**
     * The text as UTF-8; a lone surrogate fails. String.getBytes is the JDK's own fast path (the manifests are 4.7 MB:
     * an encoder's loop took 0.1 s of a plan's CPU), but it replaces what it cannot encode with '?', so text holding a
     * surrogate goes through a strict encoder instead.
     */
    static byte[] utf8(String text) throws CharacterCodingException {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
                byte[] strict = new byte[bytes.remaining()];
                bytes.get(strict);
                return strict;
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Copies {@code source} byte for byte into {@code relative}, replacing it, created with the source's permissions
     * less the umask as {@link Files#copy} creates it (a chart's scripts stay executable).
     */
    public void copy(Path source, String relative) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        Path path = root.resolve(relative);
        FileAttribute<?>[] mode;
        try {
            mode = new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(source))};
        } catch (UnsupportedOperationException notPosix) {
            mode = new FileAttribute<?>[0];
        }
        SeekableByteChannel created;
        try {
            created = Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);
        } catch (FileAlreadyExistsException replaced) {
            // deleted only when there: a plan writes into a new directory, where a delete first cost a system call
            // per chart file (~1000 for the ci profile's charts; 34 ms of a plan's CPU)
            Files.delete(path);
            created = Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);
        }
        try (SeekableByteChannel out = created) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
        digests.put(relative, HexFormat.of().formatHex(Sha256.of(bytes)));
    }

    /** Bundle-relative path -> SHA-256 (hex) of every file written through this object. */
    public Map<String, String> digests() {
        return Map.copyOf(digests);
    }
}
