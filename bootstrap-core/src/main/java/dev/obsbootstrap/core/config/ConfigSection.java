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
}
