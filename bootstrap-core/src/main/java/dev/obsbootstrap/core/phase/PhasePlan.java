package dev.obsbootstrap.core.phase;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The phases in dependency order, checked before anything touches a cluster: duplicate ids, unknown
 * dependencies and cycles are bad input. {@code up} and {@code plan} walk {@link #ordered()}, {@code down} walks {@link #reversed()}.
 */
public final class PhasePlan {
    private final List<Phase> ordered;

    private PhasePlan(List<Phase> ordered) {
        this.ordered = List.copyOf(ordered);
    }

    public static PhasePlan of(Collection<? extends Phase> phases) {
        Map<String, Phase> byId = new LinkedHashMap<>();
        for (Phase phase : phases) {
            Phase previous = byId.putIfAbsent(phase.id(), phase);
            if (previous != null) {
                throw new ConfigException("two phases share the id '" + phase.id() + "': "
                        + previous.getClass().getName() + " and "
                        + phase.getClass().getName()
                        + "; remove one of them from META-INF/services/" + Phase.class.getName());
            }
        }
        for (Phase phase : byId.values()) {
            for (String dependency : phase.dependsOn()) {
                if (!byId.containsKey(dependency)) {
                    throw new ConfigException("phase '" + phase.id() + "' depends on unknown phase '" + dependency
                            + "' (known: " + byId.keySet() + ")");
                }
            }
        }
        // Depth-first topological sort; ties broken by id so the order is stable whatever ServiceLoader returns.
        List<Phase> sorted = new ArrayList<>();
        Map<String, Mark> marks = new HashMap<>();
        List<Phase> roots = new ArrayList<>(byId.values());
        roots.sort(Comparator.comparing(Phase::id));
        for (Phase phase : roots) {
            visit(phase, byId, marks, sorted, new ArrayList<>());
        }
        return new PhasePlan(sorted);
    }

    private enum Mark {
        VISITING,
        DONE
    }

    private static void visit(
            Phase phase, Map<String, Phase> byId, Map<String, Mark> marks, List<Phase> sorted, List<String> path) {
        Mark mark = marks.get(phase.id());
        if (mark == Mark.DONE) {
            return;
        }
        path.add(phase.id());
        if (mark == Mark.VISITING) {
            throw new ConfigException("phases depend on each other in a cycle: " + String.join(" -> ", path));
        }
        marks.put(phase.id(), Mark.VISITING);
        List<String> dependencies = new ArrayList<>(phase.dependsOn());
        dependencies.sort(Comparator.naturalOrder());
        for (String dependency : dependencies) {
            visit(byId.get(dependency), byId, marks, sorted, path);
        }
        marks.put(phase.id(), Mark.DONE);
        path.remove(path.size() - 1);
        sorted.add(phase);
    }

    public List<Phase> ordered() {
        return ordered;
    }

    public List<Phase> reversed() {
        List<Phase> reversed = new ArrayList<>(ordered);
        java.util.Collections.reverse(reversed);
        return List.copyOf(reversed);
    }

    /** What these phases bring to the config: their ids and the top-level sections they own. */
    public dev.obsbootstrap.core.config.ConfigSchema configSchema() {
        List<dev.obsbootstrap.core.config.ConfigSection<?>> sections = new ArrayList<>();
        ordered.forEach(phase -> phase.configSection().ifPresent(sections::add));
        return new dev.obsbootstrap.core.config.ConfigSchema(ids(), sections);
    }

    /** Every phase's config checkers, once per tool, in plan order. */
    public List<dev.obsbootstrap.core.manifest.ConfigChecker> configCheckers() {
        Map<String, dev.obsbootstrap.core.manifest.ConfigChecker> byTool = new LinkedHashMap<>();
        ordered.forEach(
                phase -> phase.configCheckers().forEach(checker -> byTool.putIfAbsent(checker.tool(), checker)));
        return List.copyOf(byTool.values());
    }

    public List<String> ids() {
        return ordered.stream().map(Phase::id).toList();
    }

    public Phase phase(String id) {
        return phase(id, "");
    }

    /** The phase named by {@code option} (--from, --only, --phase; "" when none): an unknown name is bad input with a suggestion. */
    public Phase phase(String id, String option) {
        return ordered.stream()
                .filter(p -> p.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        (option.isEmpty() ? "" : option + " " + id + ": ") + "unknown phase '" + id + "'; "
                                + dev.obsbootstrap.core.config.DidYouMean.closest(id, ids())
                                        .map(m -> "did you mean '" + m + "'? ")
                                        .orElse("")
                                + "known: " + String.join(", ", ids())));
    }
}
