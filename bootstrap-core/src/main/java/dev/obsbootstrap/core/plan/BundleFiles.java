package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.digest.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files one plan writes into its bundle, each streamed to disk as it is made and digested from the bytes written,
 * so {@link BundleDigests#write(Path, Map)} does not read them back. Plan writes the charts from one thread and its
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
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        MessageDigest digest = Sha256.newDigest();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(path), digest)) {
            CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
            for (String part : parts) {
                ByteBuffer bytes = utf8.encode(CharBuffer.wrap(part));
                out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            }
        }
        digests.put(relative, HexFormat.of().formatHex(digest.digest()));
        return path;
    }

    /**
     * Copies {@code source} byte for byte into {@code relative}, replacing it, created with the source's permissions
     * less the umask as {@link Files#copy} creates it (a chart's scripts stay executable).
     */
    public void copy(Path source, String relative) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        Path path = root.resolve(relative);
        Files.deleteIfExists(path);
        FileAttribute<?>[] mode;
        try {
            mode = new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(source))};
        } catch (UnsupportedOperationException notPosix) {
            mode = new FileAttribute<?>[0];
        }
        try (SeekableByteChannel out =
                Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
        digests.put(relative, HexFormat.of().formatHex(Sha256.newDigest().digest(bytes)));
    }

    /** Bundle-relative path -> SHA-256 (hex) of every file written through this object. */
    public Map<String, String> digests() {
        return Map.copyOf(digests);
    }
}
