package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.plan.BundleDigests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one verification of a bundle leaves in {@code DIR/evidence/}: a directory per run
 * ({@code 20261206-214500-static/}) with its reports, the cluster it ran on, its timings and the digests it checked,
 * and one line per run in {@code evidence/README.md}, so whoever applies the bundle reads what was verified where.
 * Evidence is not part of the reviewed bytes (digests.sha256 leaves it out): adding it never invalidates the bundle.
 */
public final class BundleEvidence {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /**
     * One run's evidence.
     *
     * @param path     the path that ran (static, local, cluster)
     * @param digest   the bundle's identity the run checked ("sha256:...")
     * @param where    what it ran against ("no cluster", "K3s v1.31.6+k3s1 (rancher/k3s:v1.31.6-k3s1)", "context prod at https://...: v1.31.2")
     * @param verdict  "passed" or what failed, one line
     * @param files    file name to content (reports)
     */
    public record Run(
            String path,
            Instant startedAt,
            long durationMs,
            String digest,
            String where,
            String verdict,
            int exitCode,
            Map<String, String> files) {
        public Run {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(verdict, "verdict");
            files = new LinkedHashMap<>(files);
        }
    }

    private BundleEvidence() {}

    /** Writes the run's directory and its line in evidence/README.md; returns the directory. */
    public static Path record(Path bundle, Run run) {
        Path evidence = bundle.resolve(BundleDigests.EVIDENCE_DIR);
        Path dir = evidence.resolve(STAMP.format(run.startedAt()) + "-" + run.path());
        try {
            for (int n = 2; Files.exists(dir); n++) {
                dir = evidence.resolve(STAMP.format(run.startedAt()) + "-" + run.path() + "-" + n);
            }
            Files.createDirectories(dir);
            for (Map.Entry<String, String> file : run.files().entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            Files.copy(bundle.resolve(BundleDigests.FILE), dir.resolve(BundleDigests.FILE));
            Files.writeString(
                    dir.resolve("run.txt"),
                    "path: " + run.path() + "\nbundle: " + run.digest() + "\nran against: " + run.where()
                            + "\nstarted: " + run.startedAt() + "\nduration: " + run.durationMs() + " ms\nexit code: "
                            + run.exitCode()
                            + "\nverdict: " + run.verdict() + "\n");
            Path index = evidence.resolve("README.md");
            if (!Files.exists(index)) {
                Files.writeString(
                        index,
                        "# Evidence\n\nEach line is one verification of this bundle; its directory holds the reports.\n"
                                + "Only runs whose bundle digest equals the SHA-256 of `../digests.sha256` verified these exact bytes.\n\n"
                                + "| when (UTC) | path | ran against | verdict | exit | bundle | reports |\n|---|---|---|---|---|---|---|\n");
            }
            Files.writeString(
                    index,
                    "| " + run.startedAt() + " | " + run.path() + " | "
                            + run.where().replace("|", "/") + " | "
                            + run.verdict().replace("|", "/") + " | " + run.exitCode() + " | `" + run.digest() + "` | `"
                            + dir.getFileName() + "/` |\n",
                    StandardOpenOption.APPEND);
            return dir;
        } catch (IOException e) {
            throw new ConfigException("cannot write the evidence into " + dir + ": " + e.getMessage(), e);
        }
    }
}
