package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the one {@link BootstrapConfig} of a run from, in increasing precedence: the config file (or the built-in
 * defaults), {@code --profile}, each {@code --set} in order, then dedicated options such as {@code --namespace}. --profile and --set are applied to the YAML tree
 * before validation, so they are checked exactly like the file, and every problem found is reported at once as one
 * {@link ConfigException} (exit 2) whose lines read {@code obs-bootstrap.yaml:12:5: cluster.namesapce: unknown key;
 * did you mean 'namespace'?}.
 */
public final class ConfigLoader {
    /** The config file format this version reads. */
    public static final String API_VERSION = "obs-bootstrap/v1";
    /** Picked up from the working directory when no file is given. */
    public static final String DEFAULT_FILE_NAME = "obs-bootstrap.yaml";
    /** {@link BootstrapConfig#source()} of a config built without a file. */
    public static final String DEFAULTS_SOURCE = "<defaults>";

    private final ComponentCatalog catalog;
    private final ProfileCatalog profiles;
    private final ConfigSchema schema;
    private final Path workingDirectory;

    /** @param schema the phases' ids and config sections (from the phases found on the classpath) */
    public ConfigLoader(ComponentCatalog catalog, ProfileCatalog profiles, ConfigSchema schema) {
        this(catalog, profiles, schema, Path.of(""));
    }

    /** @param workingDirectory where relative paths and {@value #DEFAULT_FILE_NAME} are looked up */
    public ConfigLoader(ComponentCatalog catalog, ProfileCatalog profiles, ConfigSchema schema, Path workingDirectory) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
    }

    /**
     * @param file            the config file (-f); without it ./obs-bootstrap.yaml when it exists, else the built-in defaults
     * @param profileOverride --profile: replaces the file's {@code profile}
     * @param sets            --set arguments, {@code path=value}, applied in order after everything else
     */
    public BootstrapConfig load(Optional<Path> file, Optional<String> profileOverride, List<String> sets) {
        return load(file, profileOverride, sets, List.of());
    }

    /**
     * Like {@link #load(Optional, Optional, List)}, plus dedicated command-line options that set one key each
     * (for example {@code SetOverride.forOption("--namespace", "cluster.namespace", ns)}), applied after every --set.
     */
    public BootstrapConfig load(
            Optional<Path> file,
            Optional<String> profileOverride,
            List<String> sets,
            List<SetOverride> optionOverrides) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(profileOverride, "profileOverride");
        Objects.requireNonNull(sets, "sets");
        Objects.requireNonNull(optionOverrides, "optionOverrides");
        List<SetOverride> overrides = overrides(profileOverride, sets, optionOverrides);
        if (file.isPresent()) {
            Path resolved = workingDirectory.resolve(file.get());
            if (!Files.exists(resolved)) {
                throw new ConfigException(
                        file.get() + ": config file not found; check the -f path, or leave -f out to use ./"
                                + DEFAULT_FILE_NAME + " or the built-in defaults");
            }
            return parse(Resources.fileText(resolved), file.get().toString(), overrides);
        }
        Path implicit = workingDirectory.resolve(DEFAULT_FILE_NAME);
        if (Files.isRegularFile(implicit)) {
            return parse(Resources.fileText(implicit), DEFAULT_FILE_NAME, overrides);
        }
        return build(Optional.empty(), DEFAULTS_SOURCE, overrides, new ConfigProblems());
    }

    /** The built-in defaults: profile dev, namespace observability, every phase's section at its defaults. */
    public BootstrapConfig defaults() {
        return build(Optional.empty(), DEFAULTS_SOURCE, List.of(), new ConfigProblems());
    }

    /** A config given as text (tests, or a config read from elsewhere); {@code sourceName} is used in messages. */
    public BootstrapConfig parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, Optional.empty(), List.of());
    }

    public BootstrapConfig parse(String yaml, String sourceName, Optional<String> profileOverride, List<String> sets) {
        return parse(yaml, sourceName, overrides(profileOverride, sets, List.of()));
    }

    /** --profile first, then each --set (a malformed one fails here, before the file is read), then the options. */
    private static List<SetOverride> overrides(
            Optional<String> profileOverride, List<String> sets, List<SetOverride> optionOverrides) {
        List<SetOverride> overrides = new ArrayList<>();
        profileOverride.ifPresent(profile -> overrides.add(SetOverride.forOption("--profile", "profile", profile)));
        for (String set : sets) {
            overrides.add(SetOverride.parse(set));
        }
        overrides.addAll(optionOverrides);
        return overrides;
    }

    private BootstrapConfig parse(String yaml, String sourceName, List<SetOverride> overrides) {
        ConfigProblems problems = new ConfigProblems();
        Optional<Node> root = YamlTree.parse(yaml, sourceName, Optional.empty(), problems);
        problems.throwIfAny();
        if (root.isEmpty()) {
            throw new ConfigException(sourceName + ": the file is empty; start it with 'apiVersion: " + API_VERSION
                    + "' (obs-bootstrap.example.yaml shows every key), or remove it to use the built-in defaults");
        }
        if (!(root.get() instanceof MapNode map)) {
            throw new ConfigException(root.get().location() + ": expected the config to be a map of keys (apiVersion, "
                    + "profile, cluster, ...), got " + root.get().kind());
        }
        return build(Optional.of(map), sourceName, overrides, problems);
    }

    private BootstrapConfig build(
            Optional<MapNode> fileRoot, String source, List<SetOverride> overrides, ConfigProblems problems) {
        MapNode root = fileRoot.orElseGet(() -> MapNode.empty(SourceLocation.of(source)));
        for (SetOverride override : overrides) {
            root = override.applyTo(root, problems);
        }
        return new ConfigReader(catalog, profiles, schema, problems).read(root, source, fileRoot.isPresent());
    }

    public ComponentCatalog catalog() {
        return catalog;
    }

    public ProfileCatalog profiles() {
        return profiles;
    }
}
