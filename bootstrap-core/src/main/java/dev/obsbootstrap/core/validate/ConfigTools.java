package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.helm.ScratchDir;
import dev.obsbootstrap.core.manifest.ManifestObject;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The components' own checkers, run on the configs the bundle carries when they are on PATH: {@code promtool check
 * rules} on every PrometheusRule, {@code amtool check-config} on Alertmanager's config, {@code alloy fmt} on Alloy's
 * pipeline, {@code otelcol validate} on the collector's config. A missing tool is a note in the report, never a
 * failure; a tool that refuses a config is an error naming the object and the tool's own words.
 *
 * <p>The configs go to this process's private scratch directory: the bundle they come from holds no secret (the static
 * checks refuse one), and the files are deleted after each run.
 */
public final class ConfigTools {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * What one tool did, or why it did not run, for the report.
     *
     * @param tool "promtool check rules"
     */
    public record ToolRun(String tool, boolean ran, String summary) {
        public ToolRun {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** A config a tool refused. */
    public record Refusal(ManifestObject object, String key, String tool, String output) {
    }

    /** One config of the bundle and the tool that checks it. */
    private record Config(ManifestObject object, String key, String text) {
    }

    private final Function<String, Optional<Path>> path;
    private final List<ToolRun> runs = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();

    /** @param path finds an executable by name (PATH lookup in production, a fixed answer in tests) */
    public ConfigTools(Function<String, Optional<Path>> path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** Tools looked up on this process's PATH. */
    public static ConfigTools onPath() {
        String searchPath = Objects.requireNonNullElse(System.getenv("PATH"), "");
        return new ConfigTools(name -> {
            for (String dir : searchPath.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
            return Optional.empty();
        });
    }

    public List<ToolRun> runs() {
        return List.copyOf(runs);
    }

    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** Runs every tool that has something to check in {@code objects}. */
    public void check(List<ManifestObject> objects) {
        List<Config> rules = new ArrayList<>();
        List<Config> alertmanager = new ArrayList<>();
        List<Config> alloy = new ArrayList<>();
        List<Config> collector = new ArrayList<>();
        for (ManifestObject object : objects) {
            if ("PrometheusRule".equals(object.kind()) && object.apiVersion().startsWith("monitoring.coreos.com/")) {
                object.at("spec").ifPresent(spec -> rules.add(new Config(object, "spec", dump(spec))));
            }
            if (!"ConfigMap".equals(object.kind()) || !(object.body().get("data") instanceof Map<?, ?> data)) {
                continue;
            }
            data.forEach((key, value) -> {
                String name = String.valueOf(key);
                String text = ManifestObject.text(value);
                if (name.equals("alertmanager.yml") || name.equals("alertmanager.yaml")) {
                    alertmanager.add(new Config(object, name, text));
                } else if (name.endsWith(".alloy")) {
                    alloy.add(new Config(object, name, text));
                } else if (isCollectorConfig(text)) {
                    collector.add(new Config(object, name, text));
                }
            });
        }
        run("promtool check rules", List.of("promtool"), rules, ".yaml",
                (tool, file) -> List.of(tool, "check", "rules", file), "rule groups of PrometheusRule");
        run("amtool check-config", List.of("amtool"), alertmanager, ".yml",
                (tool, file) -> List.of(tool, "check-config", file), "Alertmanager config");
        run("alloy fmt", List.of("alloy"), alloy, ".alloy", (tool, file) -> List.of(tool, "fmt", file), "Alloy pipeline");
        run("otelcol validate", List.of("otelcol", "otelcol-contrib", "otelcol-k8s"), collector, ".yaml",
                (tool, file) -> List.of(tool, "validate", "--config=file:" + file), "OpenTelemetry Collector config");
    }

    private interface CommandLine {
        List<String> of(String tool, String file);
    }

    private void run(String tool, List<String> binaries, List<Config> configs, String suffix, CommandLine command, String what) {
        if (configs.isEmpty()) {
            return;
        }
        Optional<Path> binary = binaries.stream().map(path).flatMap(Optional::stream).findFirst();
        if (binary.isEmpty()) {
            runs.add(new ToolRun(tool, false, "skipped: " + String.join(" / ", binaries) + " is not on PATH, so " + configs.size() + " "
                    + what + (configs.size() == 1 ? " was" : "s were") + " not checked"));
            return;
        }
        int refused = 0;
        for (Config config : configs) {
            Path file = ScratchDir.newFile(binaries.get(0) + "-", suffix);
            try {
                Files.writeString(file, config.text());
                Outcome outcome = execute(command.of(binary.get().toString(), file.toString()));
                if (!outcome.ok()) {
                    refused++;
                    refusals.add(new Refusal(config.object(), config.key(), tool, outcome.output().replace(file.toString(), config.key())));
                }
            } catch (IOException e) {
                refused++;
                refusals.add(new Refusal(config.object(), config.key(), tool, "could not run " + binary.get() + ": " + e.getMessage()));
            } finally {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the scratch directory goes with the process
                }
            }
        }
        runs.add(new ToolRun(tool, true, binary.get() + ": " + configs.size() + " " + what
                + (configs.size() == 1 ? "" : "s") + " checked, " + (refused == 0 ? "all accepted" : refused + " refused")));
    }

    private record Outcome(boolean ok, String output) {
    }

    private static Outcome execute(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the collector chart binds its listeners to the pod's IP through this variable
        builder.environment().putIfAbsent("MY_POD_IP", "127.0.0.1");
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Outcome(false, String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            return new Outcome(process.exitValue() == 0, new String(output, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    /** The collector's config: receivers, exporters and a service with pipelines at the top. */
    private static boolean isCollectorConfig(String text) {
        return text.contains("receivers:") && text.contains("exporters:") && text.contains("pipelines:")
                && text.lines().anyMatch(line -> line.startsWith("service:"));
    }

    private static String dump(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(value);
    }
}
