package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BundleStageTest {
    @TempDir
    Path tmp;

    private PlanBundle bundle;
    private Path out;

    @BeforeEach
    void plan() {
        bundle = PlanFixtures.bundle(tmp.resolve("cache"));
        out = tmp.resolve("work/bundle");
    }

    @Test
    void aPlanThatStopsHalfWayLeavesTheEarlierBundleAsItWas() throws IOException {
        earlierBundle();
        Files.writeString(out.resolve("notes-of-the-reviewer.txt"), "keep me\n");
        String earlierDigest = BundleDigests.write(out);
        Map<String, String> before = contents(out);

        assertThatThrownBy(() -> {
                    try (BundleStage stage = BundleStage.open(out)) {
                        BundleFiles files = new BundleFiles(stage.directory());
                        PlanBundleWriter.writeReleases(bundle, files);
                        stage.adoptKept();
                        throw new IllegalStateException("promtool could not be started");
                    }
                })
                .hasMessage("promtool could not be started");

        assertThat(contents(out)).isEqualTo(before);
        assertThat(BundleDigests.verify(out)).isEqualTo(earlierDigest);
        assertThat(siblingsOf(out)).containsExactly("bundle");
    }

    @Test
    void aCompleteBundleReplacesTheEarlierOneKeepingTheReviewersFilesInItsDigests() throws IOException {
        earlierBundle();
        Files.createDirectories(out.resolve("05-stale"));
        Files.writeString(out.resolve("05-stale/old.values.yaml"), "stale\n");
        Files.writeString(out.resolve("notes-of-the-reviewer.txt"), "keep me\n");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-x---"));

        try (BundleStage stage = BundleStage.open(out)) {
            assertThat(stage.directory().getParent()).isEqualTo(out.getParent());
            BundleFiles files = new BundleFiles(stage.directory());
            new PlanBundleWriter().writeSummaries(bundle, List.of(), files);
            PlanBundleWriter.writeReleases(bundle, files);
            assertThat(out.resolve("05-stale"))
                    .as("untouched until the new bundle is complete")
                    .exists();
            stage.adoptKept();
            BundleDigests.write(stage.directory(), files.digests());
            stage.commit();
        }

        assertThat(out.resolve("05-stale")).doesNotExist();
        assertThat(out.resolve("notes-of-the-reviewer.txt")).hasContent("keep me");
        assertThat(Files.readString(out.resolve(BundleDigests.FILE))).contains("  notes-of-the-reviewer.txt\n");
        BundleDigests.verify(out);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo("rwxr-x---");
        assertThat(siblingsOf(out)).containsExactly("bundle");
    }

    @Test
    void aNewDirectoryGetsTheBundleOnlyOnCommit() throws IOException {
        try (BundleStage stage = BundleStage.open(out)) {
            BundleFiles files = new BundleFiles(stage.directory());
            PlanBundleWriter.writeReleases(bundle, files);
            assertThat(out).doesNotExist();
            stage.commit();
        }

        assertThat(out.resolve("00-crds/obs-crds.manifests.yaml")).exists();
        assertThat(siblingsOf(out)).containsExactly("bundle");
    }

    @Test
    void whatAKilledPlanLeftIsCleanedUpAndAnEarlierBundleItHadMovedAsideComesBack() throws IOException {
        String earlierDigest = earlierBundle();
        // a plan killed between its two renames: the earlier bundle aside, its stage not yet in place
        Path aside = out.resolveSibling(".obs-bootstrap-plan-bundle-2147483646.earlier");
        Files.move(out, aside);
        Path deadStage = Files.createDirectories(out.resolveSibling(".obs-bootstrap-plan-bundle-2147483647"));
        Files.writeString(deadStage.resolve("summary.md"), "half\n");

        try (BundleStage stage = BundleStage.open(out)) {
            assertThat(BundleDigests.verify(out)).isEqualTo(earlierDigest);
            assertThat(deadStage).doesNotExist();
        }
        assertThat(siblingsOf(out)).containsExactly("bundle");
    }

    @Test
    void aDirectoryWithOtherContentIsRefusedWithoutAStage() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("thesis.tex"), "\\documentclass{article}\n");

        assertThatThrownBy(() -> BundleStage.open(out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not empty and holds no earlier plan bundle");
        assertThat(siblingsOf(out)).containsExactly("bundle");
        assertThat(Files.list(out).map(Path::getFileName).map(Path::toString)).containsExactly("thesis.tex");
    }

    /** A complete bundle in {@code out}, as an earlier plan left it; returns its identity. */
    private String earlierBundle() {
        new PlanBundleWriter().write(bundle, List.of(), out);
        return BundleDigests.write(out);
    }

    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(file -> {
                try {
                    files.put(root.relativize(file).toString(), Files.readString(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return files;
    }

    private static List<String> siblingsOf(Path path) throws IOException {
        try (Stream<Path> list = Files.list(path.getParent())) {
            return list.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }
}
