package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.helm.ChartArchive;
import dev.obsbootstrap.core.helm.ChartOrigin;
import dev.obsbootstrap.core.helm.ResolvedChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts plan copies into its bundle from where they were resolved, while the releases render. */
class BundleChartsTest {
    @TempDir
    Path tmp;

    @Test
    void anUnpackedChartIsPackedAndAnArchiveCopiedAsItIsEachOnceAndDigested() throws IOException {
        Path unpacked = chart(tmp.resolve("charts-dir/loki"), "loki", "6.0.0");
        Path archive = Files.write(
                Files.createDirectories(tmp.resolve("cache")).resolve("alloy-1.0.0.tgz"), new byte[] {31, -117, 8, 0});
        BundleFiles files = new BundleFiles(tmp.resolve("bundle"));
        ResolvedChart loki = new ResolvedChart(ref("loki", "6.0.0"), unpacked, ChartOrigin.CHARTS_DIR);

        List<String> notes = BundleCharts.copy(
                List.of(loki, new ResolvedChart(ref("alloy", "1.0.0"), archive, ChartOrigin.CACHE), loki), files);

        assertThat(notes).isEmpty();
        assertThat(files.digests()).containsOnlyKeys("charts/loki-6.0.0.tgz", "charts/alloy-1.0.0.tgz");
        assertThat(tmp.resolve("bundle/charts/loki-6.0.0.tgz"))
                .hasBinaryContent(ChartArchive.pack(unpacked, "loki").tgz());
        assertThat(tmp.resolve("bundle/charts/alloy-1.0.0.tgz")).hasSameBinaryContentAs(archive);
    }

    /** Where Helm might read an archive differently from the directory, the directory is copied as it was, and said so. */
    @Test
    void aChartThatCannotBePackedIsCopiedFileByFileWithANote() throws IOException {
        Path unpacked = chart(tmp.resolve("charts-dir/loki"), "loki", "6.0.0");
        Files.createSymbolicLink(unpacked.resolve("templates/linked.yaml"), unpacked.resolve("templates/cm.yaml"));
        BundleFiles files = new BundleFiles(tmp.resolve("bundle"));

        List<String> notes = BundleCharts.copy(
                List.of(new ResolvedChart(ref("loki", "6.0.0"), unpacked, ChartOrigin.CHARTS_DIR)), files);

        assertThat(notes)
                .containsExactly("charts/loki/ is copied file by file, not packed into loki-6.0.0.tgz:"
                        + " templates/linked.yaml is a symbolic link, which Helm follows");
        assertThat(files.digests())
                .containsOnlyKeys(
                        "charts/loki/Chart.yaml", "charts/loki/templates/cm.yaml", "charts/loki/templates/linked.yaml");
        assertThat(tmp.resolve("bundle/charts/loki/templates/cm.yaml"))
                .hasSameBinaryContentAs(unpacked.resolve("templates/cm.yaml"));
    }

    @Test
    void aBundleTheChartsCannotBeWrittenIntoIsAnErrorNamingItAndWhatToCheck() throws IOException {
        Path unpacked = chart(tmp.resolve("charts-dir/loki"), "loki", "6.0.0");
        Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(tmp.resolve("bundle/charts"), "a file where the charts directory goes");

        assertThatThrownBy(() -> BundleCharts.copy(
                        List.of(new ResolvedChart(ref("loki", "6.0.0"), unpacked, ChartOrigin.CHARTS_DIR)),
                        new BundleFiles(tmp.resolve("bundle"))))
                .isInstanceOf(dev.obsbootstrap.core.error.ConfigException.class)
                .hasMessageContaining("cannot copy the charts into the bundle " + tmp.resolve("bundle/charts"))
                .hasMessageContaining("is writable and its disk has room, then plan again");
    }

    /** Plan stops the copy when a render fails: it must stop writing before the stage is deleted under it. */
    @Test
    void anInterruptStopsTheCopyBetweenTwoFiles() throws IOException {
        Path unpacked = chart(tmp.resolve("charts-dir/loki"), "loki", "6.0.0");
        BundleFiles files = new BundleFiles(tmp.resolve("bundle"));

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> BundleCharts.copy(
                            List.of(new ResolvedChart(ref("loki", "6.0.0"), unpacked, ChartOrigin.CHARTS_DIR)), files))
                    .isInstanceOf(CancellationException.class)
                    .hasMessageContaining("interrupted while the charts were copied");
        } finally {
            Thread.interrupted();
        }
        assertThat(files.digests()).isEmpty();
        try (Stream<Path> written = Files.walk(tmp.resolve("bundle"))) {
            assertThat(written.filter(Files::isRegularFile)).isEmpty();
        }
    }

    private static Path chart(Path dir, String name, String version) throws IOException {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("Chart.yaml"), "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n");
        Files.writeString(dir.resolve("templates/cm.yaml"), "kind: ConfigMap\n");
        return dir;
    }

    private static ChartRef ref(String name, String version) {
        return new ChartRef("https://charts.example.org", name, version);
    }
}
