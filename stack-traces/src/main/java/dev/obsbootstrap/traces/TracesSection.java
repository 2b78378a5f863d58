package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.DidYouMean;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.traces.TracesSettings.TempoLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code traces:} section of the config, which the traces phase owns: {@code tempo: monolithic|distributed}.
 * Without it the profile decides (its setting {@code tempo.layout}: prod runs distributed, the others monolithic),
 * the way {@code logs.collector} picks the log collector's chart.
 */
public final class TracesSection implements ConfigSection<TracesSettings> {
    public static final String KEY = "traces";
    private static final List<String> KEYS = List.of("tempo");
    private static final List<String> LAYOUTS =
            Arrays.stream(TempoLayout.values()).map(TempoLayout::configName).toList();

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<TracesSettings> type() {
        return TracesSettings.class;
    }

    /** Without a profile (a config read on its own): monolithic unless the config says otherwise. */
    @Override
    public TracesSettings read(NodeReader reader, Optional<MapNode> traces, String path) {
        return new TracesSettings(chosen(reader, traces, path).orElse(TempoLayout.MONOLITHIC));
    }

    /**
     * The config's choice, else the profile's. Distributed Tempo needs object storage: its ingesters flush blocks that
     * the queriers and the compactor, in other pods, must read, so a profile that keeps traces on a local volume
     * (dev, ci) cannot run it.
     */
    @Override
    public TracesSettings read(NodeReader reader, Optional<MapNode> traces, String path, Profile profile) {
        Optional<TempoLayout> chosen = chosen(reader, traces, path);
        if (chosen.isPresent() && chosen.get() == TempoLayout.DISTRIBUTED && !objectStorage(profile)) {
            reader.problem(
                    traces.flatMap(map -> reader.field(map, "tempo")).orElseThrow(),
                    path + ".tempo",
                    "distributed Tempo needs object storage, and profile " + profile.name()
                            + " keeps traces on a local volume (settings.tempo.storage.type: local); use a profile"
                            + " with object storage (staging, prod) or traces.tempo: monolithic");
            return new TracesSettings(TempoLayout.MONOLITHIC);
        }
        return new TracesSettings(chosen.orElseGet(() -> profileDefault(profile)));
    }

    private static boolean objectStorage(Profile profile) {
        return profile.settings().get("tempo") instanceof Map<?, ?> tempo
                && tempo.get("storage") instanceof Map<?, ?> storage
                && storage.get("type") != null
                && !"local".equals(storage.get("type"));
    }

    private static Optional<TempoLayout> chosen(NodeReader reader, Optional<MapNode> traces, String path) {
        traces.ifPresent(map -> reader.allowOnly(map, path, KEYS));
        Optional<Node> node = traces.flatMap(map -> reader.field(map, "tempo"));
        Optional<String> name = node.flatMap(n -> reader.asString(n, path + ".tempo"));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<TempoLayout> layout = layout(name.get());
        if (layout.isEmpty()) {
            reader.problem(node.get(), path + ".tempo", unknown(name.get()));
        }
        return layout;
    }

    /**
     * The profile's {@code settings.tempo.layout} (settings/tempo.yaml gives one for every built-in profile; a user
     * profile inherits its base's). A profile without one stays monolithic.
     */
    static TempoLayout profileDefault(Profile profile) {
        if (!(profile.settings().get("tempo") instanceof Map<?, ?> tempo) || tempo.get("layout") == null) {
            return TempoLayout.MONOLITHIC;
        }
        String name = String.valueOf(tempo.get("layout"));
        return layout(name)
                .orElseThrow(() ->
                        new ConfigException("profile " + profile.name() + ": settings.tempo.layout: " + unknown(name)));
    }

    private static Optional<TempoLayout> layout(String name) {
        return Arrays.stream(TempoLayout.values())
                .filter(layout -> layout.configName().equals(name))
                .findFirst();
    }

    private static String unknown(String name) {
        return "unknown Tempo layout '" + NodeReader.echo(name) + "'; " + DidYouMean.hint(name, LAYOUTS)
                + " (monolithic: one Tempo binary; distributed: the tempo-distributed chart on object storage)";
    }

    /** config.traces.tempo: the layout's name. */
    @Override
    public Map<String, Object> templateView(TracesSettings traces) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tempo", traces.tempo().configName());
        return view;
    }

    @Override
    public List<String> warnings(TracesSettings traces, String source) {
        return List.of();
    }

    /** Distributed Tempo serves the tempo endpoints from its own Services (catalog endpointVariants). */
    @Override
    public Set<String> chosenComponents(TracesSettings traces) {
        return traces.tempo() == TempoLayout.DISTRIBUTED ? Set.of(traces.tempo().componentId()) : Set.of();
    }
}
