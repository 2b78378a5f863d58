package dev.obsbootstrap.chartsvalues;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a rendered chart must satisfy before obs-bootstrap may install it, checked on `helm template` output. Each
 * check returns human-readable problems ("Deployment/obs-grafana container grafana: no memory limit"); empty means ok.
 */
final class ManifestChecks {
    private static final Set<String> POD_OWNERS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");
    /** Values under these keys in a Secret are credentials whatever they look like. */
    private static final Pattern CREDENTIAL_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret[_-]?access|api[_-]?key|api[_-]?url|routing[_-]?key|token|private[_-]?key|auth[_-]?password).*");
    /** Text that is a credential wherever it appears. */
    private static final List<Pattern> CREDENTIAL_TEXT = List.of(
            Pattern.compile("hooks\\.slack\\.com/services/"),
            Pattern.compile("AKIA[0-9A-Z]{16}"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("xox[abpr]-[0-9A-Za-z-]+"),
            Pattern.compile(
                    "(?im)^\\s*(password|auth_password|secret_access_key|routing_key|api_url|service_key)\\s*:\\s*['\"]?(?!\\$\\{)[^\\s'\"]+"));

    private ManifestChecks() {}

    /** Parses a multi-document manifest stream; a document that is not a Kubernetes object is a problem. */
    static List<Map<String, Object>> parse(String manifests, List<String> problems) {
        List<Map<String, Object>> objects = new ArrayList<>();
        int index = 0;
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(manifests)) {
            index++;
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                problems.add("document " + index + " is not a mapping");
                continue;
            }
            Map<String, Object> object = StackFixture.map(document);
            if (!(object.get("kind") instanceof String)
                    || !(object.get("apiVersion") instanceof String)
                    || !(StackFixture.map(object.get("metadata")).get("name") instanceof String)) {
                problems.add("document " + index + " has no apiVersion, kind and metadata.name");
                continue;
            }
            objects.add(object);
        }
        return objects;
    }

    static String id(Map<String, Object> object) {
        return object.get("kind") + "/"
                + StackFixture.map(object.get("metadata")).get("name");
    }

    /** Every image reference anywhere (pod specs, custom resources like Prometheus) carries an explicit, non-latest tag or a digest. */
    /** Every {@code image:} of the objects that does not start with {@code registry/} (cluster.imageRegistry). */
    static List<String> imagesOutside(List<Map<String, Object>> objects, String registry) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            walk(object, "", (path, key, value) -> {
                if ("image".equals(key) && value instanceof String image && !image.startsWith(registry + "/")) {
                    problems.add(id(object) + " " + path + ": image '" + image + "' is not pulled from " + registry);
                }
            });
        }
        return problems;
    }

    static List<String> unpinnedImages(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            walk(object, "", (path, key, value) -> {
                if ("image".equals(key) && value instanceof String image && !isPinned(image)) {
                    problems.add(id(object) + " " + path + ": image '" + image + "' has no pinned tag");
                }
            });
        }
        return problems;
    }

    /**
     * The templates pin image tags that the chart would derive from its appVersion; when a chart is bumped without
     * them, no rendered image carries the chart's appVersion any more. Charts without images (CRDs only) pass.
     */
    static List<String> appVersionNotDeployed(List<Map<String, Object>> objects, String appVersion) {
        List<String> images = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            walk(object, "", (path, key, value) -> {
                if ("image".equals(key) && value instanceof String image) {
                    images.add(image);
                }
            });
        }
        String bare = appVersion.startsWith("v") ? appVersion.substring(1) : appVersion;
        for (String image : images) {
            String tag = tagOf(image);
            if (tag.equals(bare)
                    || tag.equals("v" + bare)
                    || tag.startsWith(bare + "-")
                    || tag.startsWith("v" + bare + "-")) {
                return List.of();
            }
        }
        return images.isEmpty()
                ? List.of()
                : List.of("no image runs the chart's appVersion " + appVersion + " (images: " + images
                        + "): bump the tags pinned in the values template with the chart");
    }

    private static String tagOf(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String lastSegment = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        return colon < 0 ? "" : lastSegment.substring(colon + 1);
    }

    static boolean isPinned(String image) {
        if (image.contains("@sha256:")) {
            return true;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = lastSegment.substring(colon + 1);
        return !tag.isBlank() && !tag.equals("latest");
    }

    /** Every container and init container requests and limits memory; so does a Prometheus custom resource. */
    static List<String> missingMemory(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            String kind = (String) object.get("kind");
            Map<String, Object> spec = StackFixture.map(object.get("spec"));
            Map<String, Object> podSpec = null;
            if (POD_OWNERS.contains(kind)) {
                podSpec =
                        StackFixture.map(StackFixture.map(spec.get("template")).get("spec"));
            } else if ("CronJob".equals(kind)) {
                podSpec = StackFixture.map(StackFixture.map(StackFixture.map(StackFixture.map(spec.get("jobTemplate"))
                                        .get("spec"))
                                .get("template"))
                        .get("spec"));
            } else if ("Pod".equals(kind)) {
                podSpec = spec;
            } else if ("Prometheus".equals(kind) || "Alertmanager".equals(kind)) {
                checkMemory(id(object) + " spec", StackFixture.map(spec.get("resources")), problems);
            }
            if (podSpec == null) {
                continue;
            }
            for (String list : List.of("initContainers", "containers")) {
                for (Object entry : podSpec.get(list) instanceof List<?> containers ? containers : List.of()) {
                    Map<String, Object> container = StackFixture.map(entry);
                    checkMemory(
                            id(object) + " " + list + "/" + container.get("name"),
                            StackFixture.map(container.get("resources")),
                            problems);
                }
            }
        }
        return problems;
    }

    private static void checkMemory(String where, Map<String, Object> resources, List<String> problems) {
        if (StackFixture.map(resources.get("requests")).get("memory") == null) {
            problems.add(where + ": no memory request");
        }
        if (StackFixture.map(resources.get("limits")).get("memory") == null) {
            problems.add(where + ": no memory limit");
        }
    }

    /** Secrets may carry configuration, never a credential: no credential-named key, no credential-looking text. */
    /**
     * plan's rule (StaticChecks, finding secret-in-bundle): a bundle carries no Secret with data, whatever the data,
     * because the bundle is a file a reviewer reads and a pipeline stores; the stack's Secrets are created outside it.
     */
    static List<String> secretsWithData(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            if ("Secret".equals(object.get("kind"))
                    && (!StackFixture.map(object.get("data")).isEmpty()
                            || !StackFixture.map(object.get("stringData")).isEmpty())) {
                problems.add(id(object) + " carries secret data, which plan refuses in a bundle");
            }
        }
        return problems;
    }

    static List<String> credentialsInSecrets(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            if (!"Secret".equals(object.get("kind"))) {
                continue;
            }
            StackFixture.map(object.get("data"))
                    .forEach((key, value) -> checkSecretEntry(
                            object,
                            key,
                            new String(Base64.getMimeDecoder().decode(String.valueOf(value)), StandardCharsets.UTF_8),
                            problems));
            StackFixture.map(object.get("stringData"))
                    .forEach((key, value) -> checkSecretEntry(object, key, String.valueOf(value), problems));
        }
        return problems;
    }

    private static void checkSecretEntry(Map<String, Object> secret, String key, String text, List<String> problems) {
        if (CREDENTIAL_KEY.matcher(key).matches() && !text.isBlank()) {
            problems.add(id(secret) + " key " + key + " holds a credential");
        }
        for (Pattern pattern : CREDENTIAL_TEXT) {
            if (pattern.matcher(text).find()) {
                problems.add(id(secret) + " key " + key + " contains something that looks like a credential (" + pattern
                        + ")");
            }
        }
    }

    /** Helm hooks (test pods, pre-install Jobs) never run where obs-bootstrap installs, and must not be rendered. */
    static List<String> helmHooks(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            Map<String, Object> annotations =
                    StackFixture.map(StackFixture.map(object.get("metadata")).get("annotations"));
            annotations.forEach((key, value) -> {
                if (key.startsWith("helm.sh/hook")) {
                    problems.add(id(object) + " is a Helm hook (" + key + ": " + value + ")");
                }
            });
        }
        return problems;
    }

    /** The Service an endpoint of the catalog names exists and exposes the endpoint's port. */
    static List<String> missingService(List<Map<String, Object>> objects, String service, int port) {
        for (Map<String, Object> object : objects) {
            if ("Service".equals(object.get("kind"))
                    && service.equals(StackFixture.map(object.get("metadata")).get("name"))) {
                for (Object entry : StackFixture.map(object.get("spec")).get("ports") instanceof List<?> ports
                        ? ports
                        : List.of()) {
                    if (Integer.valueOf(port).equals(StackFixture.map(entry).get("port"))) {
                        return List.of();
                    }
                }
                return List.of("Service/" + service + " does not expose port " + port);
            }
        }
        return List.of("no Service named " + service);
    }

    interface Visitor {
        void visit(String path, String key, Object value);
    }

    static void walk(Object node, String path, Visitor visitor) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                String childPath = path + "." + key;
                visitor.visit(childPath, String.valueOf(key), value);
                walk(value, childPath, visitor);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", visitor);
            }
        }
    }
}
