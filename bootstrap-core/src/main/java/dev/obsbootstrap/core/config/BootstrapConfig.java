package dev.obsbootstrap.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validated, immutable config of one run: the file (or defaults), the profile's choices and --set applied.
 * Built only by {@link ConfigLoader}; every field is non-null.
 *
 * @param source  where it came from, for messages ("obs-bootstrap.yaml" or "<defaults>")
 * @param profile the profile, already loaded
 * @param phases  phase id -> enabled, for every phase the config or profile mentions
 * @param charts  component id -> chart, the catalog pins with the user's overrides applied
 * @param values   component id -> user values, deep-merged over the rendered template
 * @param sections section key -> the section of the phase that owns that top-level key ({@link ConfigSection})
 */
public record BootstrapConfig(
        String source,
        Profile profile,
        ClusterSettings cluster,
        Map<String, Boolean> phases,
        Map<String, ChartRef> charts,
        Map<String, Map<String, Object>> values,
        Map<String, Section> sections) {

    public BootstrapConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(cluster, "cluster");
        phases = Map.copyOf(phases);
        charts = Map.copyOf(charts);
        values = Map.copyOf(values);
        sections = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(sections));
    }

    /**
     * A phase's own part of the config ({@link ConfigSection}), read and checked: its settings, what templates see of
     * it, its warnings and the headers it implies for probe requests.
     */
    public record Section(
            Object settings,
            Map<String, Object> templateView,
            List<String> warnings,
            Map<String, Map<String, String>> endpointHeaders,
            java.util.Set<String> chosenComponents) {
        public Section {
            Objects.requireNonNull(settings, "settings");
            templateView = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(templateView));
            warnings = List.copyOf(warnings);
            endpointHeaders = Map.copyOf(endpointHeaders);
            chosenComponents = java.util.Set.copyOf(chosenComponents);
        }

        /** A section that chooses no component in place of another. */
        public Section(
                Object settings,
                Map<String, Object> templateView,
                List<String> warnings,
                Map<String, Map<String, String>> endpointHeaders) {
            this(settings, templateView, warnings, endpointHeaders, java.util.Set.of());
        }

        /** Everything a section says about settings it read. */
        public static <T> Section of(ConfigSection<T> section, Object settings, String source) {
            T typed = section.type().cast(settings);
            return new Section(
                    typed,
                    section.templateView(typed),
                    section.warnings(typed, source),
                    section.endpointHeaders(typed),
                    section.chosenComponents(typed));
        }
    }

    /**
     * The settings of a phase's section.
     *
     * @throws IllegalStateException when no phase on the classpath owns {@code key} (a phase asks for its own section)
     */
    public <T> T section(String key, Class<T> type) {
        Section section = sections.get(key);
        if (section == null) {
            throw new IllegalStateException("the config has no section '" + key + "' (sections: " + sections.keySet()
                    + "): the phase that owns it must be on the classpath when the config is loaded");
        }
        return type.cast(section.settings());
    }

    /**
     * Things in this config that work but deserve the user's attention (deprecated choices, receivers no route uses).
     * The CLI prints them as warnings before it starts.
     */
    public List<String> warnings() {
        List<String> warnings = new java.util.ArrayList<>();
        sections.values().forEach(section -> warnings.addAll(section.warnings()));
        return List.copyOf(warnings);
    }

    /**
     * Headers every probe request to {@code endpointName} must carry, from all sections (a header two sections set
     * takes the value of the section whose key sorts last). Empty when none.
     */
    public Map<String, String> endpointHeaders(String endpointName) {
        Map<String, String> headers = new java.util.TreeMap<>();
        sections.values()
                .forEach(section -> headers.putAll(section.endpointHeaders().getOrDefault(endpointName, Map.of())));
        return java.util.Collections.unmodifiableMap(headers);
    }

    /**
     * Catalog components the sections chose in place of others that serve the same endpoints
     * ({@link ConfigSection#chosenComponents}), sorted. Empty when every endpoint keeps its catalog component.
     */
    public java.util.SortedSet<String> chosenComponents() {
        java.util.SortedSet<String> chosen = new java.util.TreeSet<>();
        sections.values().forEach(section -> chosen.addAll(section.chosenComponents()));
        return java.util.Collections.unmodifiableSortedSet(chosen);
    }

    /** The same config with every probe keeping trying at most {@code deadline} (up --probe-timeout). */
    public BootstrapConfig withProbeDeadline(java.time.Duration deadline) {
        return new BootstrapConfig(
                source, profile.withProbeDeadline(deadline), cluster, phases, charts, values, sections);
    }

    /** A phase is on unless the config or profile switched it off. */
    public boolean phaseEnabled(String phaseId) {
        return phases.getOrDefault(phaseId, Boolean.TRUE);
    }

    /** The stack namespace: releases, Secrets and the ledger live here. */
    public String namespace() {
        return cluster.namespace();
    }

    public ChartRef chart(String componentId) {
        ChartRef chart = charts.get(componentId);
        if (chart == null) {
            throw new dev.obsbootstrap.core.error.ConfigException("no chart is known for component '" + componentId
                    + "' (known: " + charts.keySet().stream().sorted().toList() + ")");
        }
        return chart;
    }

    public Map<String, Object> valuesFor(String componentId) {
        return values.getOrDefault(componentId, Map.of());
    }

    /**
     * @param context            kube context to use; "" means the kubeconfig's current context
     * @param namespace          the stack namespace
     * @param protectedContexts  exact context names refused without --yes
     * @param protectedPatterns  regular expressions; a matching context is refused without --yes
     * @param stack              the stack's name: release names and every cluster-scoped name the charts derive from
     *                           them start with it, so stacks in two namespaces of one cluster never collide
     * @param isolated           the stack watches only its own namespace (its operators and servers) and leaves
     *                           node-level agents that bind host ports to the cluster's main stack: per-PR stacks
     * @param imageRegistry      a registry mirror (host[:port][/path]) every image is pulled from instead of its
     *                           own registry; "" for none
     * @param domain             the cluster's DNS domain (kubelet --cluster-domain), for the few clients that resolve
     *                           full names themselves; cluster.local unless the cluster says otherwise
     */
    public record ClusterSettings(
            String context,
            String namespace,
            List<String> protectedContexts,
            List<String> protectedPatterns,
            String stack,
            boolean isolated,
            String imageRegistry,
            String domain) {
        /** The stack name when the config gives none: every release and cluster-scoped name starts with it. */
        public static final String DEFAULT_STACK = "obs";

        public ClusterSettings {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(namespace, "namespace");
            protectedContexts = List.copyOf(protectedContexts);
            protectedPatterns = List.copyOf(protectedPatterns);
            Objects.requireNonNull(stack, "stack");
            Objects.requireNonNull(imageRegistry, "imageRegistry");
            Objects.requireNonNull(domain, "domain");
        }

        /** Kubernetes' default cluster domain. */
        public static final String DEFAULT_DOMAIN = "cluster.local";

        /** A stack with a registry mirror, in a cluster with the default domain. */
        public ClusterSettings(
                String context,
                String namespace,
                List<String> protectedContexts,
                List<String> protectedPatterns,
                String stack,
                boolean isolated,
                String imageRegistry) {
            this(
                    context,
                    namespace,
                    protectedContexts,
                    protectedPatterns,
                    stack,
                    isolated,
                    imageRegistry,
                    DEFAULT_DOMAIN);
        }

        /** A named stack, its images from their own registries. */
        public ClusterSettings(
                String context,
                String namespace,
                List<String> protectedContexts,
                List<String> protectedPatterns,
                String stack,
                boolean isolated) {
            this(context, namespace, protectedContexts, protectedPatterns, stack, isolated, "");
        }

        /** The default stack, not isolated. */
        public ClusterSettings(
                String context, String namespace, List<String> protectedContexts, List<String> protectedPatterns) {
            this(context, namespace, protectedContexts, protectedPatterns, DEFAULT_STACK, false);
        }

        /** True when {@code contextName} is listed, or a pattern matches all of it: `up`/`down` then need --yes. */
        public boolean isProtected(String contextName) {
            return protectedContexts.contains(contextName)
                    || protectedPatterns.stream()
                            .anyMatch(pattern -> java.util.regex.Pattern.matches(pattern, contextName));
        }
    }
}
