package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.plan.Finding;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every in-cluster address written into the bundle's objects (configs in ConfigMaps, arguments, environment values,
 * custom resources) resolves to a Service the bundle renders, with that port: {@code http://NAME.NS.svc:PORT},
 * {@code NAME.NS.svc.cluster.local:PORT}, a pod of a headless Service ({@code POD.NAME.NS.svc}), or a DNS SRV name
 * ({@code _PORTNAME._tcp.NAME.NS.svc}), whose port name must exist. A URL without a port means 80 (http) or 443
 * (https). A StatefulSet's {@code serviceName} must be a headless Service of the bundle that selects its pods (a
 * warning: the pods run, but get no DNS names). A component that talks to a Service no release creates fails at run
 * time only (connection refused, NXDOMAIN) while every pod looks ready.
 *
 * <p>Only addresses in namespaces the bundle's releases install into are judged: {@code kube-dns.kube-system} or the
 * API server in {@code default} belong to the cluster. Short names without {@code .svc} ({@code NAME:PORT}) are not
 * recognised: they cannot be told from other host:port text. Custom resource definitions are skipped (their
 * descriptions hold example URLs).
 */
final class ServiceReferences {
    private static final String LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
    private static final Pattern ADDRESS = Pattern.compile("(?<![-a-z0-9_])(?:_(?<portName>" + LABEL
            + ")\\._(?<protocol>tcp|udp)\\.)?(?<name>" + LABEL + ")\\.(?<namespace>" + LABEL
            + ")\\.svc(?:\\.[a-z][-a-z0-9]*)*\\.?(?::(?<port>[0-9]{1,5}))?(?![-a-z0-9_.])");

    private ServiceReferences() {}

    static List<Finding> check(BundleObjects bundle) {
        List<Finding> findings = new ArrayList<>();
        for (BundleObjects.Located located : bundle.all()) {
            ManifestObject object = located.object();
            if ("CustomResourceDefinition".equals(object.kind())) {
                continue;
            }
            Set<String> seen = new LinkedHashSet<>();
            walk(object.body(), new ArrayList<>(), (path, text) -> {
                if (!text.contains(".svc")) {
                    return;
                }
                Optional<Map<?, ?>> embedded = embeddedYaml(text);
                if (embedded.isPresent()) {
                    // a YAML config in a ConfigMap: a section switched off ("enabled: false") dials nothing
                    walkEnabled(
                            embedded.get(),
                            new ArrayList<>(),
                            (inner, value) -> addresses(
                                    bundle,
                                    located,
                                    path,
                                    keyPath(path) + " at " + keyPath(inner),
                                    value,
                                    seen,
                                    findings));
                } else {
                    addresses(bundle, located, path, keyPath(path), text, seen, findings);
                }
            });
            if ("StatefulSet".equals(object.kind())) {
                governingService(bundle, located)
                        .ifPresent(problem -> findings.add(Finding.warning(
                                        "service-reference", located.file().path(), located.subject(), problem)
                                .atLine(bundle.line(located, List.of("spec", "serviceName")))));
            }
        }
        return findings;
    }

