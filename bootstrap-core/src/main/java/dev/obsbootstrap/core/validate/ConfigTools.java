package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.helm.ScratchDir;
import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.manifest.ManifestObject;
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
 * The components' own checkers ({@link ConfigChecker}, brought by the phases), run on the configs the bundle carries
 * when their tools are on PATH. A missing tool is a note in the report, never a failure; a tool that refuses a config
 * is an error naming the object and the tool's own words.
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

    /**
     * A config a tool refused.
     *
     * @param olderTool empty, or why the refusal may be the tool's own age ("amtool 0.25.0 is older than the version
     *     the bundle deploys (0.34.0)"): a config a newer component accepts can use what an older tool
     *     does not know, so such a refusal is a warning, not an error
     */
    public record Refusal(ManifestObject object, String key, String tool, String output, String olderTool) {}

    private final Function<String, Optional<Path>> path;
    private final List<ConfigChecker> checkers;
    private final List<ToolRun> runs = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();

    /**
     * @param path     finds an executable by name (PATH lookup in production, a fixed answer in tests)
     * @param checkers the phases' checkers ({@code PhasePlan.configCheckers})
     */
    public ConfigTools(Function<String, Optional<Path>> path, List<ConfigChecker> checkers) {
        this.path = Objects.requireNonNull(path, "path");
        this.checkers = List.copyOf(checkers);
    }

    /** These checkers' tools, looked up on this process's PATH. */
    public static ConfigTools onPath(List<ConfigChecker> checkers) {
        String searchPath = Objects.requireNonNullElse(System.getenv("PATH"), "");
        return new ConfigTools(
                name -> {
                    for (String dir : searchPath.split(File.pathSeparator)) {
                        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                            return Optional.of(candidate);
                        }
                    }
                    return Optional.empty();
                },
                checkers);
    }

    public List<ToolRun> runs() {
        return List.copyOf(runs);
    }

    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** Runs every tool that has something to check in {@code objects}. */
    public void check(List<ManifestObject> objects) {
        for (ConfigChecker checker : checkers) {
            run(checker, checker.configs(objects), objects);
        }
    }

    private void run(ConfigChecker checker, List<ConfigChecker.Config> configs, List<ManifestObject> objects) {
        if (configs.isEmpty()) {
            return;
        }
        String tool = checker.tool();
        List<String> binaries = checker.binaries();
        String what = checker.what();
        Optional<Path> binary =
                binaries.stream().map(path).flatMap(Optional::stream).findFirst();
        if (binary.isEmpty()) {
            runs.add(new ToolRun(
                    tool,
                    false,
                    "skipped: " + String.join(" / ", binaries) + " is not on PATH, so " + configs.size() + " " + what
                            + (configs.size() == 1 ? " was" : "s were") + " not checked"));
            return;
        }
        int refused = 0;
        String olderTool = null;
        List<Path> files = new ArrayList<>();
        List<IOException> unwritten = new ArrayList<>();
        try {
            for (ConfigChecker.Config config : configs) {
                Path file = null;
                IOException failure = null;
                try {
                    file = ScratchDir.newFile(binaries.get(0) + "-", checker.suffix());
                    Files.writeString(file, config.text());
                } catch (IOException e) {
                    failure = e;
                }
                files.add(file);
                unwritten.add(failure);
            }
            boolean allAccepted = configs.size() > 1
                    && unwritten.stream().allMatch(Objects::isNull)
                    && acceptsAll(checker, binary.get(), files);
            for (int i = 0; i < configs.size() && !allAccepted; i++) {
                ConfigChecker.Config config = configs.get(i);
                Path file = files.get(i);
                try {
                    if (unwritten.get(i) != null) {
                        throw unwritten.get(i);
                    }
                    Outcome outcome =
                            execute(checker.command(binary.get().toString(), file.toString()), checker.environment());
                    if (!outcome.ok()) {
                        refused++;
                        if (olderTool == null) {
                            olderTool = olderTool(checker, binary.get(), objects);
                        }
                        refusals.add(new Refusal(
                                config.object(),
                                config.key(),
                                tool,
                                outcome.output().replace(file.toString(), config.key()),
                                olderTool));
                    }
                } catch (IOException e) {
                    refused++;
                    refusals.add(new Refusal(
                            config.object(),
                            config.key(),
                            tool,
                            "could not run " + binary.get() + ": " + e.getMessage(),
                            ""));
                }
            }
        } finally {
            for (Path file : files) {
                try {
                    if (file != null) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException ignored) {
                    // the scratch directory goes with the process
                }
            }
        }
        runs.add(new ToolRun(
                tool,
                true,
                binary.get() + ": " + configs.size() + " " + what + (configs.size() == 1 ? "" : "s") + " checked, "
                        + (refused == 0 ? "all accepted" : refused + " refused")));
    }

    /**
     * Whether one run of the tool on all the files accepts every one ({@link ConfigChecker#batchCommand}): most
     * bundles pass, and each run of a tool costs a process start (the stack's rules were 34 promtool runs). False
     * when the tool checks one file per run, refuses any, or cannot be started: then each file is checked on its own.
     */
    private static boolean acceptsAll(ConfigChecker checker, Path binary, List<Path> files) {
        Optional<List<String>> batch = checker.batchCommand(
                binary.toString(), files.stream().map(Path::toString).toList());
        if (batch.isEmpty()) {
            return false;
        }
        try {
            return execute(batch.get(), checker.environment()).ok();
        } catch (IOException e) {
            return false;
        }
    }

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /**
     * "amtool 0.25.0 is older than the version the bundle deploys (0.34.0)" when the tool on PATH is older than
     * the component the bundle deploys, else "" (same or newer, or either version unknown: the refusal stands).
     */
    private static String olderTool(ConfigChecker checker, Path binary, List<ManifestObject> objects) {
        Optional<String> component = checker.componentVersion(objects);
        if (component.isEmpty()) {
            return "";
        }
        try {
            Outcome version = execute(checker.versionCommand(binary.toString()), checker.environment());
            java.util.regex.Matcher tool = VERSION.matcher(version.output());
            java.util.regex.Matcher deployed = VERSION.matcher(component.get());
            if (!version.ok() || !tool.find() || !deployed.find()) {
                return "";
            }
            for (int part = 1; part <= 3; part++) {
                int difference =
                        Integer.compare(Integer.parseInt(tool.group(part)), Integer.parseInt(deployed.group(part)));
                if (difference != 0) {
                    return difference < 0
                            ? binary.getFileName() + " " + tool.group()
                                    + " is older than the version the bundle deploys (" + deployed.group() + ")"
                            : "";
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    private record Outcome(boolean ok, String output) {}

    private static Outcome execute(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        environment.forEach(builder.environment()::putIfAbsent);
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Outcome(
                        false, String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            return new Outcome(process.exitValue() == 0, new String(output, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }
}
