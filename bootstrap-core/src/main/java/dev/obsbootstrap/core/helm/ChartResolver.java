package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the local copy of a pinned chart, in this order:
 * <ol>
 *   <li>each {@code --charts-dir}: {@code <name>/} (an unpacked chart whose Chart.yaml must carry the pinned version)
 *       or {@code <name>-<version>.tgz};</li>
 *   <li>the chart cache: {@code $OBS_BOOTSTRAP_CACHE/charts/<name>-<version>.tgz}, by default
 *       {@code ~/.cache/obs-bootstrap/charts/};</li>
 *   <li>the chart's repository (https index or oci://), downloaded into the cache.</li>
 * </ol>
 * A chart found under a name but carrying another version is an error, never silently used or skipped.
 */
public final class ChartResolver {
    /** Environment variable naming the cache root (charts go to its {@code charts/} directory). */
    public static final String CACHE_ENV = "OBS_BOOTSTRAP_CACHE";

    private final List<Path> chartsDirs;
    private final Path cacheDir;
    private final ChartRepositoryClient repositories;
    private final Console console;

    public ChartResolver(List<Path> chartsDirs, Path cacheDir, ChartRepositoryClient repositories, Console console) {
        this.chartsDirs = List.copyOf(chartsDirs);
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.repositories = Objects.requireNonNull(repositories, "repositories");
        this.console = Objects.requireNonNull(console, "console");
    }

