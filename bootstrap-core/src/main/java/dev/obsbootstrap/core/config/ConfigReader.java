package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.config.BootstrapConfig.ClusterSettings;
import dev.obsbootstrap.core.config.YamlTree.Entry;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a config tree (file, --profile and --set already applied) into a {@link BootstrapConfig}, checking every
 * key and value on the way. All problems are collected; {@link #read} throws once, listing them all.
 */
final class ConfigReader {
    /** Core's keys; every other top-level key belongs to a phase's {@link ConfigSection}. */
    static final List<String> FIXED_KEYS = List.of("apiVersion", "profile", "cluster", "phases", "charts", "values");

    private static final List<String> CLUSTER_KEYS = List.of(
            "context",
            "namespace",
            "protectedContexts",
            "protectedPatterns",
            "stack",
            "isolated",
            "imageRegistry",
            "domain");
    private static final List<String> CHART_KEYS = List.of("repository", "name", "version");

    static final String DEFAULT_NAMESPACE = "observability";

    private final ComponentCatalog catalog;
    private final ProfileCatalog profiles;
    private final ConfigSchema schema;
    private final List<String> phaseIds;
    private final ConfigProblems problems;
    private final NodeReader reader;

    ConfigReader(ComponentCatalog catalog, ProfileCatalog profiles, ConfigSchema schema, ConfigProblems problems) {
        this.catalog = catalog;
        this.profiles = profiles;
        this.schema = schema;
        this.phaseIds = schema.phaseIds();
        this.problems = problems;
        this.reader = new NodeReader(problems);
    }

    /**
     * Every top-level key must be a config key. One that is no typo of a config key is most likely a chart's value,
     * given as Helm takes it (a values file, or --set ui.x=...): the message says where it goes instead.
     */
    private void topLevelKeys(MapNode root, List<String> topKeys) {
        List<String> components =
                catalog.components().keySet().stream().sorted().toList();
        for (Entry entry : root.entries().values()) {
            if (topKeys.contains(entry.key())) {
                continue;
            }
            String message = "unknown key; " + DidYouMean.hint(entry.key(), topKeys);
            if (DidYouMean.closest(entry.key(), topKeys).isEmpty()) {
                message += ". A chart's values, as helm -f or --set take them, go under values.<component>: "
                        + "values.<component>." + entry.key() + " in the file, --set values.<component>."
                        + entry.key() + ".x=... (components: " + String.join(", ", components) + ")";
            }
            reader.problem(entry.keyLocation(), entry.key(), message);
        }
    }

    /**
     * @param source            the name the config is known by in messages and reports
     * @param requireApiVersion a file must say which format it is written in; built-in defaults need not
     */
    BootstrapConfig read(MapNode root, String source, boolean requireApiVersion) {
        List<String> topKeys = new java.util.ArrayList<>(FIXED_KEYS);
        topKeys.addAll(schema.sectionKeys());
        topLevelKeys(root, topKeys);
        apiVersion(root, requireApiVersion);
        Optional<Profile> profile = profile(root);
        ClusterSettings cluster = cluster(root);
        Map<String, Boolean> phases = phases(root, profile);
        Map<String, ChartRef> charts = charts(root);
        Map<String, Map<String, Object>> values = values(root);
        Map<ConfigSection<?>, Object> settings = new LinkedHashMap<>();
        for (ConfigSection<?> section : schema.sections()) {
            Optional<MapNode> node = reader.mapField(root, "", section.key());
            settings.put(
                    section,
                    profile.isPresent()
                            ? section.read(reader, node, section.key(), profile.get())
                            : section.read(reader, node, section.key()));
        }
        problems.throwIfAny();
        Map<String, BootstrapConfig.Section> sections = new LinkedHashMap<>();
        settings.forEach(
                (section, read) -> sections.put(section.key(), BootstrapConfig.Section.of(section, read, source)));
        return new BootstrapConfig(source, profile.orElseThrow(), cluster, phases, charts, values, sections);
    }

    private void apiVersion(MapNode root, boolean required) {
        Optional<Node> node = required
                ? reader.required(
                        root, "", "apiVersion", "add 'apiVersion: " + ConfigLoader.API_VERSION + "' as the first line")
                : reader.field(root, "apiVersion");
        node.flatMap(n -> reader.asString(n, "apiVersion"))
                .filter(version -> !version.equals(ConfigLoader.API_VERSION))
                .ifPresent(version -> reader.problem(
                        node.get(),
                        "apiVersion",
                        "'" + NodeReader.echo(version) + "' is not supported; this obs-bootstrap reads '"
                                + ConfigLoader.API_VERSION + "'"));
    }

    private Optional<Profile> profile(MapNode root) {
        Optional<Node> node = reader.field(root, "profile");
        if (node.isEmpty()) {
            return Optional.of(profiles.profile(ProfileCatalog.DEFAULT));
        }
        Optional<String> name = reader.asString(node.get(), "profile");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<Profile> profile = profiles.find(name.get());
        if (profile.isEmpty()) {
            reader.problem(
                    node.get(),
                    "profile",
                    "unknown profile '" + NodeReader.echo(name.get()) + "'; "
                            + DidYouMean.hint(name.get(), profiles.names()));
        }
        return profile;
    }

    private ClusterSettings cluster(MapNode root) {
        String path = "cluster";
        Optional<MapNode> cluster = reader.mapField(root, "", path);
        cluster.ifPresent(map -> reader.allowOnly(map, path, CLUSTER_KEYS));
        String context =
                cluster.flatMap(map -> reader.stringField(map, path, "context")).orElse("");
        String namespace = DEFAULT_NAMESPACE;
        Optional<Node> namespaceNode = cluster.flatMap(map -> reader.field(map, "namespace"));
        Optional<String> namespaceText = namespaceNode.flatMap(node -> reader.asString(node, path + ".namespace"));
        if (namespaceText.isPresent()) {
            Optional<String> wrong = Checks.dnsLabel(namespaceText.get());
            wrong.ifPresent(message -> reader.problem(namespaceNode.get(), path + ".namespace", message));
            namespace = namespaceText.get();
        }
        List<String> protectedContexts = cluster.flatMap(map -> reader.stringsField(map, path, "protectedContexts"))
                .orElse(List.of());
        List<String> protectedPatterns = List.of();
        Optional<Node> patternsNode = cluster.flatMap(map -> reader.field(map, "protectedPatterns"));
        if (patternsNode.isPresent()) {
            protectedPatterns = reader.asStrings(patternsNode.get(), path + ".protectedPatterns")
                    .orElse(List.of());
            List<Node> items = patternsNode.get() instanceof YamlTree.ListNode list ? list.items() : List.of();
            for (int i = 0; i < items.size() && i < protectedPatterns.size(); i++) {
                String itemPath = NodeReader.index(path + ".protectedPatterns", i);
                Node item = items.get(i);
                Checks.regex(protectedPatterns.get(i)).ifPresent(message -> reader.problem(item, itemPath, message));
            }
        }
        String stack = ClusterSettings.DEFAULT_STACK;
        Optional<Node> stackNode = cluster.flatMap(map -> reader.field(map, "stack"));
        Optional<String> stackText = stackNode.flatMap(node -> reader.asString(node, path + ".stack"));
        if (stackText.isPresent()) {
            Optional<String> wrong = Checks.stackName(stackText.get());
            wrong.ifPresent(message -> reader.problem(stackNode.get(), path + ".stack", message));
            stack = stackText.get();
        }
        boolean isolated =
                cluster.flatMap(map -> reader.boolField(map, path, "isolated")).orElse(false);
        String imageRegistry = "";
        Optional<Node> registryNode = cluster.flatMap(map -> reader.field(map, "imageRegistry"));
        Optional<String> registryText = registryNode.flatMap(node -> reader.asString(node, path + ".imageRegistry"));
        if (registryText.isPresent()) {
            Checks.imageRegistry(registryText.get())
                    .ifPresent(message -> reader.problem(registryNode.get(), path + ".imageRegistry", message));
            imageRegistry = registryText.get();
        }
        String domain = ClusterSettings.DEFAULT_DOMAIN;
        Optional<Node> domainNode = cluster.flatMap(map -> reader.field(map, "domain"));
        Optional<String> domainText = domainNode.flatMap(node -> reader.asString(node, path + ".domain"));
        if (domainText.isPresent()) {
            Checks.dnsName(domainText.get())
                    .ifPresent(message -> reader.problem(domainNode.get(), path + ".domain", message));
            domain = domainText.get();
        }
        return new ClusterSettings(
                context, namespace, protectedContexts, protectedPatterns, stack, isolated, imageRegistry, domain);
    }

    /** The profile's phase switches, overridden by the config's. */
    private Map<String, Boolean> phases(MapNode root, Optional<Profile> profile) {
        Map<String, Boolean> phases =
                new LinkedHashMap<>(profile.map(Profile::phases).orElse(Map.of()));
        reader.mapField(root, "", "phases").ifPresent(map -> {
            reader.allowOnly(map, "phases", phaseIds, "phase");
            for (Entry entry : map.entries().values()) {
                if (phaseIds.contains(entry.key())) {
                    String path = "phases." + entry.key();
                    if (NodeReader.isNull(entry.value())) {
                        reader.problem(entry.value(), path, "expected true or false, got nothing");
                    }
                    reader.asBool(entry.value(), path).ifPresent(enabled -> phases.put(entry.key(), enabled));
                }
            }
        });
        return phases;
    }

    /** Every catalog pin, with the config's repository/name/version overrides applied field by field. */
    private Map<String, ChartRef> charts(MapNode root) {
        Map<String, ChartRef> charts = new LinkedHashMap<>();
        catalog.components().forEach((id, spec) -> charts.put(id, spec.chart()));
        reader.mapField(root, "", "charts").ifPresent(map -> {
            reader.allowOnly(map, "charts", catalog.components().keySet(), "component");
            for (Entry entry : map.entries().values()) {
                ChartRef pinned = charts.get(entry.key());
                if (pinned == null) {
                    continue;
                }
                String path = "charts." + entry.key();
                reader.asMap(entry.value(), path).ifPresent(override -> {
                    reader.allowOnly(override, path, CHART_KEYS);
                    String repository = chartField(override, path, "repository", Checks::repository)
                            .orElse(pinned.repository());
                    String name = chartField(override, path, "name", Checks::chartName)
                            .orElse(pinned.name());
                    String version = chartField(override, path, "version", Checks::semver)
                            .orElse(pinned.version());
                    charts.put(entry.key(), new ChartRef(normalizeOci(repository, name), name, version));
                });
            }
        });
        return charts;
    }

    private Optional<String> chartField(
            MapNode map, String path, String key, java.util.function.Function<String, Optional<String>> check) {
        Optional<Node> node = reader.field(map, key);
        Optional<String> text = node.flatMap(n -> reader.asString(n, path + "." + key));
        if (text.isPresent()) {
            Optional<String> wrong = check.apply(text.get());
            if (wrong.isPresent()) {
                reader.problem(node.get(), path + "." + key, wrong.get());
                return Optional.empty();
            }
        }
        return text;
    }

    /**
     * An OCI repository is the registry path the chart name is appended to. People often paste the full chart
     * reference ({@code oci://ghcr.io/org/charts/mychart}) instead; drop the name so it is not appended twice.
     */
    static String normalizeOci(String repository, String name) {
        String trimmed = repository.endsWith("/") ? repository.substring(0, repository.length() - 1) : repository;
        if (trimmed.startsWith("oci://") && trimmed.endsWith("/" + name)) {
            return trimmed.substring(0, trimmed.length() - name.length() - 1);
        }
        return trimmed;
    }

    private Map<String, Map<String, Object>> values(MapNode root) {
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        reader.mapField(root, "", "values").ifPresent(map -> {
            reader.allowOnly(map, "values", catalog.components().keySet(), "component");
            for (Entry entry : map.entries().values()) {
                if (!catalog.components().containsKey(entry.key())) {
                    continue;
                }
                reader.asMap(entry.value(), "values." + entry.key())
                        .ifPresent(componentValues -> values.put(entry.key(), YamlTree.freeForm(componentValues)));
            }
        });
        return values;
    }
}
