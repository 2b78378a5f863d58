package dev.obsbootstrap.core.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one place obs-bootstrap writes temporary files (the values files Helm reads): a directory of this process,
 * {@code <tmp>/obs-bootstrap-<user>/<pid>}, readable by its owner only. It is removed when the JVM exits; one left by
 * a killed process is removed by the next start, so a kill never leaves files behind for good. Nothing secret is
 * written here (credentials reach the cluster as Secrets, never as values).
 */
public final class ScratchDir {
    private static Path dir;

    private ScratchDir() {}

    /** This process's directory, made (and its dead siblings removed) on first use. */
    public static synchronized Path get() {
        if (dir == null) {
            Path parent = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "obs-bootstrap-" + safe(System.getProperty("user.name", "user")));
            dir = create(parent, ProcessHandle.current().pid());
            Path mine = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(mine), "obs-bootstrap-scratch-cleanup"));
        }
        return dir;
    }

    /** A new private file in the directory. */
    public static Path newFile(String prefix, String suffix) {
        try {
            return Files.createTempFile(get(), prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary file in " + get(), e);
        }
    }

    static Path create(Path parent, long pid) {
        try {
            createPrivate(parent);
            removeDeadSiblings(parent);
            Path own = parent.resolve(Long.toString(pid));
            deleteTree(own); // a directory of an earlier process with the same pid
            createPrivate(own);
            return own;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private temporary directory under " + parent, e);
        }
    }

    /** Directories of processes that no longer run: a kill skips the shutdown hook that would have removed them. */
    static void removeDeadSiblings(Path parent) throws IOException {
        try (Stream<Path> children = Files.list(parent)) {
            for (Path child : children.toList()) {
                Optional<Long> pid = pidOf(child);
                if (pid.isPresent()
                        && ProcessHandle.of(pid.get())
                                .map(ProcessHandle::isAlive)
                                .orElse(false)) {
                    continue;
                }
                if (pid.isPresent()) {
                    deleteTree(child);
                }
            }
        }
    }

    private static Optional<Long> pidOf(Path child) {
        try {
            return Optional.of(Long.parseLong(child.getFileName().toString()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void createPrivate(Path directory) throws IOException {
        try {
            if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectory(
                        directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException exists) {
            if (!Files.isDirectory(directory)) {
                throw exists;
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the next start tries again
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
