package dev.obsbootstrap.core.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request path of the Kubernetes REST API taken apart:
 * {@code /api/v1/namespaces/obs/pods/web-0/log?container=app} -> group "", version v1, namespace obs, plural pods,
 * name web-0, subresource log, query {container=app}. Non-resource paths (/version, /openapi/v3, ...) parse with an
 * empty plural.
 */
record ApiPath(
        String raw,
        String path,
        Map<String, String> query,
        String group,
        String version,
        String namespace,
        String plural,
        String name,
        String subresource) {

    static ApiPath parse(String requestPath) {
        int q = requestPath.indexOf('?');
        String path = q < 0 ? requestPath : requestPath.substring(0, q);
        Map<String, String> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : requestPath.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                query.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        int i;
        String group;
        String version;
        if (parts.length >= 2 && parts[0].equals("api")) {
            group = "";
            version = parts[1];
            i = 2;
        } else if (parts.length >= 3 && parts[0].equals("apis")) {
            group = parts[1];
            version = parts[2];
            i = 3;
        } else {
            return new ApiPath(requestPath, path, query, "", "", "", "", "", "");
        }
        String namespace = "";
        // /namespaces/<ns>/<plural>... is a namespaced resource; /namespaces/<name>[/status|/finalize] is a Namespace
        if (parts.length > i + 2 && parts[i].equals("namespaces") && !isNamespaceSubresource(parts[i + 2])) {
            namespace = parts[i + 1];
            i += 2;
        }
        String plural = parts.length > i ? parts[i] : "";
        String name = parts.length > i + 1 ? parts[i + 1] : "";
        String subresource = parts.length > i + 2 ? parts[i + 2] : "";
        return new ApiPath(requestPath, path, Map.copyOf(query), group, version, namespace, plural, name, subresource);
    }

    boolean isResource() {
        return !plural.isEmpty();
    }

    boolean isCollection() {
        return isResource() && name.isEmpty();
    }

    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    Optional<String> param(String key) {
        return Optional.ofNullable(query.get(key));
    }

    /** The collection this object path belongs to (for create), without query. */
    String collectionPath() {
        StringBuilder out = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        if (!namespace.isEmpty()) {
            out.append("/namespaces/").append(namespace);
        }
        return out.append('/').append(plural).toString();
    }

    /** The object itself, without subresource and query. */
    String objectPath() {
        return collectionPath() + "/" + name;
    }

    private static boolean isNamespaceSubresource(String segment) {
        return segment.equals("status") || segment.equals("finalize");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