    /**
     * What keeps a StatefulSet's pods from their DNS names {@code POD.SERVICE.NS.svc}, if anything: Kubernetes
     * publishes them only through the governing Service the StatefulSet names, only when that Service is headless,
     * and only for the pods its selector selects (kubernetes.io docs concepts/workloads/controllers/statefulset.md
     * "Stable Network ID", concepts/services-networking/dns-pod-service.md).
     */
    private static Optional<String> governingService(BundleObjects bundle, BundleObjects.Located statefulSet) {
        ManifestObject object = statefulSet.object();
        String serviceName =
                ManifestObject.text(object.at("spec", "serviceName").orElse(null));
        if (serviceName.isEmpty()) {
            return Optional.empty();
        }
        String namespace = statefulSet.namespace();
        Optional<BundleObjects.Located> found = bundle.find("Service", namespace, serviceName);
        if (found.isEmpty()) {
            return Optional.of(
                    "spec.serviceName: no Service '" + serviceName + "' in namespace " + namespace
                            + " in the bundle, so the pods get no stable DNS names; create it or name an existing headless Service");
        }
        ManifestObject service = found.get().object();
        if (!"None".equals(ManifestObject.text(service.at("spec", "clusterIP").orElse(null)))) {
            return Optional.of(
                    "spec.serviceName: Service " + namespace + "/" + serviceName
                            + " is not headless (no clusterIP: None), so the pods get no stable DNS names; name a headless Service");
        }
        Map<?, ?> selector = service.at("spec", "selector")
                .filter(Map.class::isInstance)
                .map(Map.class::cast)
                .orElse(Map.of());
        Map<?, ?> podLabels = object.at("spec", "template", "metadata", "labels")
                .filter(Map.class::isInstance)
                .map(Map.class::cast)
                .orElse(Map.of());
        boolean selects = !selector.isEmpty()
                && selector.entrySet().stream()
                        .allMatch(entry -> podLabels.containsKey(entry.getKey())
                                && ManifestObject.text(entry.getValue())
                                        .equals(ManifestObject.text(podLabels.get(entry.getKey()))));
        if (!selects) {
            return Optional.of("spec.serviceName: Service " + namespace + "/" + serviceName + " selects "
                    + (selector.isEmpty() ? "no pods (no selector)" : "pods labelled " + selector)
                    + ", which this StatefulSet's pods (labels " + podLabels
                    + ") are not, so they get no stable DNS names; select the pod template's labels");
        }
        return Optional.empty();
    }

    private static void addresses(
            BundleObjects bundle,
            BundleObjects.Located located,
            List<Object> path,
            String where,
            String text,
            Set<String> seen,
            List<Finding> findings) {
        Matcher matcher = ADDRESS.matcher(text);
        while (matcher.find()) {
            String problem = problem(bundle, matcher, scheme(text, matcher.start()));
            if (!problem.isEmpty() && seen.add(matcher.group() + problem)) {
                findings.add(Finding.error(
                                "service-reference",
                                located.file().path(),
                                located.subject(),
                                where + ": '" + matcher.group() + "' " + problem)
                        .atLine(bundle.line(located, path)));
            }
        }
    }

