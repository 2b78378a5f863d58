package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentCatalog;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.values.ValuesPaths;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where two environments (a config and its profile each) differ, per component: whether it is installed, its chart
 * pin, and the rendered values' key paths, with replicas, retention and alert receivers called out with both values.
 * Rendered offline from the values templates, as {@code plan} renders them: no chart, no cluster.
 *
 * <p>Other values are named by key path only: a values tree may hold what a reader should not see in a terminal
 * (a header, a URL); replica counts, retention periods and receiver names are safe to print.
 */
public final class EnvironmentComparison {
    /** One value that differs: its key path and what each side has ({@code null}: absent). */
    public record ValueChange(String path, Object a, Object b) {
        public ValueChange {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * One component on both sides.
     *
     * @param values   every other differing key path (replicas, retention and receivers are listed on their own), its
     *     sides {@value #SET} or null (absent), never the values themselves
     * @param receiversA receiver names side A routes to ({@code config.receivers[].name} in the rendered values)
     */
    public record ComponentDifference(
            String component,
            String phase,
            boolean enabledA,
            boolean enabledB,
            ChartRef chartA,
            ChartRef chartB,
            List<ValueChange> replicas,
            List<ValueChange> retention,
            List<String> receiversA,
            List<String> receiversB,
            List<ValueChange> values) {
        public ComponentDifference {
            replicas = List.copyOf(replicas);
            retention = List.copyOf(retention);
            receiversA = List.copyOf(receiversA);
            receiversB = List.copyOf(receiversB);
            values = List.copyOf(values);
        }

        public boolean chartDiffers() {
            return !chartA.equals(chartB);
        }

        public boolean receiversDiffer() {
            return !receiversA.equals(receiversB);
        }

        public boolean same() {
            return enabledA == enabledB
                    && !chartDiffers()
                    && replicas.isEmpty()
                    && retention.isEmpty()
                    && !receiversDiffer()
                    && values.isEmpty();
        }
    }

    /** The whole comparison: the profiles' own fields (timeouts, probe deadline...) and every component. */
    public record Result(String nameA, String nameB, List<ValueChange> profile, List<ComponentDifference> components) {
        public Result {
            profile = List.copyOf(profile);
            components = List.copyOf(components);
        }

        public boolean same() {
            return profile.isEmpty() && components.stream().allMatch(ComponentDifference::same);
        }
    }

    /** What a side of a values change shows: the key is set there (its value is not printed). */
    public static final String SET = "set";

    private final PhasePlan phases;
    private final ComponentCatalog catalog;
    private final ValuesRenderer renderer;
    private final String kubeVersion;

    public EnvironmentComparison(
            PhasePlan phases, ComponentCatalog catalog, ValuesRenderer renderer, String kubeVersion) {
        this.phases = Objects.requireNonNull(phases, "phases");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.kubeVersion = Objects.requireNonNull(kubeVersion, "kubeVersion");
    }

    public Result compare(String nameA, BootstrapConfig a, String nameB, BootstrapConfig b) {
        StackTopology topologyA = catalog.topology(a);
        StackTopology topologyB = catalog.topology(b);
        List<ComponentDifference> components = new ArrayList<>();
        for (Phase phase : phases.ordered()) {
            boolean phaseA = phase.enabled(a);
            boolean phaseB = phase.enabled(b);
            Set<String> ids = new LinkedHashSet<>();
            List<String> idsA = phaseA ? phase.components(a) : List.of();
            List<String> idsB = phaseB ? phase.components(b) : List.of();
            ids.addAll(idsA);
            ids.addAll(idsB);
            for (String id : ids) {
                boolean onA = idsA.contains(id);
                boolean onB = idsB.contains(id);
                Map<String, Object> valuesA = onA ? render(id, a, topologyA) : Map.of();
                Map<String, Object> valuesB = onB ? render(id, b, topologyB) : Map.of();
                components.add(difference(id, phase.id(), onA, onB, a, b, valuesA, valuesB));
            }
        }
        return new Result(nameA, nameB, profileChanges(a.profile(), b.profile()), components);
    }

    private Map<String, Object> render(String id, BootstrapConfig config, StackTopology topology) {
        return renderer.render(topology.component(id), config, topology, kubeVersion)
                .values();
    }

    private ComponentDifference difference(
            String id,
            String phase,
            boolean onA,
            boolean onB,
            BootstrapConfig a,
            BootstrapConfig b,
            Map<String, Object> valuesA,
            Map<String, Object> valuesB) {
        ChartRef pinned = catalog.component(id).chart();
        List<ValueChange> replicas = new ArrayList<>();
        List<ValueChange> retention = new ArrayList<>();
        List<ValueChange> other = new ArrayList<>();
        // a component on one side only: its values are not a difference of values but of presence
        List<String> changed = onA && onB ? ValuesPaths.changed(valuesA, valuesB) : List.of();
        for (String path : changed) {
            String last = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (last.equals("replicas") || last.equals("replicacount")) {
                replicas.add(new ValueChange(path, at(valuesA, path), at(valuesB, path)));
            } else if (path.toLowerCase(Locale.ROOT).contains("retention")) {
                retention.add(new ValueChange(path, at(valuesA, path), at(valuesB, path)));
            } else if (!last.equals("receivers") || receivers(valuesA).equals(receivers(valuesB))) {
                // a receiver list whose names match but whose settings differ is a values difference
                other.add(new ValueChange(path, presence(valuesA, path), presence(valuesB, path)));
            }
        }
        return new ComponentDifference(
                id,
                phase,
                onA,
                onB,
                a.charts().getOrDefault(id, pinned),
                b.charts().getOrDefault(id, pinned),
                replicas,
                retention,
                receivers(valuesA),
                receivers(valuesB),
                other);
    }

    private static String presence(Map<?, ?> values, String path) {
        return at(values, path) == null ? null : SET;
    }

    /** The value at a dotted path, or null; a key with a dot in it is looked up whole first. */
    static Object at(Map<?, ?> values, String path) {
        if (values.containsKey(path)) {
            return values.get(path);
        }
        int dot = path.indexOf('.');
        while (dot > 0) {
            String head = path.substring(0, dot);
            if (values.get(head) instanceof Map<?, ?> child) {
                Object found = at(child, path.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
            dot = path.indexOf('.', dot + 1);
        }
        return null;
    }

    /** Names of every receiver list in the values ({@code receivers: [{name: ...}]}, wherever the chart keeps it). */
    static List<String> receivers(Object values) {
        TreeSet<String> names = new TreeSet<>();
        collectReceivers(values, names);
        return List.copyOf(names);
    }

    private static void collectReceivers(Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("receivers".equals(key) && value instanceof List<?> list) {
                    list.stream()
                            .filter(item -> item instanceof Map<?, ?> receiver && receiver.get("name") != null)
                            .forEach(item -> names.add(String.valueOf(((Map<?, ?>) item).get("name"))));
                } else {
                    collectReceivers(value, names);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReceivers(item, names));
        }
    }

    private static List<ValueChange> profileChanges(Profile a, Profile b) {
        List<ValueChange> changes = new ArrayList<>();
        add(changes, "probeDeadline", text(a.probeDeadline()), text(b.probeDeadline()));
        add(changes, "requireMemoryLimits", a.requireMemoryLimits(), b.requireMemoryLimits());
        Set<String> phaseIds = new TreeSet<>(a.phaseTimeouts().keySet());
        phaseIds.addAll(b.phaseTimeouts().keySet());
        for (String phase : phaseIds) {
            add(changes, "timeouts." + phase, text(a.timeoutFor(phase)), text(b.timeoutFor(phase)));
        }
        return changes;
    }

    private static void add(List<ValueChange> changes, String path, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            changes.add(new ValueChange(path, a, b));
        }
    }

    private static String text(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** The result as a document for {@code -o json|yaml}: plain maps and lists, in reading order. */
    public static Map<String, Object> document(Result result) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("a", result.nameA());
        document.put("b", result.nameB());
        document.put("same", result.same());
        document.put("profile", changes(result.profile()));
        List<Map<String, Object>> components = new ArrayList<>();
        for (ComponentDifference difference : result.components()) {
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("component", difference.component());
            component.put("phase", difference.phase());
            component.put("same", difference.same());
            component.put("enabled", pair(difference.enabledA(), difference.enabledB()));
            component.put(
                    "chart",
                    pair(difference.chartA().coordinate(), difference.chartB().coordinate()));
            component.put("replicas", changes(difference.replicas()));
            component.put("retention", changes(difference.retention()));
            component.put("receivers", pair(difference.receiversA(), difference.receiversB()));
            component.put("values", changes(difference.values()));
            components.add(component);
        }
        document.put("components", components);
        return document;
    }

    private static Map<String, Object> pair(Object a, Object b) {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("a", a);
        pair.put("b", b);
        return pair;
    }

    private static List<Map<String, Object>> changes(List<ValueChange> changes) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ValueChange change : changes) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", change.path());
            entry.put("a", change.a());
            entry.put("b", change.b());
            list.add(entry);
        }
        return list;
    }
}
