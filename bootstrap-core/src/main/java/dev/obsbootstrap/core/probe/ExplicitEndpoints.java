package dev.obsbootstrap.core.probe;

import dev.obsbootstrap.core.console.Redaction;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import okhttp3.HttpUrl;

/** Parses {@code --endpoint NAME=URL} options: NAME is a topology endpoint name, URL an http(s) base URL. */
public final class ExplicitEndpoints {
    private ExplicitEndpoints() {}

    /**
     * @param specs      the option values, in command-line order
     * @param knownNames the endpoint names the topology defines ({@code topology.endpoints().keySet()})
     * @return endpoint name -> base URL, in the order given
     * @throws ConfigException naming the bad option text and the known names
     */
    public static Map<String, HttpUrl> parse(List<String> specs, Collection<String> knownNames) {
        TreeSet<String> known = new TreeSet<>(knownNames);
        Map<String, HttpUrl> endpoints = new LinkedHashMap<>();
        for (String spec : specs) {
            int equals = spec.indexOf('=');
            if (equals <= 0 || equals == spec.length() - 1) {
                throw new ConfigException(
                        "--endpoint '" + spec + "': write it as NAME=URL, for example NAME=http://localhost:9090"
                                + " (names: " + String.join(", ", known) + ")");
            }
            String name = spec.substring(0, equals).trim();
            String url = spec.substring(equals + 1).trim();
            if (!known.contains(name)) {
                throw new ConfigException("--endpoint '" + spec + "': unknown endpoint name '" + name + "' (names: "
                        + String.join(", ", known) + ")");
            }
            HttpUrl parsed = HttpUrl.parse(url);
            if (parsed == null) {
                throw new ConfigException("--endpoint '" + spec + "': '" + url + "' is not an http:// or https:// URL");
            }
            if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
                throw new ConfigException("--endpoint '" + spec.replace(parsed.password(), Redaction.REDACTED)
                        + "': put no credentials in the URL; they come from OBS_<NAME>_USER and OBS_<NAME>_PASSWORD");
            }
            if (endpoints.putIfAbsent(name, parsed) != null) {
                throw new ConfigException("--endpoint '" + spec + "': endpoint '" + name + "' is given twice");
            }
        }
        return Collections.unmodifiableMap(endpoints);
    }
}