    /** The mapping a multi-line string holds when it is a YAML document (a component's config file), else empty. */
    private static Optional<Map<?, ?>> embeddedYaml(String text) {
        if (!text.contains("\n")) {
            return Optional.empty();
        }
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(64 * 1024 * 1024);
            Object loaded = new Yaml(new SafeConstructor(options)).load(text);
            return loaded instanceof Map<?, ?> map ? Optional.of(map) : Optional.empty();
        } catch (RuntimeException notYaml) {
            return Optional.empty(); // an nginx.conf, a River or Go-template config: read as text
        }
    }

    /** {@link #walk}, leaving out every mapping that says {@code enabled: false}. */
    private static void walkEnabled(Object node, List<Object> path, StringVisitor visitor) {
        if (node instanceof Map<?, ?> map && "false".equals(ManifestObject.text(map.get("enabled")))) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                path.add(String.valueOf(entry.getKey()));
                walkEnabled(entry.getValue(), path, visitor);
                path.remove(path.size() - 1);
            }
        } else if (node instanceof List<?> list) {
            for (int index = 0; index < list.size(); index++) {
                path.add(index);
                walkEnabled(list.get(index), path, visitor);
                path.remove(path.size() - 1);
            }
        } else if (node instanceof String text) {
            visitor.visit(List.copyOf(path), text);
        }
    }

    /** Why this address does not resolve in the bundle, "" when it does or is not the bundle's to judge. */
    private static String problem(BundleObjects bundle, Matcher matcher, String scheme) {
        String namespace = matcher.group("namespace");
        if (!bundle.releaseNamespaces().contains(namespace)) {
            return "";
        }
        String name = matcher.group("name");
        Optional<BundleObjects.Located> service = bundle.find("Service", namespace, name);
        if (service.isEmpty()) {
            return "names Service " + namespace + "/" + name
                    + ", which no release of the bundle creates: the connection fails at run time; point it at a Service the bundle renders or add that Service";
        }
        List<?> ports = service.get()
                .object()
                .at("spec", "ports")
                .filter(List.class::isInstance)
                .map(List.class::cast)
                .orElse(List.of());
        boolean headless = "None"
                .equals(ManifestObject.text(
                        service.get().object().at("spec", "clusterIP").orElse(null)));
        if (matcher.group("portName") != null) {
            String portName = matcher.group("portName");
            String protocol = matcher.group("protocol").toUpperCase(java.util.Locale.ROOT);
            for (Object port : ports) {
                if (port instanceof Map<?, ?> map
                        && portName.equals(ManifestObject.text(map.get("name")))
                        && protocol.equals(protocolOf(map))) {
                    return "";
                }
            }
            return "asks DNS for port '" + portName + "' (" + protocol.toLowerCase(java.util.Locale.ROOT)
                    + ") of Service " + namespace + "/" + name + ", which has " + describe(ports)
                    + ": the SRV lookup finds nothing; use one of its port names";
        }
        String port = matcher.group("port") != null
                ? matcher.group("port")
                : "https".equals(scheme) ? "443" : "http".equals(scheme) ? "80" : "";
        if (port.isEmpty()) {
            return "";
        }
        for (Object entry : ports) {
            if (entry instanceof Map<?, ?> map
                    && (port.equals(ManifestObject.text(map.get("port")))
                            || (headless && port.equals(ManifestObject.text(map.get("targetPort")))))) {
                return "";
            }
        }
        return "uses port " + port + (matcher.group("port") == null ? " (the " + scheme + " default)" : "")
                + " of Service " + namespace + "/" + name + ", which has " + describe(ports)
                + ": the connection fails at run time; use one of its ports";
    }

    private static String protocolOf(Map<?, ?> port) {
        String protocol = ManifestObject.text(port.get("protocol"));
        return protocol.isEmpty() ? "TCP" : protocol;
    }

    private static String describe(List<?> ports) {
        List<String> described = new ArrayList<>();
        for (Object entry : ports) {
            if (entry instanceof Map<?, ?> map) {
                String name = ManifestObject.text(map.get("name"));
                described.add(ManifestObject.text(map.get("port")) + (name.isEmpty() ? "" : " (" + name + ")"));
            }
        }
        return described.isEmpty() ? "no ports" : "ports " + String.join(", ", described);
    }

    /** "http" or "https" when the address follows that scheme's "://", else "". */
    private static String scheme(String text, int start) {
        String before = text.substring(0, start);
        if (before.endsWith("https://")) {
            return "https";
        }
        if (before.endsWith("http://")) {
            return "http";
        }
        return "";
    }

    interface StringVisitor {
        void visit(List<Object> path, String text);
    }

    /** Every string scalar of the tree with its key path (map keys and list indexes). */
    static void walk(Object node, List<Object> path, StringVisitor visitor) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                path.add(String.valueOf(entry.getKey()));
                walk(entry.getValue(), path, visitor);
                path.remove(path.size() - 1);
            }
        } else if (node instanceof List<?> list) {
            for (int index = 0; index < list.size(); index++) {
                path.add(index);
                walk(list.get(index), path, visitor);
                path.remove(path.size() - 1);
            }
        } else if (node instanceof String text) {
            visitor.visit(List.copyOf(path), text);
        }
    }

    /** "data.config\.yaml", "spec.template.spec.containers[0].args[3]". */
    static String keyPath(List<Object> path) {
        StringBuilder out = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(String.valueOf(step).replace(".", "\\."));
            }
        }
        return out.toString();
    }
}
