package dev.obsbootstrap.core.helm;

import com.marcnuri.helm.jni.HelmLib;
import com.marcnuri.helm.jni.NativeLibrary;
import com.marcnuri.helm.jni.Result;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.function.Function;

/**
 * Helm's native library, loaded once per JVM from a cache instead of a fresh copy in /tmp.
 *
 * <p>helm-java's own loader ({@code NativeLibrary.load}, manusa/helm-java {@code lib/api/.../NativeLibrary.java},
 * v0.0.21) copies the 96 MB library into a new {@code /tmp/helm-java*} directory on every start and deletes it only
 * on a normal exit, so every killed run left 94 MB behind, and every start paid for the copy. Here the library is
 * unpacked once into {@code $OBS_BOOTSTRAP_CACHE/helm-native/<entry crc>-<size>/} (written under a temporary name and
 * moved into place, so two starting processes cannot see half a file) and loaded from there; only when the cache
 * cannot be written does it fall back to a temporary copy deleted on exit.
 *
 * <p>Every call goes through {@link #call}, which keeps the JVM's signal handlers in place ({@link NativeSignals})
 * and turns Helm's error text into an {@link IllegalStateException}, as helm-java's commands do.
 */
public final class HelmLibrary {
    private static final Object LOCK = new Object();
    private static volatile HelmLib library;

    private HelmLibrary() {}

    /** The loaded library (loaded on first use). */
    public static HelmLib get() {
        HelmLib loaded = library;
        if (loaded != null) {
            return loaded;
        }
        synchronized (LOCK) {
            if (library == null) {
                Path file = unpack(
                        NativeLibrary.getInstance(),
                        ChartResolver.cacheRoot(System.getenv()).resolve("helm-native"));
                library = NativeSignals.preserving(
                        () -> Native.load(file.toAbsolutePath().toString(), HelmLib.class));
            }
            return library;
        }
    }

    /** Loads the library now rather than on first use: plan loads it while it reads the config and renders values. */
    public static void load() {
        get();
    }

    /**
     * Runs one library function: Helm's output on success, an {@link IllegalStateException} with Helm's message
     * otherwise. The JVM's signal handlers are the same after the call as before it.
     */
    public static String call(Function<HelmLib, Result> function) {
        HelmLib lib = get();
        return NativeSignals.preserving(() -> {
            Result result = function.apply(lib);
            String out = result.out;
            String err = result.err;
            lib.Free(result);
            if (err != null && !err.isBlank()) {
                throw new IllegalStateException(err);
            }
            return out == null ? "" : out;
        });
    }

    /** A helm-java command (its {@code call()} runs the library) with the signal handlers kept in place. */
    public static <T> T command(java.util.concurrent.Callable<T> command) {
        get();
        return NativeSignals.preserving(() -> {
            try {
                return command.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /**
     * The library file in {@code cacheDir}, unpacked from the helm-java platform jar if it is not there yet. The
     * directory name comes from the jar entry's CRC and size, so a new helm-java version gets its own copy.
     */
    static Path unpack(NativeLibrary platform, Path cacheDir) {
        String name = platform.getBinaryName();
        URL resource = Objects.requireNonNull(
                platform.getClass().getResource("/" + name), () -> "helm-java's platform jar has no " + name);
        try {
            Path target = cacheDir.resolve(fingerprint(resource)).resolve(name);
            if (Files.isRegularFile(target)) {
                return target;
            }
            try {
                Files.createDirectories(target.getParent());
                removeStalePartials(target.getParent());
                Path partial = Files.createTempFile(target.getParent(), name, ".partial");
                copy(resource, partial);
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return target;
            } catch (IOException cacheNotWritable) {
                Path temporary = Files.createTempDirectory("obs-bootstrap-helm");
                Path copy = temporary.resolve(name);
                copy(resource, copy);
                copy.toFile().deleteOnExit();
                temporary.toFile().deleteOnExit();
                return copy;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack Helm's native library " + name, e);
        }
    }

    private static String fingerprint(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        if (connection instanceof JarURLConnection jar) {
            var entry = jar.getJarEntry();
            return Long.toHexString(entry.getCrc()) + "-" + entry.getSize();
        }
        return "file-" + connection.getContentLengthLong() + "-" + connection.getLastModified();
    }

    private static void copy(URL resource, Path target) throws IOException {
        try (InputStream in = resource.openStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Copies left by a process killed while unpacking (they are never moved into place). */
    private static void removeStalePartials(Path dir) {
        try (var files = Files.list(dir)) {
            long cutoff = System.currentTimeMillis() - java.util.concurrent.TimeUnit.MINUTES.toMillis(10);
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".partial"))
                    .toList()) {
                if (Files.getLastModifiedTime(file).toMillis() < cutoff) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException ignored) {
            // a leftover is only wasted space; the next start tries again
        }
    }
}
