package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/** Air-gapped use: every pinned chart pulled into one directory with checksums, and every image of the stack listed. */
class ChartsAndImagesTest {
    @TempDir
    Path tmp;

    @Test
    void pullWritesEveryPinnedChartAsAnArchiveWithItsSha256AndPlanRunsFromThem() throws Exception {
        Path fixtures = StackCharts.copyTo(tmp.resolve("unpacked"));
        Path out = tmp.resolve("pulled");

        CliRun.Result pull = CliRun.run(
                null,
                "charts",
                "pull",
                "--out",
                out.toString(),
                "--charts-dir",
                fixtures.toString(),
                "--profile",
                "ci");

        assertThat(pull.code()).as(pull.err()).isZero();
        List<String> sums = Files.readAllLines(out.resolve("SHA256SUMS"));
        assertThat(sums).hasSize(7);
        for (String line : sums) {
            String file = line.substring(66);
            assertThat(line.substring(0, 64)).as(file).isEqualTo(sha256(out.resolve(file)));
        }
        assertThat(sums).anyMatch(line -> line.endsWith("  alertmanager-1.42.0.tgz"));
        assertThat(pull.out()).contains("7 charts in " + out);

        // the pulled directory is enough on its own
        CliRun.Result images =
                CliRun.run(null, "images", "--charts-dir", out.toString(), "--profile", "ci", "-o", "json");
        assertThat(images.code()).as(images.err()).isZero();
        Map<?, ?> document = JsonMapper.builder().build().readValue(images.out(), Map.class);
        assertThat((List<?>) document.get("images"))
                .anySatisfy(row -> {
                    Map<?, ?> image = (Map<?, ?>) row;
                    assertThat(image.get("image")).isEqualTo("quay.io/prometheus/alertmanager:v0.29.0");
                    assertThat(image.get("releases")).isEqualTo(List.of("obs-alertmanager"));
                })
                .anySatisfy(row ->
                        assertThat(((Map<?, ?>) row).get("image")).isEqualTo("quay.io/prometheus/prometheus:v3.7.0"));

        CliRun.Result quiet = CliRun.run(null, "images", "--charts-dir", out.toString(), "--profile", "ci", "-q");
        assertThat(quiet.out().lines().toList())
                .contains("quay.io/prometheus/alertmanager:v0.29.0")
                .allMatch(line -> !line.contains(" "));
    }

    @Test
    void chartsListShowsThePinsAsYaml() {
        CliRun.Result list = CliRun.run(null, "charts", "list", "--profile", "ci", "-o", "yaml");
        assertThat(list.code()).as(list.err()).isZero();
        Map<?, ?> document = new Yaml().load(list.out());
        assertThat((List<?>) document.get("charts")).anySatisfy(row -> {
            assertThat(((Map<?, ?>) row).get("name")).isEqualTo("loki");
            assertThat(((Map<?, ?>) row).get("version")).isEqualTo("18.11.0");
        });
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw e;
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
