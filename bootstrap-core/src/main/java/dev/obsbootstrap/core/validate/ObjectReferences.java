package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every Secret, ConfigMap and ServiceAccount a workload refers to exists when its pods start: rendered by the bundle,
 * or (Secrets) declared as a {@link StackSecret}, which {@code up} and install.sh create or check before the first
 * release. Looked at: volumes ({@code secret}, {@code configMap}, {@code projected} sources), {@code envFrom},
 * {@code env[].valueFrom} key references (the key must exist too where the bundle knows the keys),
 * {@code imagePullSecrets}, {@code serviceAccountName}, and for custom resources an operator turns into pods
 * ({@code operatorResources}) {@code spec.secrets} and {@code spec.configMaps}. A reference marked
 * {@code optional: true} is not required. A missing one leaves the pod in {@code CreateContainerConfigError} or
 * {@code ContainerCreating} and Helm's wait times out, after every earlier release was written.
 */
final class ObjectReferences {
    private final Map<String, StackSecret> declared;
    private final Set<String> operatorResources;

    /**
     * @param declared          the Secrets the phases declare ({@code namespace/name})
     * @param operatorResources {@code group/Kind} of custom resources whose pods an operator creates
     */
    ObjectReferences(Collection<StackSecret> declared, Collection<String> operatorResources) {
        this.declared = new java.util.HashMap<>();
        declared.forEach(secret -> this.declared.put(secret.namespace() + "/" + secret.name(), secret));
        this.operatorResources = Set.copyOf(operatorResources);
    }

    private record Reference(String kind, String name, String key, List<Object> path) {}

    List<Finding> check(BundleObjects bundle) {
        List<Finding> findings = new ArrayList<>();
        for (BundleObjects.Located located : bundle.all()) {
            for (Reference reference : references(located.object())) {
                String problem = problem(bundle, located.namespace(), reference);
                if (!problem.isEmpty()) {
                    findings.add(Finding.error(
                                    "object-reference",
                                    located.file().path(),
                                    located.subject(),
                                    ServiceReferences.keyPath(reference.path()) + ": " + problem)
                            .atLine(bundle.line(located, reference.path())));
                }
            }
        }
        return findings;
    }

    private String problem(BundleObjects bundle, String namespace, Reference reference) {
        String what = reference.kind() + " " + namespace + "/" + reference.name();
        Optional<BundleObjects.Located> rendered = bundle.find(reference.kind(), namespace, reference.name());
        StackSecret secret =
                "Secret".equals(reference.kind()) ? declared.get(namespace + "/" + reference.name()) : null;
        if (rendered.isEmpty() && secret == null) {
            return "needs " + what + ", which the bundle neither renders nor declares (install.sh and up would not "
                    + "create or check it): the pods cannot start; render it, declare it as a Secret the phase "
                    + "creates or checks, or mark the reference optional";
        }
        if (reference.key().isEmpty()) {
            return "";
        }
        Set<String> keys = new TreeSet<>();
        if (secret != null) {
            secret.keys().forEach(key -> keys.add(key.key()));
        } else {
            for (String field : List.of("data", "binaryData", "stringData")) {
                rendered.get()
                        .object()
                        .at(field)
                        .filter(Map.class::isInstance)
                        .map(Map.class::cast)
                        .ifPresent(map -> map.keySet().forEach(key -> keys.add(String.valueOf(key))));
            }
            if ("Secret".equals(reference.kind()) && keys.isEmpty()) {
                return ""; // a Secret rendered without data is filled in later (by a controller): its keys are unknown
            }
        }
        return keys.contains(reference.key())
                ? ""
                : "needs key '" + reference.key() + "' of " + what + ", which has "
                        + (keys.isEmpty() ? "no keys" : "keys " + String.join(", ", keys))
                        + ": the container cannot start; use one of those keys or add it";
    }

