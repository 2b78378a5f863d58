package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.TemplateCommand;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chart packed by {@link ChartArchive} renders in Helm (the real one, in-process) exactly as the directory it was
 * packed from, under {@code .helmignore} rules drawn at random from what Helm's rules and Go's patterns can say; where
 * Helm refuses the directory, the chart is not packed or Helm refuses the archive too.
 */
class ChartArchiveTest {
    @TempDir
    Path tmp;

    /** Every file of the chart appears in what Helm renders: the templates by themselves, the rest through .Files. */
    private static final String LIST_FILES = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: files\ndata:\n"
            + "  files: |\n{{- range $path, $_ := .Files }}\n    {{ $path }} {{ len ($.Files.Get $path) }}\n{{- end }}\n"
            + "  values: {{ .Values | toJson | quote }}\n";

    private static final String ONE_TEMPLATE =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Template.Name | sha256sum | trunc 20 }}\n"
                    + "data:\n  template: {{ .Template.Name | quote }}\n";

    @Test
    void aPackedChartRendersAsItsDirectoryUnderRandomHelmignoreRules() throws Exception {
        Path chart = chart(tmp.resolve("src/demo"));
        Random random = new Random(20261207);
        int packed = 0;
        int refusedByHelm = 0;
        for (int round = 0; round < 400; round++) {
            String rules = randomRules(random);
            Files.writeString(chart.resolve(HelmIgnore.FILE), rules);
            Outcome fromDirectory = render(chart);
            ChartArchive.Packed archive = ChartArchive.pack(chart, "demo");
            String context = "round " + round + ", .helmignore:\n" + rules + "\ndirectory: " + fromDirectory;
            if (fromDirectory.error() != null) {
                refusedByHelm++;
                if (archive.packed()) {
                    assertThat(render(write(archive)).error()).as(context).isNotNull();
                }
                continue;
            }
            if (!archive.packed()) {
                assertThat(archive.unpackable()).as(context).contains("two slashes");
                continue;
            }
            packed++;
            assertThat(render(write(archive))).as(context).isEqualTo(fromDirectory);
        }
        // the draw must exercise both sides, or the test proves little
        String drawn = packed + " packed and rendered alike, " + refusedByHelm + " refused by Helm";
        assertThat(packed).as(drawn).isGreaterThan(150);
        assertThat(refusedByHelm).as(drawn).isGreaterThan(20);
    }

    @Test
    void theArchiveIsReproducibleAndHoldsOnlyWhatHelmLoadsUnderTheChartsName() throws Exception {
        Path chart = chart(tmp.resolve("src/demo"));
        Files.writeString(chart.resolve(HelmIgnore.FILE), "*.md\nci/\n");

        ChartArchive.Packed first = ChartArchive.pack(chart, "demo");
        ChartArchive.Packed second = ChartArchive.pack(chart, "demo");

        assertThat(first.packed()).isTrue();
        assertThat(first.tgz()).isEqualTo(second.tgz());
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new ByteArrayInputStream(first.tgz())), StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                names.add(entry.getName());
                assertThat(entry.getModTime().getTime()).isZero();
                assertThat(entry.getUserName()).isEmpty();
                assertThat(entry.getMode()).isEqualTo(0100644);
            }
        }
        assertThat(names).hasSize(first.files()).allMatch(name -> name.startsWith("demo/"));
        assertThat(names)
                .as("a subchart's own .helmignore is not applied: Helm reads only the root's")
                .contains("demo/Chart.yaml", "demo/.helmignore", "demo/charts/sub/keep.txt", "demo/" + longName())
                .doesNotContain(
                        "demo/README.md", "demo/charts/sub/notes.md", "demo/ci/lint.sh", "demo/templates/.dot.yaml");
        // byte order of the UTF-8 names, as Go sorts them: "dir/Z.txt" < "dir/a.txt" < "dir/é.txt"
        assertThat(names.indexOf("demo/dir/Z.txt"))
                .isLessThan(names.indexOf("demo/dir/a.txt"))
                .isLessThan(names.indexOf("demo/dir/é.txt"));
    }

    @Test
    void whatHelmMightReadDifferentlyFromAnArchiveIsNotPacked() throws Exception {
        Path chart = chart(tmp.resolve("src/demo"));
        Files.createSymbolicLink(chart.resolve("linked.txt"), chart.resolve("a.txt"));
        assertThat(ChartArchive.pack(chart, "demo").unpackable()).contains("linked.txt is a symbolic link");

        Files.writeString(chart.resolve(HelmIgnore.FILE), "linked.txt\n");
        assertThat(ChartArchive.pack(chart, "demo").packed())
                .as("an ignored link is not read")
                .isTrue();

        Files.write(chart.resolve("big.bin"), new byte[(int) ChartArchive.MAX_FILE_BYTES + 1]);
        assertThat(ChartArchive.pack(chart, "demo").unpackable()).contains("big.bin holds 5242881 bytes");
        Files.delete(chart.resolve("big.bin"));

        Files.writeString(chart.resolve("..dots"), "x");
        assertThat(ChartArchive.pack(chart, "demo").unpackable()).contains("starts with '..'");
        Files.delete(chart.resolve("..dots"));

        Files.writeString(chart.resolve("back\\slash"), "x");
        assertThat(ChartArchive.pack(chart, "demo").unpackable()).contains("holds a backslash");
        Files.delete(chart.resolve("back\\slash"));

        Files.write(chart.resolve(HelmIgnore.FILE), new byte[] {'a', (byte) 0xFF, '\n'});
        assertThat(ChartArchive.pack(chart, "demo").unpackable()).contains("cannot be read as UTF-8");

        Files.writeString(chart.resolve(HelmIgnore.FILE), "[z-\n");
        assertThat(ChartArchive.pack(chart, "demo").unpackable()).contains("syntax error in pattern");
    }

    /** What the resolver reads of an archive without Helm is what Helm reads: for ours and for Helm's own package. */
    @Test
    void chartYamlOfAPlainArchiveIsReadAsHelmReadsIt() throws Exception {
        Path chart = chart(tmp.resolve("src/demo"));
        Path ours = write(ChartArchive.pack(chart, "demo"));
        Path helms = ChartResolver.packageChart(chart, Files.createDirectories(tmp.resolve("helm-packaged")));

        for (Path archive : List.of(ours, helms)) {
            assertThat(ChartArchive.chartYaml(archive)).as(archive.toString()).isPresent();
            assertThat(ChartMetadata.read(archive)).as(archive.toString()).isEqualTo(ChartMetadata.loaded(archive));
        }
        assertThat(ChartMetadata.read(ours)).isEqualTo(new ChartMetadata("demo", "0.1.0"));
    }

    /** Anything Helm might read otherwise is left to Helm: then Helm's loader says what the chart is. */
    @Test
    void anArchiveThatIsNotPlainIsLeftToHelm() throws Exception {
        assertThat(ChartArchive.chartYaml(tar(tmp.resolve("two.tgz"), "a/Chart.yaml", "b/Chart.yaml")))
                .isEmpty();
        assertThat(ChartArchive.chartYaml(tar(tmp.resolve("dot.tgz"), "a/./Chart.yaml")))
                .isEmpty();
        assertThat(ChartArchive.chartYaml(tar(tmp.resolve("up.tgz"), "a/../Chart.yaml")))
                .isEmpty();
        assertThat(ChartArchive.chartYaml(tar(tmp.resolve("top.tgz"), "Chart.yaml")))
                .isEmpty();
        assertThat(ChartArchive.chartYaml(tar(tmp.resolve("none.tgz"), "a/values.yaml")))
                .isEmpty();
        assertThat(ChartArchive.chartYaml(Files.writeString(tmp.resolve("text.tgz"), "not gzip")))
                .isEmpty();
        assertThat(ChartArchive.chartYaml(tar(tmp.resolve("one.tgz"), "a/Chart.yaml", "a/charts/b/Chart.yaml")))
                .contains("apiVersion: v2\nname: demo\nversion: 0.1.0\n");
    }

    /** A tar.gz whose every entry holds a Chart.yaml of chart demo 0.1.0. */
    private static Path tar(Path file, String... names) throws IOException {
        byte[] body = "\uFEFFapiVersion: v2\nname: demo\nversion: 0.1.0\n".getBytes(StandardCharsets.UTF_8);
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file));
                org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                        new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gzip)) {
            for (String name : names) {
                TarArchiveEntry entry = new TarArchiveEntry(name, true);
                entry.setSize(body.length);
                tar.putArchiveEntry(entry);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private record Outcome(String manifests, String error) {}

    private static Outcome render(Path chart) {
        try {
            TemplateCommand template = new TemplateCommand(HelmLibrary.get(), chart)
                    .withName("demo")
                    .withNamespace("ns")
                    .withKubeVersion("1.31.0");
            return new Outcome(HelmLibrary.command(template::call), null);
        } catch (RuntimeException refused) {
            return new Outcome(null, String.valueOf(refused.getMessage()));
        }
    }

    private Path write(ChartArchive.Packed archive) throws IOException {
        Path file = Files.createDirectories(tmp.resolve("packed")).resolve("demo-0.1.0.tgz");
        Files.write(file, archive.tgz());
        return file;
    }

    /**
     * A chart with what .helmignore rules can catch: dot files at each level, a subchart with its own .helmignore
     * (which Helm does not apply), a name over 100 bytes (a PAX header in the archive), names that are not ASCII, an
     * upper-case name that sorts before lower case by bytes, and a UTF-8 byte order mark.
     */
    private static Path chart(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir, "Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        write(dir, "values.yaml", "\uFEFFgreeting: hello\n");
        write(dir, "README.md", "# demo\n");
        write(dir, "a.txt", "a\n");
        write(dir, ".hidden", "h\n");
        write(dir, "ci/lint.sh", "#!/bin/sh\n");
        write(dir, "dir/a.txt", "a\n");
        write(dir, "dir/Z.txt", "z\n");
        write(dir, "dir/é.txt", "e\n");
        write(dir, "dir/sub/c.txt", "c\n");
        write(dir, "dir/[x].txt", "x\n");
        write(dir, longName(), "long\n");
        write(dir, "templates/files.yaml", LIST_FILES);
        write(dir, "templates/cm.yaml", ONE_TEMPLATE);
        write(dir, "templates/.dot.yaml", ONE_TEMPLATE);
        write(dir, "templates/sub/x.yaml", ONE_TEMPLATE);
        write(dir, "templates/_helpers.tpl", "{{- define \"demo.x\" -}}x{{- end -}}\n");
        write(dir, "charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n");
        write(dir, "charts/sub/.helmignore", "*.txt\n");
        write(dir, "charts/sub/notes.md", "n\n");
        write(dir, "charts/sub/keep.txt", "k\n");
        write(dir, "charts/sub/templates/cm.yaml", LIST_FILES.replace("name: files", "name: sub-files"));
        return dir;
    }

    private static String longName() {
        return "dir/" + "l".repeat(60) + "/" + "o".repeat(60) + ".txt";
    }

    private static void write(Path dir, String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** One to four rules from the pieces Helm's rules and Go's patterns are made of, valid or not. */
    private static String randomRules(Random random) {
        String[] names = {
            "a.txt",
            "*.txt",
            "*.md",
            "dir",
            "sub",
            "templates",
            "charts",
            "ci",
            "*",
            "?",
            ".*",
            ".?*",
            "values.yaml",
            "Chart.yaml",
            "[a-c]*",
            "[^a]*",
            "[x]",
            "\\[x].txt",
            "é.txt",
            "[Z-a]*",
            "x.yaml",
            "*.yaml",
            "_*",
            "l*",
            "o*.txt",
            "[",
            "[]",
            "a[",
            "\\",
            "**",
            "notes.*"
        };
        String[] prefixes = {"", "", "", "!", "/", "dir/", "templates/", "charts/sub/", "*/", "/dir/", "!dir/"};
        String[] suffixes = {"", "", "", "/", " ", "\t"};
        StringBuilder rules = new StringBuilder();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(8) == 0) {
                rules.append(random.nextBoolean() ? "# a comment\n" : "\n");
            }
            rules.append(prefixes[random.nextInt(prefixes.length)])
                    .append(names[random.nextInt(names.length)])
                    .append(suffixes[random.nextInt(suffixes.length)])
                    .append(random.nextInt(6) == 0 ? "\r\n" : "\n");
        }
        return rules.toString();
    }
}
