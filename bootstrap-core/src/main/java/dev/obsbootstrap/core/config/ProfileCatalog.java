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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The profiles (dev, ci, staging, prod), read from charts-values {@code obs-bootstrap/profiles/<name>.yaml}.
 * A profile file has fixed top-level keys, checked here; only its {@code settings:} map is free-form.
 */
public final class ProfileCatalog {
    /** The profiles charts-values ships, in the order messages list them. */
    public static final List<String> BUILT_IN = List.of("dev", "ci", "staging", "prod");
    /** The profile of a config that names none. */
    public static final String DEFAULT = "dev";

    static final String RESOURCE_ROOT = "obs-bootstrap";
    private static final List<String> KEYS = List.of(
            "name",
            "description",
            "requireMemoryLimits",
            "probeDeadline",
            "capacity",
            "phases",
            "timeouts",
            "settings");
    private static final List<String> CAPACITY_KEYS =
            List.of("nodes", "memoryPerNode", "cpuPerNode", "reservedPerNode", "limitsMustFit");
    private static final Duration DEFAULT_PROBE_DEADLINE = Duration.ofMinutes(2);

    private final Map<String, Profile> profiles;

    private ProfileCatalog(Map<String, Profile> profiles) {
        this.profiles = profiles;
    }

    /**
     * The built-in profiles from the classpath, for any set of phases: they name the built-in phases under
     * {@code phases:} and {@code timeouts:}, and a build with fewer phase modules (or a test with its own phases) simply
     * has no use for some entries. The shipped profiles are checked against the built-in phase ids by charts-values'
     * tests instead.
     */
    public static ProfileCatalog fromClasspath() {
        return fromClasspath(List.of());
    }

    /**
     * The built-in profiles from the classpath; a missing or broken one is reported (a packaging bug).
     *
     * @param phaseIds the phases a profile may name under {@code phases:} and {@code timeouts:} (those of the phase
     *     plan); empty accepts any
     */
    public static ProfileCatalog fromClasspath(Collection<String> phaseIds) {
        return fromClasspath(ProfileCatalog.class.getClassLoader(), RESOURCE_ROOT, phaseIds);
    }

    /** @param root the resource folder holding {@code profiles/<name>.yaml} (tests use their own) */
    static ProfileCatalog fromClasspath(ClassLoader loader, String root, Collection<String> phaseIds) {
        List<Profile> loaded = new ArrayList<>();
        for (String name : BUILT_IN) {
            String resource = root + "/profiles/" + name + ".yaml";
            loaded.add(parse(Resources.classpathText(loader, resource), resource, name, phaseIds));
        }
        return of(loaded);
    }

