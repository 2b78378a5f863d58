package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The digest of every file of a plan bundle, in {@value #FILE} ({@code sha256sum} format, so {@code sha256sum -c
 * digests.sha256} checks it by hand too). {@code evidence/} is left out: it is written later, by the runs that verify
 * the bundle. The bundle's identity is the SHA-256 of that file: evidence records it, {@code up --bundle} compares it.
 */
public final class BundleDigests {
    public static final String FILE = "digests.sha256";
    /** Written after the plan by validate and smoke; not part of the reviewed bytes. */
    public static final String EVIDENCE_DIR = "evidence";
    /** What the static checks checked and found, for a reviewer (written by the validate layer). */
    public static final String CHECKS_REPORT = "checks.md";
    /** The findings as SARIF, for code-scanning UIs. */
    public static final String SARIF = "findings.sarif";

    private BundleDigests() {}

    /** Writes {@value #FILE} for every file under {@code bundle} (evidence excepted) and returns the bundle's identity. */
    public static String write(Path bundle) {
        return write(bundle, Map.of());
    }

    /**
     * The same, taking the digest of a file from {@code written} (bundle-relative path -> SHA-256 hex) where this
     * process has just written it ({@link BundleFiles}): those bytes are the file's, so reading it again to hash it
     * would give the same digest. Every other file under {@code bundle} is read and hashed.
     */
    public static String write(Path bundle, Map<String, String> written) {
        StringBuilder lines = new StringBuilder();
        files(bundle, written)
                .forEach((relative, digest) ->
                        lines.append(digest).append("  ").append(relative).append('\n'));
        try {
            Files.writeString(bundle.resolve(FILE), lines.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot write " + bundle.resolve(FILE) + ": " + e.getMessage(), e);
        }
        return identity(lines.toString());
    }

    /**
     * The bundle's identity ("sha256:..."), after checking every file against {@value #FILE}.
     *
     * @throws ConfigException listing every file that changed, went missing or was added since the plan
     */
    public static String verify(Path bundle) {
        Path listing = bundle.resolve(FILE);
        if (!Files.isRegularFile(listing)) {
            throw new ConfigException(
                    bundle + " is not a plan bundle with digests: it has no " + FILE
                            + " (write one with `obs-bootstrap plan --out DIR`; bundles planned before digests existed must be planned again)");
        }
        String text;
        try {
            text = Files.readString(listing);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + listing + ": " + e.getMessage(), e);
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int gap = line.indexOf("  ");
            if (gap != 64) {
                throw new ConfigException(
                        listing + ": '" + line + "' is not a sha256sum line (64 hex digits, two spaces, a path)");
            }
            recorded.put(line.substring(gap + 2), line.substring(0, gap));
        }
        Map<String, String> actual = files(bundle);
        List<String> problems = new ArrayList<>();
        recorded.forEach((file, digest) -> {
            String now = actual.get(file);
            if (now == null) {
                problems.add(file + " is missing");
            } else if (!now.equals(digest)) {
                problems.add(file + " changed (sha256 " + now.substring(0, 12) + "..., the plan recorded "
                        + digest.substring(0, 12) + "...)");
            }
        });
        actual.keySet().stream()
                .filter(file -> !recorded.containsKey(file))
                .forEach(file -> problems.add(file + " was added after the plan"));
        if (!problems.isEmpty()) {
            throw new ConfigException(
                    "the bundle " + bundle + " is not what was reviewed: " + String.join("; ", problems)
                            + ". Restore the reviewed files, or plan again (`obs-bootstrap plan --out DIR`) and have the new bundle reviewed");
        }
        return identity(text);
    }

    /** Every file (bundle-relative, '/'-separated, sorted) and its SHA-256, without {@value #FILE} and {@code evidence/}. */
    static Map<String, String> files(Path bundle) {
        return files(bundle, Map.of());
    }

    private static Map<String, String> files(Path bundle, Map<String, String> written) {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(bundle)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = bundle.relativize(file).toString().replace('\\', '/');
                if (relative.equals(FILE) || relative.startsWith(EVIDENCE_DIR + "/")) {
                    continue;
                }
                String known = written.get(relative);
                digests.put(relative, known != null ? known : sha256(file));
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read the bundle " + bundle + ": " + e.getMessage(), e);
        }
        return digests;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String identity(String listing) {
        return "sha256:" + HexFormat.of().formatHex(newDigest().digest(listing.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The files of an earlier bundle that a new plan replaces, beside the ones {@link PlanBundleWriter} writes itself. */
    static final Set<String> SEALED_ENTRIES =
            Set.of(FILE, EVIDENCE_DIR, BundleCharts.DIRECTORY, BundleInputs.DIRECTORY, CHECKS_REPORT, SARIF);
}
