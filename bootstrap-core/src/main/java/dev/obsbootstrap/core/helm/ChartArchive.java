package dev.obsbootstrap.core.helm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An unpacked chart directory as one {@code .tgz} that Helm loads exactly as it loads the directory: the files Helm's
 * directory loader reads, in its order, under one top directory.
 *
 * <p>Why: plan used to copy a chart directory into its bundle file by file, and most of that time was the kernel
 * creating ~1000 files for the ci profile's charts. One archive per chart is one file to create, and it is how Helm
 * itself ships a chart ({@code helm package}).
 *
 * <p>What Helm reads from a directory (Helm v3.21.0, https://github.com/helm/helm/blob/v3.21.0/pkg/chart/loader/directory.go):
 * every regular file under it, walked in byte order of the names
 * (https://github.com/helm/helm/blob/v3.21.0/internal/sympath/walk.go), less what the root's {@code .helmignore}
 * ignores ({@link HelmIgnore}; a directory it ignores is skipped whole). Nothing else is applied: a subchart's own
 * {@code .helmignore} is not read. What Helm accepts from an archive
 * (https://github.com/helm/helm/blob/v3.21.0/pkg/chart/loader/archive.go, {@code LoadArchiveFiles}): the first path
 * element is dropped, and a name holding a backslash, starting with "..", or looking like a drive ("c:/"), a file over
 * 5 MiB, or 100 MiB in all are refused. A UTF-8 byte order mark is dropped by both loaders, so files are stored as
 * they are.
 *
 * <p>Where the two could differ, the chart is not packed and {@link Packed#unpackable} says why; the caller then copies
 * the directory as it is, which Helm reads as it reads the original. That covers a symbolic link (Helm follows it), a
 * {@code .helmignore} Helm would refuse or that cannot be read as UTF-8, names that are not UTF-8, irregular files, and
 * the names and sizes the archive loader refuses.
 *
 * <p>The archive is reproducible: names in walk order, mode 0644, owner 0:0 without names, time 0, and gzip that stores
 * without compressing. Packing then costs little more than reading the files, on the core plan's renders also want:
 * for the ci profile's charts (14.6 MB), deflate's fastest level takes 85 ms of CPU to make them 2.3 MB, and storing
 * them 2 ms (measured with java.util.zip.Deflater on these machines). A bundle is about as large as its files were.
 */
public final class ChartArchive {
    /** Helm's {@code MaxDecompressedChartSize}: an archive must hold less in all. */
    static final long MAX_CHART_BYTES = 100L * 1024 * 1024;
    /** Helm's {@code MaxDecompressedFileSize}: both loaders refuse a larger file. */
    static final long MAX_FILE_BYTES = 5L * 1024 * 1024;

    private static final Pattern DRIVE = Pattern.compile("^[a-zA-Z]:/");

    private ChartArchive() {}

    /**
     * The result: the archive's bytes and how many files it holds, or why the directory must be copied as it is.
     *
     * @param tgz         the archive, empty when {@code unpackable} is set
     * @param files       the files in it
     * @param unpackable  why the chart is not packed; "" when it is
     */
    public record Packed(byte[] tgz, int files, String unpackable) {
        public boolean packed() {
            return unpackable.isEmpty();
        }

        static Packed not(String why) {
            return new Packed(new byte[0], 0, why);
        }
    }

    /**
     * Packs {@code chartDir} under the top directory {@code name} (the chart's name, as {@code helm package} does). An
     * interrupt stops it between two files.
     */
    public static Packed pack(Path chartDir, String name) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("Chart.yaml")) {
            return Packed.not("the chart's name '" + name + "' cannot be an archive's top directory");
        }
        HelmIgnore rules;
        Path ignoreFile = chartDir.resolve(HelmIgnore.FILE);
        if (Files.exists(ignoreFile)) {
            String text;
            try {
                text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(ignoreFile)))
                        .toString();
            } catch (IOException e) {
                return Packed.not(HelmIgnore.FILE + " cannot be read as UTF-8 text: " + e.getMessage());
            }
            try {
                rules = HelmIgnore.parse(text);
            } catch (HelmIgnore.BadRule e) {
                return Packed.not(HelmIgnore.FILE + ": " + e.getMessage());
            }
        } else {
            rules = HelmIgnore.defaults();
        }
        List<Entry> entries = new ArrayList<>();
        String refused = walk(chartDir, "", rules, entries);
        if (!refused.isEmpty()) {
            return Packed.not(refused);
        }
        long total = 0;
        for (Entry entry : entries) {
            total += entry.size;
        }
        if (total >= MAX_CHART_BYTES) {
            return Packed.not("its files hold " + total + " bytes, and Helm loads no archive of " + MAX_CHART_BYTES
                    + " bytes or more");
        }
        // the files, a header of 512 bytes each (1536 with a PAX header), the trailer and gzip's framing
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (total + 1536L * entries.size() + 64 * 1024));
        try (GZIPOutputStream gzip = new StoredGzip(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Entry entry : entries) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("interrupted while the charts were copied into the bundle");
                }
                byte[] bytes = Files.readAllBytes(entry.file);
                if (bytes.length != entry.size) {
                    return Packed.not(entry.name + " changed while it was packed");
                }
                TarArchiveEntry header = new TarArchiveEntry(name + "/" + entry.name);
                header.setSize(bytes.length);
                header.setMode(0100644);
                header.setModTime(0L);
                header.setIds(0, 0);
                header.setNames("", "");
                tar.putArchiveEntry(header);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return new Packed(out.toByteArray(), entries.size(), "");
    }

    /**
     * The Chart.yaml of a chart archive, as Helm's archive loader finds it: the one entry whose name less its first
     * element is {@code Chart.yaml}, a UTF-8 byte order mark dropped. Empty unless the archive is plain: gzip and tar
     * that read to the end, only regular files and directories, every file's name '/'-separated, relative, at least
     * two elements deep and clean (no empty, "." or ".." element after the first, which Helm drops), and exactly one
     * such entry (Helm merges several into one). Otherwise Helm's loader is left to say what the chart is.
     */
    public static Optional<String> chartYaml(Path archive) {
        byte[] found = null;
        int count = 0;
        try (InputStream file = Files.newInputStream(archive);
                GZIPInputStream gzip = new GZIPInputStream(file, 64 * 1024);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip, StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                String[] parts = name.split("/", -1);
                if (name.indexOf('\\') >= 0 || name.startsWith("/") || parts[0].equals("Chart.yaml")) {
                    return Optional.empty();
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (!entry.isFile() || entry.isSymbolicLink() || entry.isLink() || parts.length < 2) {
                    return Optional.empty();
                }
                for (int i = 1; i < parts.length; i++) {
                    // a name path.Clean would change: Helm might read it as another file than it says
                    if (parts[i].isEmpty() || parts[i].equals(".") || parts[i].equals("..")) {
                        return Optional.empty();
                    }
                }
                if (parts.length == 2 && parts[1].equals("Chart.yaml")) {
                    count++;
                    found = tar.readAllBytes();
                }
            }
        } catch (IOException | RuntimeException notPlain) {
            return Optional.empty();
        }
        if (count != 1) {
            return Optional.empty();
        }
        int start =
                found.length >= 3 && (found[0] & 0xFF) == 0xEF && (found[1] & 0xFF) == 0xBB && (found[2] & 0xFF) == 0xBF
                        ? 3
                        : 0;
        return Optional.of(new String(found, start, found.length - start, StandardCharsets.UTF_8));
    }

    /** A file Helm loads: its path in the chart ('/'-separated) and its size when walked. */
    private record Entry(Path file, String name, long size) {}

    /**
     * Walks {@code dir} (the chart's {@code prefix}) as Helm's {@code sympath.Walk} with {@code LoadDir}'s filter does;
     * "" when every entry was taken or skipped, else why the chart cannot be packed.
     */
    private static String walk(Path dir, String prefix, HelmIgnore rules, List<Entry> entries) throws IOException {
        List<Child> children = new ArrayList<>();
        try (Stream<Path> listed = Files.list(dir)) {
            for (Path child : (Iterable<Path>) listed::iterator) {
                String fileName = child.getFileName().toString();
                if (fileName.indexOf('\uFFFD') >= 0) {
                    return "the name " + prefix + fileName + " is not UTF-8";
                }
                children.add(new Child(child, fileName, fileName.getBytes(StandardCharsets.UTF_8)));
            }
        }
        children.sort(Comparator.comparing(Child::utf8, Arrays::compareUnsigned)); // Go's sort.Strings: byte order
        for (Child child : children) {
            String relative = prefix + child.name;
            BasicFileAttributes attributes =
                    Files.readAttributes(child.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                boolean directory = Files.isDirectory(child.path);
                if (rules.ignores(relative, directory)) {
                    continue;
                }
                return relative + " is a symbolic link, which Helm follows";
            }
            if (attributes.isDirectory()) {
                if (rules.ignores(relative, true)) {
                    continue;
                }
                String refused = walk(child.path, relative + "/", rules, entries);
                if (!refused.isEmpty()) {
                    return refused;
                }
                continue;
            }
            if (rules.ignores(relative, false)) {
                continue;
            }
            if (!attributes.isRegularFile()) {
                return relative + " is not a regular file";
            }
            String refused = archivable(relative, attributes.size());
            if (!refused.isEmpty()) {
                return refused;
            }
            entries.add(new Entry(child.path, relative, attributes.size()));
        }
        return "";
    }

    private record Child(Path path, String name, byte[] utf8) {}

    /** "" when Helm's archive loader takes {@code relative} as the directory loader does; else why not. */
    private static String archivable(String relative, long size) {
        if (relative.indexOf('\\') >= 0) {
            return "the name " + relative + " holds a backslash, which Helm's archive loader reads as a separator";
        }
        if (relative.startsWith("..")) {
            return "the name " + relative + " starts with '..', which Helm's archive loader refuses";
        }
        if (DRIVE.matcher(relative).find()) {
            return "the name " + relative + " looks like a drive, which Helm's archive loader refuses";
        }
        if (size > MAX_FILE_BYTES) {
            return relative + " holds " + size + " bytes, more than Helm loads (" + MAX_FILE_BYTES + ")";
        }
        return "";
    }

    /** gzip whose deflate stream stores the bytes (level 0): Helm's loader wants gzip, not compression. */
    private static final class StoredGzip extends GZIPOutputStream {
        StoredGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.NO_COMPRESSION);
        }
    }
}
