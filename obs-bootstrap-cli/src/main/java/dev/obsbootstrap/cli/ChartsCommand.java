package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.ResolvedChart;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The pinned charts: list them, and fetch them all for a machine without access to their repositories. */
@Command(
        name = "charts",
        description = "The charts the stack installs: `charts list` shows the pins, `charts pull --out DIR` fetches "
                + "them for air-gapped use (then `--charts-dir DIR`), `charts outdated` compares the pins with their "
                + "repositories.",
        subcommands = {ChartsCommand.ListCharts.class, ChartsCommand.Pull.class, ChartsOutdatedCommand.class})
public final class ChartsCommand extends BaseCommand {
    @Override
    protected ExitCode doCall() {
        spec.commandLine().usage(err());
        return ExitCode.BAD_INPUT;
    }

    /** The file {@code charts pull} writes beside the charts, in {@code sha256sum} format ({@code sha256sum -c}). */
    static final String CHECKSUMS = "SHA256SUMS";

    @Command(name = "list", description = "Each enabled component's chart, version and repository (the config's pins).")
    static final class ListCharts extends BaseCommand {
        @Mixin
        ConfigMixin configOptions;

        @Mixin
        DocumentOutput output;

        @Override
        protected ExitCode doCall() {
            BootstrapConfig config = loadConfig(configOptions);
            StackTopology topology = catalog().topology(config);
            List<ChartRef> charts = pinnedCharts(phasePlan(), config, topology);
            PrintWriter out = out();
            if (output.isText()) {
                Table table = new Table("CHART", "VERSION", "REPOSITORY");
                charts.forEach(c -> table.row(c.name(), c.version(), c.repository()));
                table.print(out);
                out.flush();
            } else {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (ChartRef chart : charts) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", chart.name());
                    row.put("version", chart.version());
                    row.put("repository", chart.repository());
                    rows.add(row);
                }
                DocumentOutput.print(out, output.format(), Map.of("charts", rows));
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "pull",
            description = {
                "Fetch every pinned chart (of the enabled phases, or --all) into DIR as <name>-<version>.tgz, with "
                        + CHECKSUMS + " (check with `sha256sum -c " + CHECKSUMS + "`).",
                "Downloads are checked against the repository's digest (index.yaml or the OCI manifest). Copy DIR to the "
                        + "machine without access and pass `--charts-dir DIR` to plan, up, diff and down. Charts already in "
                        + "the cache or a --charts-dir are taken from there."
            })
    static final class Pull extends BaseCommand {
        @Mixin
        ConfigMixin configOptions;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the charts go.")
        Path out;

        @Option(
                names = "--all",
                description = "Every component of the catalog, not only those the config's profile enables.")
        boolean all;

        @Option(
                names = "--charts-dir",
                paramLabel = "DIR",
                description = "Take charts from here before the cache and their repositories. Repeatable.")
        List<Path> chartsDirs = new ArrayList<>();

        @Override
        protected ExitCode doCall() {
            BootstrapConfig config = loadConfig(configOptions);
            StackTopology topology = catalog().topology(config);
            List<ChartRef> refs = all
                    ? topology.components().values().stream()
                            .map(c -> config.charts().getOrDefault(c.id(), c.chart()))
                            .sorted(java.util.Comparator.comparing(ChartRef::name))
                            .toList()
                    : pinnedCharts(phasePlan(), config, topology);
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new ConfigException("--out " + out + ": cannot create the directory (" + e.getMessage() + ")");
            }
            List<ResolvedChart> charts =
                    ChartResolver.standard(chartsDirs, console()).resolveAll(refs);
            List<String> sums = new ArrayList<>();
            PrintWriter stdout = out();
            for (ResolvedChart chart : charts) {
                String file = chart.ref().name() + "-" + chart.ref().version() + ".tgz";
                Path target = out.resolve(file);
                try {
                    if (Files.isDirectory(chart.path())) {
                        // an unpacked chart from a --charts-dir: packaged as `helm package` does it, by Helm itself
                        ChartResolver.packageChart(chart.path(), out);
                    } else if (!chart.path().toAbsolutePath().equals(target.toAbsolutePath())) {
                        Files.copy(chart.path(), target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    String sha = sha256(target);
                    sums.add(sha + "  " + file);
                    stdout.println(file + "  sha256:" + sha + "  ("
                            + chart.origin()
                                    .name()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .replace('_', ' ') + ")");
                } catch (IOException e) {
                    throw new ConfigException("cannot write " + target + ": " + e.getMessage(), e);
                }
            }
            writeChecksums(out.resolve(CHECKSUMS), sums);
            stdout.println(charts.size() + " charts in " + out + "; use them with --charts-dir " + out);
            stdout.flush();
            return ExitCode.OK;
        }

        /** Adds to (or replaces lines in) a sha256sum file: charts pulled earlier for another profile stay listed. */
        private static void writeChecksums(Path file, List<String> lines) {
            Map<String, String> byFile = new java.util.TreeMap<>();
            try {
                if (Files.isRegularFile(file)) {
                    try (Stream<String> existing = Files.lines(file)) {
                        existing.filter(line -> line.indexOf("  ") > 0)
                                .forEach(line -> byFile.put(line.substring(line.indexOf("  ") + 2), line));
                    }
                }
                lines.forEach(line -> byFile.put(line.substring(line.indexOf("  ") + 2), line));
                Files.write(file, byFile.values());
            } catch (IOException e) {
                throw new ConfigException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        private static String sha256(Path file) throws IOException {
            try (InputStream in =
                    new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
                MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return HexFormat.of().formatHex(digest.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}