    private List<Reference> references(ManifestObject object) {
        List<Reference> references = new ArrayList<>();
        Optional<Map<?, ?>> pod = object.podSpec();
        if (pod.isPresent()) {
            List<Object> base = podPath(object);
            Map<?, ?> spec = pod.get();
            String account = ManifestObject.text(spec.get("serviceAccountName"));
            if (!account.isEmpty() && !"default".equals(account)) {
                references.add(new Reference("ServiceAccount", account, "", with(base, "serviceAccountName")));
            }
            forEach(
                    spec.get("imagePullSecrets"),
                    (index, entry) -> references.add(new Reference(
                            "Secret",
                            ManifestObject.text(entry.get("name")),
                            "",
                            with(base, "imagePullSecrets", index))));
            forEach(spec.get("volumes"), (index, volume) -> {
                List<Object> path = with(base, "volumes", index);
                required(volume.get("secret"), "secretName")
                        .ifPresent(name -> references.add(new Reference("Secret", name, "", with(path, "secret"))));
                required(volume.get("configMap"), "name")
                        .ifPresent(
                                name -> references.add(new Reference("ConfigMap", name, "", with(path, "configMap"))));
                if (volume.get("projected") instanceof Map<?, ?> projected) {
                    forEach(projected.get("sources"), (source, entry) -> {
                        List<Object> at = with(path, "projected", "sources", source);
                        required(entry.get("secret"), "name")
                                .ifPresent(
                                        name -> references.add(new Reference("Secret", name, "", with(at, "secret"))));
                        required(entry.get("configMap"), "name")
                                .ifPresent(name ->
                                        references.add(new Reference("ConfigMap", name, "", with(at, "configMap"))));
                    });
                }
            });
            for (String list : List.of("initContainers", "containers")) {
                forEach(spec.get(list), (index, container) -> {
                    List<Object> path = with(base, list, index);
                    forEach(container.get("envFrom"), (from, entry) -> {
                        required(entry.get("secretRef"), "name")
                                .ifPresent(name -> references.add(
                                        new Reference("Secret", name, "", with(path, "envFrom", from, "secretRef"))));
                        required(entry.get("configMapRef"), "name")
                                .ifPresent(name -> references.add(new Reference(
                                        "ConfigMap", name, "", with(path, "envFrom", from, "configMapRef"))));
                    });
                    forEach(container.get("env"), (envIndex, env) -> {
                        if (env.get("valueFrom") instanceof Map<?, ?> valueFrom) {
                            List<Object> at = with(path, "env", envIndex, "valueFrom");
                            keyReference(valueFrom.get("secretKeyRef"), "Secret", with(at, "secretKeyRef"))
                                    .ifPresent(references::add);
                            keyReference(valueFrom.get("configMapKeyRef"), "ConfigMap", with(at, "configMapKeyRef"))
                                    .ifPresent(references::add);
                        }
                    });
                });
            }
        }
        String groupKind = group(object.apiVersion()) + "/" + object.kind();
        if (operatorResources.contains(groupKind)) {
            for (String[] field : new String[][] {{"secrets", "Secret"}, {"configMaps", "ConfigMap"}}) {
                if (object.at("spec", field[0]).orElse(null) instanceof List<?> names) {
                    for (int index = 0; index < names.size(); index++) {
                        String name = ManifestObject.text(names.get(index));
                        if (!name.isEmpty()) {
                            references.add(new Reference(field[1], name, "", List.of("spec", field[0], index)));
                        }
                    }
                }
            }
        }
        return references;
    }

    private static Optional<Reference> keyReference(Object ref, String kind, List<Object> path) {
        return required(ref, "name")
                .map(name -> new Reference(kind, name, ManifestObject.text(((Map<?, ?>) ref).get("key")), path));
    }

    /** The name a reference gives under {@code field}, unless it is absent or {@code optional: true}. */
    private static Optional<String> required(Object ref, String field) {
        if (!(ref instanceof Map<?, ?> map) || "true".equals(ManifestObject.text(map.get("optional")))) {
            return Optional.empty();
        }
        String name = ManifestObject.text(map.get(field));
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    private interface EntryVisitor {
        void visit(int index, Map<?, ?> entry);
    }

    private static void forEach(Object list, EntryVisitor visitor) {
        if (list instanceof List<?> entries) {
            for (int index = 0; index < entries.size(); index++) {
                if (entries.get(index) instanceof Map<?, ?> entry) {
                    visitor.visit(index, entry);
                }
            }
        }
    }

    private static List<Object> podPath(ManifestObject object) {
        return switch (object.kind()) {
            case "Pod" -> List.of("spec");
            case "CronJob" -> List.of("spec", "jobTemplate", "spec", "template", "spec");
            default -> List.of("spec", "template", "spec");
        };
    }

    private static List<Object> with(List<Object> base, Object... steps) {
        List<Object> path = new ArrayList<>(base);
        path.addAll(List.of(steps));
        return path;
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