    /** The resolver the CLI uses: the given --charts-dir(s), the cache from the environment, downloads over OkHttp. */
    public static ChartResolver standard(List<Path> chartsDirs, Console console) {
        for (Path dir : chartsDirs) {
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("--charts-dir " + dir
                        + " is not a directory; give a directory holding <name>/ or <name>-<version>.tgz charts");
            }
        }
        return new ChartResolver(chartsDirs, defaultCacheDir(System.getenv()), ChartRepositoryClient.create(), console);
    }

    /** {@code $OBS_BOOTSTRAP_CACHE/charts}, else {@code ~/.cache/obs-bootstrap/charts}. */
    public static Path defaultCacheDir(Map<String, String> environment) {
        return cacheRoot(environment).resolve("charts");
    }

    /** {@code $OBS_BOOTSTRAP_CACHE}, else {@code ~/.cache/obs-bootstrap}: charts and Helm's native library live under it. */
    public static Path cacheRoot(Map<String, String> environment) {
        String root = environment.getOrDefault(CACHE_ENV, "");
        return root.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "obs-bootstrap") : Path.of(root);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public ResolvedChart resolve(ChartRef ref) {
        Optional<ResolvedChart> local = findLocal(ref);
        if (local.isPresent()) {
            return local.get();
        }
        Path target = cacheFile(ref.name(), ref.version());
        console.info("downloading chart %s from %s", ref.coordinate(), ref.repository());
        try {
            repositories.download(ref, target);
        } catch (java.net.UnknownHostException e) {
            // its message is the host name alone, sometimes with the resolver's words, sometimes without
            throw unavailable(ref, "cannot resolve " + e.getMessage().split(":")[0] + " (no DNS or no network here)");
        } catch (IOException e) {
            throw unavailable(ref, e.getMessage());
        }
        ChartMetadata metadata = ChartMetadata.loaded(target); // a download: Helm proves it loads
        if (!metadata.name().equals(ref.name()) || !metadata.version().equals(ref.version())) {
            quietlyDelete(target);
            throw new ConfigException(ref.repository() + " served " + metadata.name() + "@" + metadata.version()
                    + " when asked for " + ref.coordinate()
                    + "; the repository is inconsistent: provide the chart with --charts-dir");
        }
        return new ResolvedChart(ref, target, ChartOrigin.DOWNLOADED);
    }

    /**
     * Every chart of {@code refs}, each found locally or downloaded; when some cannot be had, one error names all of
     * them (an air-gapped machine learns in one try what to bring), with the reason for each.
     *
     * @throws ConfigException listing every chart that is not available
     */
    public List<ResolvedChart> resolveAll(Collection<ChartRef> refs) {
        List<ResolvedChart> resolved = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ChartRef ref : new LinkedHashSet<>(refs)) {
            try {
                resolved.add(resolve(ref));
            } catch (ConfigException e) {
                missing.add(ref.coordinate() + " from " + ref.repository() + ": " + reason(e));
            }
        }
        if (!missing.isEmpty()) {
            List<String> looked = new ArrayList<>();
            chartsDirs.forEach(dir -> looked.add(dir.toString()));
            looked.add("the cache " + cacheDir);
            throw new ConfigException(missing.size() + " of " + new LinkedHashSet<>(refs).size()
                    + " charts are not available (looked in " + String.join(", ", looked)
                    + ", then their repositories):\n  "
                    + String.join("\n  ", missing)
                    + "\nOn a machine that reaches the repositories, `obs-bootstrap charts pull --out DIR` fetches every "
                    + "pinned chart with its checksum; then pass --charts-dir DIR here (or put them in the cache, "
                    + "$" + CACHE_ENV + "/charts)");
        }
        return resolved;
    }

    /**
     * Packs an unpacked chart directory into {@code destination} as {@code helm package} does (Helm's own code), and
     * returns the archive, {@code <name>-<version>.tgz}.
     */
    public static Path packageChart(Path chartDir, Path destination) {
        ChartMetadata metadata = ChartMetadata.read(chartDir);
        HelmLibrary.command(new com.marcnuri.helm.PackageCommand(HelmLibrary.get(), null, chartDir)
                .withDestination(destination)::call);
        return destination.resolve(archiveName(metadata.name(), metadata.version()));
    }

    /** The download's own reason, without the advice {@link #unavailable} adds for a single chart. */
    private static String reason(ConfigException e) {
        String message = e.getMessage();
        int failed = message.indexOf(" failed: ");
        int advice = message.indexOf(". Provide it");
        return failed >= 0 && advice > failed ? message.substring(failed + " failed: ".length(), advice) : message;
    }

    /**
     * The chart from a --charts-dir or the cache, without touching the network. {@code ref.repository()} is not used,
     * so a rollback can find a chart knowing only its name and version.
     */
    public Optional<ResolvedChart> findLocal(ChartRef ref) {
        for (Path dir : chartsDirs) {
            Path unpacked = dir.resolve(ref.name());
            if (Files.isRegularFile(unpacked.resolve("Chart.yaml"))) {
                return Optional.of(new ResolvedChart(ref, checked(unpacked, ref), ChartOrigin.CHARTS_DIR));
            }
            Path archive = dir.resolve(archiveName(ref.name(), ref.version()));
            if (Files.isRegularFile(archive)) {
                return Optional.of(new ResolvedChart(ref, checked(archive, ref), ChartOrigin.CHARTS_DIR));
            }
        }
        Path cached = cacheFile(ref.name(), ref.version());
        if (Files.isRegularFile(cached)) {
            try {
                return Optional.of(new ResolvedChart(ref, checked(cached, ref), ChartOrigin.CACHE));
            } catch (ConfigException broken) {
                // our own cache: a broken or mislabeled entry is replaced, not reported as the user's mistake
                console.warn("ignoring the cached %s: %s", cached, broken.getMessage());
                quietlyDelete(cached);
            }
        }
        return Optional.empty();
    }

    private static Path checked(Path chart, ChartRef ref) {
        ChartMetadata metadata = ChartMetadata.read(chart);
        if (!metadata.name().equals(ref.name())) {
            throw new ConfigException(chart + " holds chart '" + metadata.name() + "', not '" + ref.name()
                    + "': put the " + ref.coordinate() + " chart there");
        }
        if (!metadata.version().equals(ref.version())) {
            throw new ConfigException(chart + " holds " + ref.name() + " version " + metadata.version()
                    + " but the pinned version is " + ref.version() + ": replace it with " + ref.coordinate()
                    + ", or change the pin to " + metadata.version());
        }
        return chart;
    }

    private Path cacheFile(String name, String version) {
        return cacheDir.resolve(archiveName(name, version));
    }

    private static String archiveName(String name, String version) {
        return name + "-" + version + ".tgz";
    }

    private ConfigException unavailable(ChartRef ref, String reason) {
        List<String> looked = new ArrayList<>();
        for (Path dir : chartsDirs) {
            looked.add(dir.resolve(ref.name()) + "/ and " + dir.resolve(archiveName(ref.name(), ref.version())));
        }
        looked.add("the cache " + cacheFile(ref.name(), ref.version()));
        return new ConfigException("chart " + ref.name() + " version " + ref.version() + " is not available: not in "
                + String.join(", ", looked) + ", and the download from " + ref.repository() + " failed: " + reason
                + ". Provide it either with --charts-dir DIR holding " + ref.name() + "/ (unpacked) or "
                + archiveName(ref.name(), ref.version()) + ", or by allowing network access to " + ref.repository());
    }

    private static void quietlyDelete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the next resolve re-checks the file anyway
        }
    }
}
