package dev.obsbootstrap.core.config;

import dev.obsbootstrap.core.config.YamlTree.Entry;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.error.ConfigException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every component obs-bootstrap can install: pinned charts, release names, fullnames, endpoints, datasource UIDs and
 * the operator-managed resource kinds plan checks like pods. It is the union of every {@code obs-bootstrap/catalog.yaml}
 * on the classpath (the built-in one and any a phase module ships), and a component, endpoint or datasource defined by
 * two of them is an error naming both. {@link #topology} combines it with a config into the {@link StackTopology}
 * templates and probes use.
 */
public final class ComponentCatalog {
    /** The classpath resource (in charts-values) this catalog is read from. */
    public static final String RESOURCE = "obs-bootstrap/catalog.yaml";

    private static final List<String> TOP_KEYS = List.of(
            "components",
            "endpoints",
            "endpointVariants",
            "datasources",
            "operatorResources",
            "operatorPodSidecars",
            "profileSettings");
    private static final java.util.regex.Pattern GROUP_KIND =
            java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?/[A-Z][A-Za-z0-9]*");
    private static final List<String> COMPONENT_KEYS =
            List.of("chart", "release", "fullname", "values", "install", "operatorWorkloads", "imageRegistryValues");
    private static final List<String> CHART_KEYS = List.of("repository", "name", "version");
    private static final List<String> ENDPOINT_KEYS = List.of("component", "service", "port", "path");
    private static final List<String> VARIANT_KEYS = List.of("service", "port", "path");
    private static final Map<String, InstallMode> INSTALL_MODES =
            Map.of("helm-release", InstallMode.HELM_RELEASE, "apply-crds", InstallMode.APPLY_CRDS);

    private final String source;
    private final Map<String, ComponentSpec> components;
    private final Map<String, ComponentSpec> inDefaultStack;
    private final Map<String, Endpoint> endpoints;
    private final Map<String, Map<String, Endpoint>> endpointVariants;
    private final Map<String, String> datasourceUids;
    private final java.util.Set<String> operatorResources;
    private final Map<String, String> operatorPodSidecars;
    private final List<String> profileSettings;

    /**
     * An endpoint as the catalog declares it: a Service port of a component, not yet placed in a namespace.
     *
     * @param path appended to the URL ("" or starting with '/')
     */
    public record Endpoint(String name, String component, String service, int port, String path) {
        public Endpoint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(path, "path");
        }

        /** This endpoint in the stack namespace, of the default stack. */
        public ServiceEndpoint in(String namespace) {
            return in(namespace, BootstrapConfig.ClusterSettings.DEFAULT_STACK);
        }

        /** This endpoint of the stack named {@code stack} in its namespace. */
        public ServiceEndpoint in(String namespace, String stack) {
            return new ServiceEndpoint(
                    name, component, namespace, service.replace(ComponentSpec.STACK, stack), port, path);
        }
    }

    private ComponentCatalog(
            String source,
            Map<String, ComponentSpec> components,
            Map<String, Endpoint> endpoints,
            Map<String, Map<String, Endpoint>> endpointVariants,
            Map<String, String> datasourceUids,
            java.util.Set<String> operatorResources,
            Map<String, String> operatorPodSidecars,
            List<String> profileSettings) {
        this.source = source;
        this.components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
        Map<String, ComponentSpec> named = new LinkedHashMap<>();
        components.forEach((id, spec) -> named.put(id, spec.inStack(BootstrapConfig.ClusterSettings.DEFAULT_STACK)));
        this.inDefaultStack = Collections.unmodifiableMap(named);
        this.endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
        Map<String, Map<String, Endpoint>> variants = new LinkedHashMap<>();
        endpointVariants.forEach((component, byName) ->
                variants.put(component, Collections.unmodifiableMap(new LinkedHashMap<>(byName))));
        this.endpointVariants = Collections.unmodifiableMap(variants);
        this.datasourceUids = Collections.unmodifiableMap(new LinkedHashMap<>(datasourceUids));
        this.operatorResources = Collections.unmodifiableSet(new java.util.TreeSet<>(operatorResources));
        this.operatorPodSidecars = Map.copyOf(operatorPodSidecars);
        this.profileSettings = List.copyOf(profileSettings);
    }

    /** Every catalog on the classpath, merged: the built-in one (charts-values) and any a phase module ships. */
    public static ComponentCatalog fromClasspath() {
        return fromClasspath(ComponentCatalog.class.getClassLoader());
    }

    static ComponentCatalog fromClasspath(ClassLoader loader) {
        List<Resources.Found> found = Resources.classpathTexts(loader, RESOURCE);
        if (found.isEmpty()) {
            throw new ConfigException(RESOURCE + ": not on the classpath; the charts-values jar must be packaged with "
                    + "obs-bootstrap (rebuild it)");
        }
        Map<String, String> sources = new LinkedHashMap<>();
        found.forEach(f -> sources.put(f.name(), f.text()));
        return parse(sources);
    }

    /** A catalog file, for tests and tools that work on a checkout (charts-values/src/main/resources/...). */
    public static ComponentCatalog fromFile(Path file) {
        return parse(Resources.fileText(file), file.toString());
    }

    /** Parses and checks a catalog; every problem is reported at once as one {@link ConfigException}. */
    public static ComponentCatalog parse(String yaml, String sourceName) {
        return parse(Map.of(sourceName, yaml));
    }

    /**
     * Parses, checks and merges catalog fragments (source name -> YAML), in the map's order; every problem of every
     * fragment is reported at once as one {@link ConfigException}.
     */
    public static ComponentCatalog parse(Map<String, String> fragments) {
        ConfigProblems problems = new ConfigProblems();
        NodeReader reader = new NodeReader(problems);
        Map<String, MapNode> tops = new LinkedHashMap<>();
        fragments.forEach((sourceName, yaml) -> {
            Optional<Node> root = YamlTree.parse(yaml, sourceName, Optional.empty(), problems);
            if (root.isPresent()) {
                MapNode top = reader.asMap(root.get(), "")
                        .orElse(MapNode.empty(root.get().location()));
                reader.allowOnly(top, "", TOP_KEYS);
                tops.put(sourceName, top);
            } else if (problems.isEmpty()) {
                throw new ConfigException(
                        sourceName + ": the catalog is empty; it needs components, endpoints and datasources");
            }
        });
        problems.throwIfAny();
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        Map<String, String> definedIn = new java.util.HashMap<>();
        // components first, from every fragment: an endpoint may name a component of another fragment
        tops.forEach((sourceName, top) -> {
            Optional<MapNode> map = fragments.size() == 1
                    ? reader.required(top, "", "components", "list the installable components")
                            .flatMap(n -> reader.asMap(n, "components"))
                    : reader.mapField(top, "", "components");
            map.ifPresent(entries -> entries.entries().values().forEach(entry -> {
                if (once(reader, definedIn, "components", entry, sourceName)) {
                    component(reader, entry).ifPresent(spec -> components.put(spec.id(), spec));
                }
            }));
        });
        if (components.isEmpty() && fragments.size() > 1 && problems.isEmpty()) {
            throw new ConfigException(String.join(", ", fragments.keySet()) + ": no catalog lists any component");
        }
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        Map<String, Map<String, Endpoint>> variants = new LinkedHashMap<>();
        Map<String, Node> variantNodes = new LinkedHashMap<>();
        Map<String, String> datasources = new LinkedHashMap<>();
        java.util.Set<String> operatorResources = new java.util.TreeSet<>();
        java.util.Set<String> profileSettings = new java.util.LinkedHashSet<>();
        Map<String, String> sidecars = new LinkedHashMap<>();
        tops.forEach((sourceName, top) -> {
            reader.mapField(top, "", "operatorPodSidecars")
                    .ifPresent(map -> map.entries().values().forEach(entry -> {
                        String path = "operatorPodSidecars." + entry.key();
                        if (!GROUP_KIND.matcher(entry.key()).matches()) {
                            reader.problem(
                                    entry.keyLocation(),
                                    path,
                                    "'" + NodeReader.echo(entry.key())
                                            + "' is not GROUP/Kind (like example.com/Widget)");
                        } else if (once(reader, definedIn, "operatorPodSidecars", entry, sourceName)) {
                            reader.asString(entry.value(), path)
                                    .ifPresent(setting -> sidecars.put(entry.key(), setting));
                        }
                    }));
            reader.stringsField(top, "", "profileSettings")
                    .ifPresent(resources -> resources.forEach(resource -> {
                        if (!resource.endsWith(".yaml") || resource.startsWith("/") || !profileSettings.add(resource)) {
                            reader.problem(
                                    top.entries().get("profileSettings").value(),
                                    "profileSettings",
                                    "'" + NodeReader.echo(resource)
                                            + "' is listed twice or is not a classpath resource path ending in .yaml (like obs-bootstrap/settings/mychart.yaml)");
                        }
                    }));
            reader.mapField(top, "", "endpoints")
                    .ifPresent(map -> map.entries().values().forEach(entry -> {
                        if (once(reader, definedIn, "endpoints", entry, sourceName)) {
                            endpoint(reader, entry, components)
                                    .ifPresent(endpoint -> endpoints.put(endpoint.name(), endpoint));
                        }
                    }));
            reader.mapField(top, "", "endpointVariants")
                    .ifPresent(map -> map.entries().values().forEach(entry -> {
                        if (once(reader, definedIn, "endpointVariants", entry, sourceName)) {
                            variants.put(entry.key(), endpointVariants(reader, entry, components));
                            variantNodes.put(entry.key(), entry.value());
                        }
                    }));
            reader.mapField(top, "", "datasources")
                    .ifPresent(map -> map.entries().values().forEach(entry -> {
                        String path = "datasources." + entry.key();
                        if (!once(reader, definedIn, "datasources", entry, sourceName)) {
                            return;
                        }
                        reader.asString(entry.value(), path).ifPresent(uid -> {
                            if (uid.matches("[a-zA-Z0-9_-]{1,40}")) {
                                datasources.put(entry.key(), uid);
                            } else {
                                reader.problem(
                                        entry.value(),
                                        path,
                                        "'" + NodeReader.echo(uid)
                                                + "' is not a datasource UID: use up to 40 letters, digits, '-' and '_'");
                            }
                        });
                    }));
            reader.stringsField(top, "", "operatorResources")
                    .ifPresent(kinds -> kinds.forEach(kind -> {
                        if (GROUP_KIND.matcher(kind).matches()) {
                            operatorResources.add(kind);
                        } else {
                            reader.problem(
                                    top.entries().get("operatorResources").value(),
                                    "operatorResources",
                                    "'" + NodeReader.echo(kind) + "' is not GROUP/Kind (like example.com/Widget)");
                        }
                    }));
        });
        // after every fragment's endpoints: a variant may stand in for an endpoint another catalog defines
        variants.forEach((component, byName) -> byName.values().forEach(variant -> {
            Endpoint base = endpoints.get(variant.name());
            String path = "endpointVariants." + component + "." + variant.name();
            if (base == null) {
                reader.problem(
                        variantNodes.get(component),
                        path,
                        "no endpoint '" + NodeReader.echo(variant.name()) + "' to stand in for; "
                                + DidYouMean.hint(variant.name(), endpoints.keySet()));
            } else if (base.component().equals(component)) {
                reader.problem(
                        variantNodes.get(component),
                        path,
                        "'" + component + "' already serves this endpoint; a variant names another component");
            }
        }));
        problems.throwIfAny();
        return new ComponentCatalog(
                String.join(", ", fragments.keySet()),
                components,
                endpoints,
                variants,
                datasources,
                operatorResources,
                sidecars,
                List.copyOf(profileSettings));
    }

    /** True the first time a key of a section is seen across fragments; a second definition is a problem naming both. */
    private static boolean once(
            NodeReader reader, Map<String, String> definedIn, String section, Entry entry, String sourceName) {
        String previous = definedIn.putIfAbsent(section + "." + entry.key(), sourceName);
        if (previous != null) {
            reader.problem(
                    entry.keyLocation(),
                    section + "." + entry.key(),
                    "also defined in " + previous + "; each " + section.substring(0, section.length() - 1)
                            + " must come from one catalog");
            return false;
        }
        return true;
    }

    private static Optional<ComponentSpec> component(NodeReader reader, Entry entry) {
        String id = entry.key();
        String path = "components." + id;
        Checks.dnsLabel(id).ifPresent(message -> reader.problem(entry.keyLocation(), path, message));
        Optional<MapNode> map = reader.asMap(entry.value(), path);
        if (map.isEmpty()) {
            if (NodeReader.isNull(entry.value())) {
                reader.problem(entry.value(), path, "a component needs chart, release, fullname and values");
            }
            return Optional.empty();
        }
        MapNode spec = map.get();
        reader.allowOnly(spec, path, COMPONENT_KEYS);
        Optional<ChartRef> chart = reader.required(
                        spec, path, "chart", "write {repository: ..., name: ..., version: ...}")
                .flatMap(node -> reader.asMap(node, path + ".chart"))
                .flatMap(chartMap -> chart(reader, chartMap, path + ".chart"));
        Optional<String> release = checked(reader, spec, path, "release", ComponentCatalog::stackScopedName);
        Optional<String> fullname = checked(reader, spec, path, "fullname", ComponentCatalog::stackScopedName);
        Optional<String> values = reader.requiredString(spec, path, "values", "name the values template resource");
        InstallMode mode = InstallMode.HELM_RELEASE;
        Optional<Node> installNode = reader.field(spec, "install");
        Optional<String> install = installNode.flatMap(node -> reader.asString(node, path + ".install"));
        if (install.isPresent()) {
            mode = INSTALL_MODES.get(install.get());
            if (mode == null) {
                reader.problem(
                        installNode.get(),
                        path + ".install",
                        "unknown install mode '" + NodeReader.echo(install.get()) + "'; "
                                + DidYouMean.hint(install.get(), List.of("helm-release", "apply-crds")));
            }
        }
        List<String> operatorWorkloads =
                reader.stringsField(spec, path, "operatorWorkloads").orElse(List.of());
        if (chart.isEmpty() || release.isEmpty() || fullname.isEmpty() || values.isEmpty() || mode == null) {
            return Optional.empty();
        }
        Map<String, String> registryValues = new LinkedHashMap<>();
        reader.mapField(spec, path, "imageRegistryValues").ifPresent(registryMap -> {
            for (YamlTree.Entry registryKey : registryMap.entries().values()) {
                String where = path + ".imageRegistryValues." + registryKey.key();
                reader.asString(registryKey.value(), where).ifPresent(value -> {
                    if (!value.contains(ComponentSpec.REGISTRY)) {
                        reader.problem(
                                registryKey.value(),
                                where,
                                "the value must contain " + ComponentSpec.REGISTRY
                                        + ", where the registry goes (for example \"" + ComponentSpec.REGISTRY
                                        + "\" or \""
                                        + ComponentSpec.REGISTRY + "/org/image\")");
                    } else {
                        registryValues.put(registryKey.key(), value);
                    }
                });
            }
        });
        return Optional.of(new ComponentSpec(
                id, chart.get(), release.get(), fullname.get(), values.get(), mode, operatorWorkloads, registryValues));
    }

    private static Optional<ChartRef> chart(NodeReader reader, MapNode chart, String path) {
        reader.allowOnly(chart, path, CHART_KEYS);
        Optional<String> repository = checked(reader, chart, path, "repository", Checks::repository);
        Optional<String> name = checked(reader, chart, path, "name", Checks::chartName);
        Optional<String> version = checked(reader, chart, path, "version", Checks::semver);
        if (repository.isEmpty() || name.isEmpty() || version.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new ChartRef(ConfigReader.normalizeOci(repository.get(), name.get()), name.get(), version.get()));
    }

    /**
     * A name the stack's name goes into ({@code {stack}-logs}): a DNS label with the longest stack name in it. A name
     * without the placeholder is allowed (the same for every stack) but then two stacks in one cluster share it.
     */
    private static Optional<String> stackScopedName(String name) {
        String longest = "s".repeat(Checks.STACK_NAME_MAX);
        return Checks.dnsLabel(name.replace(ComponentSpec.STACK, longest))
                .map(message -> message.replace(longest, ComponentSpec.STACK));
    }

    private static Optional<String> checked(
            NodeReader reader, MapNode map, String path, String key, Function<String, Optional<String>> check) {
        Optional<Node> node = reader.required(map, path, key, "the catalog must give it");
        Optional<String> text = node.flatMap(n -> reader.asString(n, path + "." + key));
        Optional<String> wrong = text.flatMap(check);
        if (wrong.isPresent()) {
            reader.problem(node.get(), path + "." + key, wrong.get());
            return Optional.empty();
        }
        return text;
    }

    /** The endpoints a component serves in place of their catalog component when a config chooses it. */
    private static Map<String, Endpoint> endpointVariants(
            NodeReader reader, Entry entry, Map<String, ComponentSpec> components) {
        String component = entry.key();
        String path = "endpointVariants." + component;
        Map<String, Endpoint> byName = new LinkedHashMap<>();
        if (!components.containsKey(component)) {
            reader.problem(
                    entry.keyLocation(),
                    path,
                    "unknown component '" + NodeReader.echo(component) + "'; "
                            + DidYouMean.hint(component, components.keySet()));
            return byName;
        }
        reader.asMap(entry.value(), path)
                .ifPresent(map -> map.entries()
                        .values()
                        .forEach(variant -> reader.asMap(variant.value(), path + "." + variant.key())
                                .flatMap(spec -> {
                                    reader.allowOnly(spec, path + "." + variant.key(), VARIANT_KEYS);
                                    return servicePort(
                                            reader, spec, path + "." + variant.key(), variant.key(), component);
                                })
                                .ifPresent(endpoint -> byName.put(endpoint.name(), endpoint))));
        return byName;
    }

    private static Optional<Endpoint> endpoint(NodeReader reader, Entry entry, Map<String, ComponentSpec> components) {
        String path = "endpoints." + entry.key();
        Optional<MapNode> map = reader.asMap(entry.value(), path);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        MapNode spec = map.get();
        reader.allowOnly(spec, path, ENDPOINT_KEYS);
        Optional<Node> componentNode = reader.required(spec, path, "component", "name the component that serves it");
        Optional<String> component = componentNode.flatMap(node -> reader.asString(node, path + ".component"));
        if (component.isPresent() && !components.containsKey(component.get())) {
            reader.problem(
                    componentNode.get(),
                    path + ".component",
                    "unknown component '" + NodeReader.echo(component.get()) + "'; "
                            + DidYouMean.hint(component.get(), components.keySet()));
            component = Optional.empty();
        }
        Optional<Endpoint> servicePort = servicePort(reader, spec, path, entry.key(), component.orElse(""));
        return component.isEmpty() ? Optional.empty() : servicePort;
    }

    /** The service, port and path of an endpoint (or of its variant) served by {@code component}. */
    private static Optional<Endpoint> servicePort(
            NodeReader reader, MapNode spec, String path, String name, String component) {
        Optional<String> service = checked(reader, spec, path, "service", ComponentCatalog::stackScopedName);
        Optional<Node> portNode = reader.required(spec, path, "port", "give the Service port");
        Optional<Integer> port = portNode.flatMap(node -> reader.asInt(node, path + ".port"));
        if (port.isPresent() && (port.get() < 1 || port.get() > 65535)) {
            reader.problem(portNode.get(), path + ".port", port.get() + " is not a port (1-65535)");
            port = Optional.empty();
        }
        Optional<Node> pathNode = reader.field(spec, "path");
        String urlPath =
                pathNode.flatMap(node -> reader.asString(node, path + ".path")).orElse("");
        if (!urlPath.isEmpty() && !urlPath.startsWith("/")) {
            reader.problem(pathNode.get(), path + ".path", "must start with '/'");
        }
        if (service.isEmpty() || port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(name, component, service.get(), port.get(), urlPath));
    }

    /** Where this catalog was read from, for messages. */
    public String source() {
        return source;
    }

    /** Component id -> spec, with the catalog's pinned charts, in catalog order, named for the default stack. */
    public Map<String, ComponentSpec> components() {
        return inDefaultStack;
    }

    public ComponentSpec component(String id) {
        ComponentSpec spec = inDefaultStack.get(id);
        if (spec == null) {
            throw new ConfigException(
                    source + ": unknown component '" + id + "'; " + DidYouMean.hint(id, components.keySet()));
        }
        return spec;
    }

    /** Endpoint name -> endpoint, not yet in a namespace. */
    public Map<String, Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * Component id -> the endpoints (by name) it serves in place of their catalog component when a config chooses it
     * ({@link BootstrapConfig#chosenComponents}), not yet in a namespace.
     */
    public Map<String, Map<String, Endpoint>> endpointVariants() {
        return endpointVariants;
    }

    /**
     * {@code group/Kind} of custom resources whose {@code spec.image} and {@code spec.resources} describe pods an
     * operator creates later: plan checks them as it checks containers.
     */
    public java.util.Set<String> operatorResources() {
        return operatorResources;
    }

    /**
     * {@code group/Kind} -> the resources ({@code requests}, {@code limits}) of the containers an operator adds to every
     * pod of such a custom resource beside {@code spec.resources} (a config reloader), under this profile: plan's
     * capacity sum counts them. The catalog names the profile setting that holds them (the one the values template
     * hands the chart), so the sum and the pods cannot disagree.
     */
    public Map<String, Map<String, Object>> operatorPodSidecars(Profile profile) {
        Map<String, Map<String, Object>> resolved = new LinkedHashMap<>();
        operatorPodSidecars.forEach((groupKind, setting) -> {
            Object value = profile.settings();
            for (String step : setting.split("\\.")) {
                value = value instanceof Map<?, ?> map ? map.get(step) : null;
            }
            if (!(value instanceof Map<?, ?> resources)) {
                throw new ConfigException(source + ": operatorPodSidecars." + groupKind + ": profile " + profile.name()
                        + " has no map at settings." + setting
                        + "; point it at the setting that holds those containers'"
                        + " resources ({requests: ..., limits: ...})");
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            resources.forEach((key, entry) -> copy.put(String.valueOf(key), entry));
            resolved.put(groupKind, copy);
        });
        return resolved;
    }

    /**
     * Classpath resources that hold components' settings for every profile ({@code profile.settings.<key>}), in the
     * order the catalogs list them; {@link ProfileCatalog#withSettingsFrom} merges them into the profiles.
     */
    public List<String> profileSettings() {
        return profileSettings;
    }

    /** Datasource name -> datasource UID, as the values templates provision them and probes query them. */
    public Map<String, String> datasourceUids() {
        return datasourceUids;
    }

    /**
     * The stack as this config installs it: every endpoint in the config's namespace, every component with the
     * chart the config chose (its {@code charts:} overrides applied), and the datasource UIDs.
     */
    public StackTopology topology(BootstrapConfig config) {
        String stack = config.cluster().stack();
        Map<String, ComponentSpec> chosen = new LinkedHashMap<>();
        components.forEach((id, spec) -> {
            ComponentSpec named = spec.inStack(stack);
            chosen.put(id, config.charts().containsKey(id) ? named.withChart(config.chart(id)) : named);
        });
        Map<String, ServiceEndpoint> placed = new LinkedHashMap<>();
        endpoints.forEach((name, endpoint) ->
                placed.put(name, served(endpoint, config.chosenComponents()).in(config.namespace(), stack)));
        return new StackTopology(config.namespace(), chosen, placed, datasourceUids);
    }

    /** The endpoint as the chosen components serve it: a chosen component's variant, else the catalog's own. */
    private Endpoint served(Endpoint endpoint, java.util.Set<String> chosenComponents) {
        List<Endpoint> variants = chosenComponents.stream()
                .map(component ->
                        endpointVariants.getOrDefault(component, Map.of()).get(endpoint.name()))
                .filter(Objects::nonNull)
                .toList();
        if (variants.size() > 1) {
            throw new ConfigException("endpoint '" + endpoint.name() + "' has a variant in more than one chosen "
                    + "component (" + variants.stream().map(Endpoint::component).toList()
                    + "): the config may choose only one of them");
        }
        return variants.isEmpty() ? endpoint : variants.get(0);
    }
}
