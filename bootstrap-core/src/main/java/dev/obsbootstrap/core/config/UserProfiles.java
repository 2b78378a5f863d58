package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.config.YamlTree.Entry;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Profiles a team keeps in its config repository ({@code profiles/team-prod.yaml} beside {@code obs-bootstrap.yaml}),
 * each {@code extends} another profile (a built-in one or another of the repository's) and says only where it
 * differs. What it does not say comes from its base, so two environments diverge only where a file says so.
 *
 * <p>A user profile may set {@code description}, {@code requireMemoryLimits}, {@code probeDeadline}, single entries of
 * {@code phases} and {@code timeouts}, and any part of {@code settings}. Settings merge deeply (maps key by key,
 * anything else replaced whole) and may only name keys the base has: a typo is an error with file and line, not a
 * setting no template reads. An unknown base or a cycle of {@code extends} is an error at the {@code extends} line.
 */
public final class UserProfiles {
    /** The folder of the config repository that holds user profiles. */
    public static final String DIRECTORY = "profiles";

    private static final List<String> KEYS = List.of(
            "name", "description", "extends", "requireMemoryLimits", "probeDeadline", "phases", "timeouts", "settings");

    private UserProfiles() {}

    /** One parsed file, before its base is known. */
    private record Overlay(
            String name,
            String source,
            String base,
            SourceLocation baseLocation,
            Optional<String> description,
            Optional<Boolean> requireMemoryLimits,
            Optional<Duration> probeDeadline,
            Map<String, Boolean> phases,
            Map<String, Duration> timeouts,
            Optional<MapNode> settings) {}

    /**
     * The profiles a run may choose, and the one {@code --profile} chose: the built-in ones, those of the config
     * repository ({@code profiles/} beside the config file, or in the working directory without one) and, when
     * {@code --profile} is a path, that file (its name then becomes the run's profile).
     */
    public record Selection(ProfileCatalog catalog, Optional<String> profile) {}

    public static Selection select(
            ProfileCatalog builtIns,
            Optional<Path> configFile,
            Optional<String> profileArgument,
            Path workingDirectory,
            Collection<String> phaseIds) {
        Path configDirectory = configFile
                .map(file -> workingDirectory.resolve(file).toAbsolutePath().getParent())
                .orElse(workingDirectory.toAbsolutePath());
        List<Path> files = new ArrayList<>(filesIn(configDirectory));
        Optional<String> profile = profileArgument;
        if (profileArgument.isPresent() && isPath(profileArgument.get())) {
            Path file = workingDirectory.resolve(profileArgument.get());
            profile = Optional.of(nameIn(file));
            boolean listed = files.stream().anyMatch(known -> sameFile(known, file));
            if (!listed) {
                files.add(file);
            }
        }
        return new Selection(extend(builtIns, files, phaseIds), profile);
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** The {@code *.yaml} files of {@code <configDir>/profiles}, sorted; none when the folder does not exist. */
    public static List<Path> filesIn(Path configDirectory) {
        Path directory = configDirectory.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.filter(file -> file.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(directory + ": cannot list the user profiles: " + e.getMessage(), e);
        }
    }

    /** Whether a {@code --profile} argument names a file rather than a profile: {@code team.yaml}, {@code a/b}. */
    public static boolean isPath(String profileArgument) {
        return profileArgument.endsWith(".yaml")
                || profileArgument.endsWith(".yml")
                || profileArgument.contains("/")
                || profileArgument.contains(java.io.File.separator);
    }

    /** The profile name a profile file declares (its {@code name:}), read without resolving its base. */
    public static String nameIn(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": profile file not found; give a path to a profile file (name, extends, "
                    + "settings) or the name of a profile");
        }
        ConfigProblems problems = new ConfigProblems();
        Overlay overlay = parse(Resources.fileText(file), file.toString(), List.of(), problems);
        problems.throwIfAny();
        return overlay.name();
    }

    /**
     * {@code base} with the profiles of {@code files} added, each resolved against its chain of bases. Every problem in
     * every file is reported at once (exit 2).
     *
     * @param base     profiles with their settings complete (the built-in ones after {@code withSettingsFrom})
     * @param phaseIds the phases a profile may name under {@code phases:} and {@code timeouts:} (any when empty)
     */
    public static ProfileCatalog extend(ProfileCatalog base, List<Path> files, Collection<String> phaseIds) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Path file : new LinkedHashSet<>(files)) {
            texts.put(file.toString(), Resources.fileText(file));
        }
        return extendTexts(base, texts, phaseIds);
    }

    /** Like {@link #extend}, with the files given as source name -> YAML (tests). */
    public static ProfileCatalog extendTexts(
            ProfileCatalog base, Map<String, String> files, Collection<String> phaseIds) {
        if (files.isEmpty()) {
            return base;
        }
        ConfigProblems problems = new ConfigProblems();
        Map<String, Overlay> overlays = new LinkedHashMap<>();
        files.forEach((source, yaml) -> {
            Overlay overlay = parse(yaml, source, phaseIds, problems);
            if (overlay == null) {
                return;
            }
            if (base.find(overlay.name()).isPresent()) {
                problems.add(
                        SourceLocation.of(source),
                        "name",
                        "'" + overlay.name() + "' is a built-in profile; give the user profile its own name (for "
                                + "example team-" + overlay.name() + ") and write 'extends: " + overlay.name() + "'");
            } else {
                Overlay previous = overlays.putIfAbsent(overlay.name(), overlay);
                if (previous != null) {
                    problems.add(
                            SourceLocation.of(source),
                            "name",
                            "profile '" + overlay.name() + "' is also defined in " + previous.source()
                                    + "; a profile name must be unique");
                }
            }
        });
        problems.throwIfAny();

        Map<String, Profile> resolved = new LinkedHashMap<>();
        for (Overlay overlay : overlays.values()) {
            resolve(overlay, base, overlays, resolved, new ArrayList<>(), problems);
        }
        problems.throwIfAny();
        List<Profile> all = new ArrayList<>();
        base.names().forEach(name -> all.add(base.profile(name)));
        all.addAll(resolved.values());
        return ProfileCatalog.of(all);
    }

    private static Optional<Profile> resolve(
            Overlay overlay,
            ProfileCatalog builtIns,
            Map<String, Overlay> overlays,
            Map<String, Profile> resolved,
            List<String> chain,
            ConfigProblems problems) {
        if (resolved.containsKey(overlay.name())) {
            return Optional.of(resolved.get(overlay.name()));
        }
        if (chain.contains(overlay.name())) {
            List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(overlay.name()), chain.size()));
            cycle.add(overlay.name());
            problems.add(
                    overlay.baseLocation(),
                    "extends",
                    "profiles extend each other in a cycle (" + String.join(" -> ", cycle)
                            + "); one of them must extend a built-in profile ("
                            + String.join(", ", builtIns.names()) + ")");
            return Optional.empty();
        }
        chain.add(overlay.name());
        Optional<Profile> base;
        if (overlays.containsKey(overlay.base())) {
            base = resolve(overlays.get(overlay.base()), builtIns, overlays, resolved, chain, problems);
        } else if (builtIns.find(overlay.base()).isPresent()) {
            base = builtIns.find(overlay.base());
        } else {
            List<String> known = new ArrayList<>(builtIns.names());
            known.addAll(overlays.keySet());
            problems.add(
                    overlay.baseLocation(),
                    "extends",
                    "unknown profile '" + NodeReader.echo(overlay.base()) + "'; "
                            + DidYouMean.hint(overlay.base(), known)
                            + " (a user profile is profiles/<name>.yaml in the config repository)");
            base = Optional.empty();
        }
        chain.remove(chain.size() - 1);
        if (base.isEmpty()) {
            return Optional.empty();
        }
        Profile merged = merge(base.get(), overlay, problems);
        resolved.put(overlay.name(), merged);
        return Optional.of(merged);
    }

    private static Profile merge(Profile base, Overlay overlay, ConfigProblems problems) {
        Map<String, Duration> timeouts = new LinkedHashMap<>(base.phaseTimeouts());
        timeouts.putAll(overlay.timeouts());
        Map<String, Boolean> phases = new LinkedHashMap<>(base.phases());
        phases.putAll(overlay.phases());
        Map<String, Object> settings = overlay.settings()
                .map(node -> mergeSettings(base.settings(), node, "settings", base.name(), problems))
                .orElse(base.settings());
        return new Profile(
                overlay.name(),
                overlay.description().orElse(base.description()),
                timeouts,
                overlay.probeDeadline().orElse(base.probeDeadline()),
                overlay.requireMemoryLimits().orElse(base.requireMemoryLimits()),
                phases,
                settings,
                base.name(),
                // a user profile runs on the nodes of the profile it extends
                base.capacity());
    }

    /** Deep merge: maps key by key, anything else replaced whole; only keys the base has (templates read strictly). */
    private static Map<String, Object> mergeSettings(
            Map<String, Object> base, MapNode overlay, String path, String baseName, ConfigProblems problems) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        for (Entry entry : overlay.entries().values()) {
            String childPath = NodeReader.child(path, entry.key());
            if (!base.containsKey(entry.key())) {
                problems.add(
                        entry.keyLocation(),
                        childPath,
                        "not a setting of profile '" + baseName + "'; " + DidYouMean.hint(entry.key(), base.keySet())
                                + " (a user profile changes settings its base has; templates read no others)");
                continue;
            }
            Object baseValue = base.get(entry.key());
            Node value = entry.value();
            if (NodeReader.isNull(value)) {
                problems.add(
                        value.location(),
                        childPath,
                        "a setting needs a value; remove the key to keep the base's value");
            } else if (baseValue instanceof Map<?, ?> baseMap && value instanceof MapNode map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) baseMap;
                merged.put(entry.key(), mergeSettings(typed, map, childPath, baseName, problems));
            } else if (baseValue instanceof Map<?, ?>) {
                problems.add(
                        value.location(),
                        childPath,
                        "expected a map (the base has " + String.join(", ", keys(baseValue)) + " here), got "
                                + NodeReader.describe(value) + "; set the keys you mean to change one by one");
            } else {
                merged.put(entry.key(), YamlTree.toJava(value));
            }
        }
        return java.util.Collections.unmodifiableMap(merged);
    }

    private static List<String> keys(Object map) {
        return ((Map<?, ?>) map).keySet().stream().map(String::valueOf).toList();
    }

    private static Overlay parse(String yaml, String source, Collection<String> phaseIds, ConfigProblems problems) {
        Optional<Node> root = YamlTree.parse(yaml, source, Optional.empty(), problems);
        if (root.isEmpty()) {
            problems.add(
                    SourceLocation.of(source),
                    "",
                    "the profile is empty; it needs at least 'name:' and 'extends:' (a built-in profile: dev, ci, "
                            + "staging, prod)");
            return null;
        }
        NodeReader reader = new NodeReader(problems);
        Optional<MapNode> maybeMap = reader.asMap(root.get(), "");
        if (maybeMap.isEmpty()) {
            return null;
        }
        MapNode map = maybeMap.get();
        reader.allowOnly(map, "", KEYS);
        Optional<Node> nameNode = reader.required(map, "", "name", "write the profile's name");
        Optional<String> name = nameNode.flatMap(node -> reader.asString(node, "name"));
        name.flatMap(Checks::dnsLabel).ifPresent(message -> reader.problem(nameNode.get(), "name", message));
        String fileName = Path.of(source).getFileName().toString();
        if (name.isPresent() && fileName.endsWith(".yaml") && source.contains(DIRECTORY + java.io.File.separator)) {
            String expected = fileName.substring(0, fileName.length() - ".yaml".length());
            if (!expected.equals(name.get())) {
                reader.problem(
                        nameNode.get(),
                        "name",
                        "'" + NodeReader.echo(name.get()) + "' does not match the file name; write '" + expected
                                + "' or rename the file");
            }
        }
        Optional<Node> baseNode =
                reader.required(map, "", "extends", "name the profile this one changes, for example 'extends: prod'");
        Optional<String> base = baseNode.flatMap(node -> reader.asString(node, "extends"));
        Optional<String> description = reader.stringField(map, "", "description");
        Optional<Boolean> requireMemoryLimits = reader.boolField(map, "", "requireMemoryLimits");
        Optional<Duration> probeDeadline = reader.durationField(map, "", "probeDeadline");
        Map<String, Boolean> phases = new LinkedHashMap<>();
        reader.mapField(map, "", "phases").ifPresent(phaseMap -> {
            if (!phaseIds.isEmpty()) {
                reader.allowOnly(phaseMap, "phases", phaseIds, "phase");
            }
            for (Entry entry : phaseMap.entries().values()) {
                reader.asBool(entry.value(), "phases." + entry.key()).ifPresent(on -> phases.put(entry.key(), on));
            }
        });
        Map<String, Duration> timeouts = new LinkedHashMap<>();
        reader.mapField(map, "", "timeouts").ifPresent(timeoutMap -> {
            if (!phaseIds.isEmpty()) {
                reader.allowOnly(timeoutMap, "timeouts", phaseIds, "phase");
            }
            for (Entry entry : timeoutMap.entries().values()) {
                reader.asDuration(entry.value(), "timeouts." + entry.key())
                        .ifPresent(d -> timeouts.put(entry.key(), d));
            }
        });
        Optional<MapNode> settings = reader.mapField(map, "", "settings");
        if (name.isEmpty() || base.isEmpty()) {
            return null;
        }
        return new Overlay(
                name.get(),
                source,
                base.get(),
                baseNode.get().location(),
                description,
                requireMemoryLimits,
                probeDeadline,
                phases,
                timeouts,
                settings);
    }
}
