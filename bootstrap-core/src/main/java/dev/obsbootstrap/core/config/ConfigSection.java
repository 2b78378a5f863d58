package dev.obsbootstrap.core.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A top-level key of the config that a phase owns (the logs phase's {@code logs:}, the alerting phase's
 * {@code alerting:}): the phase reads and checks it, and says what the values templates see of it as
 * {@code config.<key>}. Core reads the section through this interface and knows nothing of what is in it.
 *
 * @param <T> the phase's own settings type
 */
public interface ConfigSection<T> {
    /** The top-level key, like "logs". */
    String key();

    Class<T> type();

    /**
     * Reads the section. {@code section} is empty when the config has no such key: the defaults then. Every problem
     * goes to {@code reader} (file:line:col and key path), never thrown: the loader reports them all at once.
     *
     * @param path the key's path for messages ("logs")
     */
    T read(NodeReader reader, Optional<YamlTree.MapNode> section, String path);

    /**
     * Reads the section for a config of {@code profile}: a section whose defaults differ per profile (a component
     * layout that only the larger profiles choose) takes them from the profile's settings here. The profile plays no
     * part by default.
     */
    default T read(NodeReader reader, Optional<YamlTree.MapNode> section, String path, Profile profile) {
        return read(reader, section, path);
    }

    /** What templates see as {@code config.<key>}: maps, lists, strings, numbers and booleans only; no secret value. */
    Map<String, Object> templateView(T settings);

    /** Choices that work but deserve attention (a deprecated collector), each starting with {@code source}. */
    List<String> warnings(T settings, String source);

    /**
     * Headers every probe request to an endpoint must carry because of these settings (endpoint name -> header ->
     * value), like a tenant header when multi-tenancy is on: probes of any phase that reach that endpoint
     * get them from {@code ProbeContext.headers}, without knowing whose setting it is. None by default.
     */
    default Map<String, Map<String, String>> endpointHeaders(T settings) {
        return Map.of();
    }

    /**
     * Catalog components these settings choose in place of another that serves the same endpoints (a scalable
     * layout of a store instead of its single-binary chart): the topology then takes those endpoints' Services from
     * the catalog's {@code endpointVariants} of the chosen component, so templates and probes keep using the
     * endpoint names. None by default.
     */
    default java.util.Set<String> chosenComponents(T settings) {
        return java.util.Set.of();
    }
}