    /** Every {@code <name>.yaml} in a folder, for tests and tools that work on a checkout. */
    public static ProfileCatalog fromDirectory(Path directory, Collection<String> phaseIds) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(file -> file.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(directory + ": cannot list profiles: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ConfigException(directory + ": no profile files (<name>.yaml) found");
        }
        List<Profile> loaded = new ArrayList<>();
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            loaded.add(parse(
                    Resources.fileText(file), file.toString(), fileName.substring(0, fileName.length() - 5), phaseIds));
        }
        // built-in names first, in their usual order, then any others
        loaded.sort(java.util.Comparator.comparingInt(
                        (Profile p) -> BUILT_IN.contains(p.name()) ? BUILT_IN.indexOf(p.name()) : BUILT_IN.size())
                .thenComparing(Profile::name));
        return of(loaded);
    }

    public static ProfileCatalog of(Collection<Profile> profiles) {
        Map<String, Profile> byName = new LinkedHashMap<>();
        for (Profile profile : profiles) {
            if (byName.putIfAbsent(profile.name(), profile) != null) {
                throw new ConfigException("two profiles are named '" + profile.name() + "'");
            }
        }
        if (byName.isEmpty()) {
            throw new ConfigException("no profiles: at least one is needed");
        }
        return new ProfileCatalog(byName);
    }

    /** Parses and checks one profile file, accepting any phase id; every problem is reported at once. */
    public static Profile parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, List.of());
    }

    /** Parses and checks one profile file whose phases and timeouts may name only {@code phaseIds} (any when empty). */
    public static Profile parse(String yaml, String sourceName, Collection<String> phaseIds) {
        return parse(yaml, sourceName, null, phaseIds);
    }

    private static Profile parse(String yaml, String sourceName, String expectedName, Collection<String> phaseIds) {
        ConfigProblems problems = new ConfigProblems();
        Optional<Node> root = YamlTree.parse(yaml, sourceName, Optional.empty(), problems);
        problems.throwIfAny();
        if (root.isEmpty()) {
            throw new ConfigException(sourceName + ": the profile is empty; it needs at least name and description");
        }
        NodeReader reader = new NodeReader(problems);
        MapNode map =
                reader.asMap(root.get(), "").orElse(MapNode.empty(root.get().location()));
        reader.allowOnly(map, "", KEYS);
        Optional<Node> nameNode = reader.required(map, "", "name", "write the profile's name");
        Optional<String> name = nameNode.flatMap(node -> reader.asString(node, "name"));
        if (name.isPresent() && expectedName != null && !name.get().equals(expectedName)) {
            reader.problem(
                    nameNode.get(),
                    "name",
                    "'" + NodeReader.echo(name.get()) + "' does not match the file name; write '" + expectedName + "'");
        }
        name.flatMap(Checks::dnsLabel).ifPresent(message -> reader.problem(nameNode.get(), "name", message));
        Optional<String> description =
                reader.requiredString(map, "", "description", "say in one line what the profile is for");
        boolean requireMemoryLimits =
                reader.boolField(map, "", "requireMemoryLimits").orElse(false);
        Duration probeDeadline = reader.durationField(map, "", "probeDeadline").orElse(DEFAULT_PROBE_DEADLINE);

        Map<String, Boolean> phases = new LinkedHashMap<>();
        reader.mapField(map, "", "phases").ifPresent(phaseMap -> {
            checkPhaseIds(reader, phaseMap, "phases", phaseIds);
            for (Entry entry : phaseMap.entries().values()) {
                if (phaseIds.isEmpty() || phaseIds.contains(entry.key())) {
                    if (NodeReader.isNull(entry.value())) {
                        reader.problem(entry.value(), "phases." + entry.key(), "expected true or false, got nothing");
                    }
                    reader.asBool(entry.value(), "phases." + entry.key()).ifPresent(on -> phases.put(entry.key(), on));
                }
            }
        });
        Map<String, Duration> timeouts = new LinkedHashMap<>();
        reader.mapField(map, "", "timeouts").ifPresent(timeoutMap -> {
            checkPhaseIds(reader, timeoutMap, "timeouts", phaseIds);
            for (Entry entry : timeoutMap.entries().values()) {
                if (phaseIds.isEmpty() || phaseIds.contains(entry.key())) {
                    reader.asDuration(entry.value(), "timeouts." + entry.key())
                            .ifPresent(d -> timeouts.put(entry.key(), d));
                }
            }
        });
        Optional<MapNode> settingsMap = reader.mapField(map, "", "settings");
        settingsMap.ifPresent(settingsNode -> settingsNode.entries().values().stream()
                .filter(entry -> NodeReader.isNull(entry.value()))
                .forEach(entry -> reader.problem(
                        entry.keyLocation(),
                        "settings." + entry.key(),
                        "a top-level setting needs a value; remove the key or give it one")));
        Map<String, Object> settings = settingsMap.map(YamlTree::freeForm).orElse(Map.of());
        Capacity capacity = reader.mapField(map, "", "capacity")
                .map(node -> capacity(reader, node))
                .orElse(Capacity.UNSTATED);
        problems.throwIfAny();
        return new Profile(
                name.orElseThrow(),
                description.orElseThrow(),
                timeouts,
                probeDeadline,
                requireMemoryLimits,
                phases,
                settings,
                capacity);
    }

    /** {@code capacity: {nodes: 1, memoryPerNode: 4Gi, cpuPerNode: 2, reservedPerNode: 1280Mi, limitsMustFit: true}}. */
    private static Capacity capacity(NodeReader reader, MapNode map) {
        reader.allowOnly(map, "capacity", CAPACITY_KEYS);
        int nodes = reader.field(map, "nodes")
                .flatMap(node -> reader.asInt(node, "capacity.nodes"))
                .orElse(0);
        if (nodes < 1) {
            reader.problem(
                    map.location(), "capacity.nodes", "write how many nodes the profile is sized for (1 or more)");
        }
        java.math.BigDecimal memory = quantity(reader, map, "memoryPerNode", true);
        java.math.BigDecimal cpu = quantity(reader, map, "cpuPerNode", true);
        java.math.BigDecimal reserved = quantity(reader, map, "reservedPerNode", false);
        if (memory.signum() > 0 && reserved.compareTo(memory) >= 0) {
            reader.problem(
                    map.location(),
                    "capacity.reservedPerNode",
                    "is not below memoryPerNode: nothing would be left for the stack");
        }
        boolean limitsMustFit =
                reader.boolField(map, "capacity", "limitsMustFit").orElse(false);
        return new Capacity(Math.max(nodes, 0), memory, cpu, reserved, limitsMustFit);
    }

    /** A Kubernetes quantity (4Gi, 1280Mi, 2, 500m) as a number of bytes or cores; ZERO after a reported problem. */
    private static java.math.BigDecimal quantity(NodeReader reader, MapNode map, String key, boolean required) {
        String path = "capacity." + key;
        Optional<Node> node = reader.field(map, key);
        if (node.isEmpty()) {
            if (required) {
                reader.problem(map.location(), path, "missing; write a quantity like 4Gi (memory) or 2 (cores)");
            }
            return java.math.BigDecimal.ZERO;
        }
        Optional<String> text = reader.asString(node.get(), path);
        if (text.isEmpty()) {
            return java.math.BigDecimal.ZERO;
        }
        try {
            java.math.BigDecimal amount = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                    new io.fabric8.kubernetes.api.model.Quantity(text.get()));
            if (amount.signum() < 0 || (required && amount.signum() == 0)) {
                reader.problem(node.get(), path, "must be more than 0");
                return java.math.BigDecimal.ZERO;
            }
            return amount;
        } catch (RuntimeException e) {
            reader.problem(
                    node.get(),
                    path,
                    "'" + NodeReader.echo(text.get()) + "' is not a Kubernetes quantity (like 4Gi, 1280Mi, 2 or 500m)");
            return java.math.BigDecimal.ZERO;
        }
    }

    private static void checkPhaseIds(NodeReader reader, MapNode map, String path, Collection<String> phaseIds) {
        if (!phaseIds.isEmpty()) {
            reader.allowOnly(map, path, phaseIds, "phase");
        }
    }

    /**
     * These profiles with the settings of the catalogs' {@code profileSettings} resources merged in: each resource
     * gives, per settings key, a value for every profile ({@code store: {dev: {...}, ci: {...}, ...}}).
     */
    public ProfileCatalog withSettingsFrom(ComponentCatalog catalog) {
        Map<String, String> fragments = new LinkedHashMap<>();
        for (String resource : catalog.profileSettings()) {
            fragments.put(resource, Resources.classpathText(ProfileCatalog.class.getClassLoader(), resource));
        }
        return withSettings(fragments);
    }

    /**
     * These profiles with settings fragments (source name -> YAML) merged in. A fragment's top-level keys are
     * settings keys; under each, every profile of this catalog by name. A key two sources set (a fragment and a
     * profile file, or two fragments), a profile a fragment leaves out, or one it names that does not exist is bad input,
     * all reported at once.
     */
    public ProfileCatalog withSettings(Map<String, String> fragments) {
        ConfigProblems problems = new ConfigProblems();
        NodeReader reader = new NodeReader(problems);
        Map<String, Map<String, Object>> added = new LinkedHashMap<>();
        profiles.keySet().forEach(name -> added.put(name, new LinkedHashMap<>()));
        Map<String, String> keySource = new java.util.HashMap<>();
        profiles.values()
                .forEach(profile -> profile.settings()
                        .keySet()
                        .forEach(key -> keySource.putIfAbsent(key, "profile " + profile.name() + "'s own settings")));
        fragments.forEach((source, yaml) -> {
            Optional<Node> root = YamlTree.parse(yaml, source, Optional.empty(), problems);
            if (root.isEmpty()) {
                return;
            }
            reader.asMap(root.get(), "")
                    .ifPresent(map -> map.entries().values().forEach(entry -> {
                        String key = entry.key();
                        String previous = keySource.putIfAbsent(key, source);
                        if (previous != null) {
                            reader.problem(
                                    entry.keyLocation(),
                                    key,
                                    "also set in " + previous + "; a settings key must come from one place");
                            return;
                        }
                        reader.asMap(entry.value(), key).ifPresent(perProfile -> {
                            reader.allowOnly(perProfile, key, profiles.keySet(), "profile");
                            for (String profile : profiles.keySet()) {
                                Entry value = perProfile.entries().get(profile);
                                if (value == null) {
                                    reader.problem(
                                            entry.keyLocation(),
                                            key,
                                            "no value for profile '" + profile
                                                    + "'; every profile needs one (templates read profile.settings."
                                                    + key + " strictly)");
                                } else if (NodeReader.isNull(value.value())) {
                                    reader.problem(
                                            value.value(),
                                            key + "." + profile,
                                            "a setting needs a value; give the profile one");
                                } else {
                                    added.get(profile).put(key, YamlTree.toJava(value.value()));
                                }
                            }
                        });
                    }));
        });
        problems.throwIfAny();
        List<Profile> merged = new ArrayList<>();
        for (Profile profile : profiles.values()) {
            Map<String, Object> settings = new LinkedHashMap<>(profile.settings());
            settings.putAll(added.get(profile.name()));
            merged.add(new Profile(
                    profile.name(),
                    profile.description(),
                    profile.phaseTimeouts(),
                    profile.probeDeadline(),
                    profile.requireMemoryLimits(),
                    profile.phases(),
                    settings,
                    profile.base(),
                    profile.capacity()));
        }
        return of(merged);
    }

    /** The profile, or bad input naming the known ones. */
    public Profile profile(String name) {
        return find(name)
                .orElseThrow(() -> new ConfigException("unknown profile '" + name + "'; "
                        + DidYouMean.hint(name, names())
                        + (DidYouMean.closest(name, names()).isPresent()
                                ? " (known: " + String.join(", ", names()) + ")"
                                : "")));
    }

    public Optional<Profile> find(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /** Profile names, built-in ones first in their usual order. */
    public List<String> names() {
        return List.copyOf(profiles.keySet());
    }
}
