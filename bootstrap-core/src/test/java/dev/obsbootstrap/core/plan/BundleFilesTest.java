package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFilesTest {
    @TempDir
    Path dir;

    private static String sha256(Path file) throws IOException {
        return HexFormat.of()
                .formatHex(dev.obsbootstrap.core.digest.Sha256.newDigest().digest(Files.readAllBytes(file)));
    }

    @Test
    void theDigestOfAWrittenFileIsTheSha256OfItsBytesOnDisk() throws IOException {
        BundleFiles files = new BundleFiles(dir.resolve("bundle"));

        files.write("01-metrics/obs-metrics.manifests.yaml", "# header\n", "kind: ConfigMap\ndata:\n  a: \"é✓😀\"\n");

        Path written = dir.resolve("bundle/01-metrics/obs-metrics.manifests.yaml");
        assertThat(Files.readString(written)).isEqualTo("# header\nkind: ConfigMap\ndata:\n  a: \"é✓😀\"\n");
        assertThat(files.digests()).isEqualTo(Map.of("01-metrics/obs-metrics.manifests.yaml", sha256(written)));
    }

    @Test
    void aCopyHasTheSourcesBytesItsDigestAndItsExecuteBit() throws IOException {
        Path source = Files.writeString(dir.resolve("update_crds.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(
                source,
                java.util.Set.of(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE));
        Path expected = dir.resolve("expected.sh");
        Files.copy(source, expected);
        BundleFiles files = new BundleFiles(Files.createDirectories(dir.resolve("bundle/charts/chart")));

        files.copy(source, "update_crds.sh");

        Path copy = dir.resolve("bundle/charts/chart/update_crds.sh");
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(source));
        assertThat(Files.getPosixFilePermissions(copy)).isEqualTo(Files.getPosixFilePermissions(expected));
        assertThat(files.digests()).containsEntry("update_crds.sh", sha256(copy));
    }

    /** A file already there is replaced: its bytes, its mode and its digest are the new source's. */
    @Test
    void aCopyOverAnExistingFileReplacesIt() throws IOException {
        Path source = Files.writeString(dir.resolve("values.yaml"), "new: true\n");
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path old = Files.writeString(bundle.resolve("values.yaml"), "old: true, and longer than the new one\n");
        Files.setPosixFilePermissions(old, java.util.Set.of(PosixFilePermission.OWNER_READ));
        BundleFiles files = new BundleFiles(bundle);

        files.copy(source, "values.yaml");

        assertThat(Files.readString(old)).isEqualTo("new: true\n");
        assertThat(Files.getPosixFilePermissions(old)).isEqualTo(Files.getPosixFilePermissions(source));
        assertThat(files.digests()).containsEntry("values.yaml", sha256(source));
    }

    @Test
    void eachPartIsWrittenAsFilesWriteStringWritesIt() throws IOException {
        BundleFiles files = new BundleFiles(dir.resolve("bundle"));
        String ascii = "kind: ConfigMap\n";
        String latin1 = "a: \"é\"\n";
        String pair = "b: \"😀 \uD83D\uDE00\"\n";
        String bmp = "c: \"✓ 日本\"\n";

        files.write("parts.yaml", ascii, latin1, pair, bmp);

        Path expected = Files.writeString(dir.resolve("expected.yaml"), ascii + latin1 + pair + bmp);
        assertThat(Files.readAllBytes(dir.resolve("bundle/parts.yaml"))).isEqualTo(Files.readAllBytes(expected));
        assertThat(files.digests()).containsEntry("parts.yaml", sha256(expected));
    }

    @Test
    void textThatIsNotUnicodeIsRefusedAsFilesWriteStringRefusesIt() {
        BundleFiles files = new BundleFiles(dir);

        assertThatThrownBy(() -> files.write("broken.yaml", "a: \uD800\n"))
                .isInstanceOf(CharacterCodingException.class);
        assertThatThrownBy(() -> files.write("broken-low.yaml", "ok\n", "b: x\uDC00y\n"))
                .isInstanceOf(CharacterCodingException.class);
        assertThatThrownBy(() -> Files.writeString(dir.resolve("broken-too.yaml"), "a: \uD800\n"))
                .isInstanceOf(CharacterCodingException.class);
    }

    @Test
    void digestsTakesTheWrittenFilesDigestsAndHashesTheRest() throws IOException {
        Path bundle = dir.resolve("bundle");
        BundleFiles files = new BundleFiles(bundle);
        files.write("README.md", "# bundle\n");
        Files.writeString(bundle.resolve("checks.md"), "written by another writer\n");

        String withKnown = BundleDigests.write(bundle, files.digests());
        String listingWithKnown = Files.readString(bundle.resolve(BundleDigests.FILE));
        String hashedAll = BundleDigests.write(bundle);

        assertThat(withKnown).isEqualTo(hashedAll);
        assertThat(Files.readString(bundle.resolve(BundleDigests.FILE))).isEqualTo(listingWithKnown);
        assertThat(BundleDigests.verify(bundle)).isEqualTo(withKnown);
    }
}
