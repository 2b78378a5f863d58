package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.cluster.KubeErrors;
import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.probe.ProbeResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every object of a bundle sent to the target cluster with {@code dryRun=All} ({@code kubectl apply --dry-run=server}):
 * the cluster's own API server, admission webhooks and quotas judge it, and nothing is stored. A create that finds
 * the object already there is sent again as an update, as an apply would be.
 *
 * <p>What a dry run cannot judge is reported as such, not as a failure: a custom resource whose CRD the bundle
 * brings but the cluster does not have yet, and namespaced objects of a namespace that does not exist yet.
 */
public final class ServerDryRun {
    /** One object's verdict. {@code checked} is false when the dry run could not judge it (see {@code message}). */
    public record Verdict(String file, String subject, boolean checked, boolean accepted, String message) {
        public Verdict {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(message, "message");
        }
    }

    private final KubernetesClient client;

    public ServerDryRun(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    public List<Verdict> run(List<ManifestFile> files) {
        List<ManifestObject> all = new ArrayList<>();
        Map<ManifestObject, ManifestFile> fileOf = new java.util.IdentityHashMap<>();
        for (ManifestFile file : files) {
            for (ManifestObject object : file.parsed().objects()) {
                all.add(object);
                fileOf.put(object, file);
            }
        }
        CrdSchemas bundleCrds = CrdSchemas.of(all);
        Map<String, Boolean> namespaces = new HashMap<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (ManifestObject object : all) {
            ManifestFile file = fileOf.get(object);
            String subject = object.describe(file.releaseNamespace());
            String namespace = object.clusterScoped()
                    ? ""
                    : object.namespace().isEmpty() ? file.releaseNamespace() : object.namespace();
            if (!namespace.isEmpty() && !namespaces.computeIfAbsent(namespace, this::namespaceExists)) {
                verdicts.add(new Verdict(
                        file.path(),
                        subject,
                        false,
                        false,
                        "namespace " + namespace
                                + " does not exist on this cluster yet, and a dry run cannot create it"));
                continue;
            }
            verdicts.add(dryRun(file.path(), subject, object, namespace, bundleCrds));
        }
        return verdicts;
    }

    private boolean namespaceExists(String namespace) {
        return client.namespaces().withName(namespace).get() != null;
    }

    private Verdict dryRun(
            String file, String subject, ManifestObject object, String namespace, CrdSchemas bundleCrds) {
        GenericKubernetesResource resource = Serialization.jsonMapper()
                .convertValue(JsonSchemaCheck.withoutNulls(object.body()), GenericKubernetesResource.class);
        try {
            try {
                (namespace.isEmpty()
                                ? client.resource(resource)
                                : client.resource(resource).inNamespace(namespace))
                        .dryRun()
                        .create();
            } catch (KubernetesClientException created) {
                if (created.getCode() != 409) {
                    throw created;
                }
                (namespace.isEmpty()
                                ? client.resource(resource)
                                : client.resource(resource).inNamespace(namespace))
                        .dryRun()
                        .update();
            }
            return new Verdict(file, subject, true, true, "accepted");
        } catch (KubernetesClientException refused) {
            if (refused.getCode() == 404 && bundleCrds.defines(object.apiVersion(), object.kind())) {
                return new Verdict(
                        file,
                        subject,
                        false,
                        false,
                        object.apiVersion() + " " + object.kind()
                                + " is not served yet: its CustomResourceDefinition comes with this bundle (the static CRD-schema check covered it)");
            }
            return new Verdict(file, subject, true, false, KubeErrors.describe(client, refused));
        } catch (RuntimeException unexpected) {
            return new Verdict(file, subject, true, false, String.valueOf(unexpected.getMessage()));
        }
    }

    /** The dry run as the cluster path's results: one per object refused, one summary of what passed and what could not be judged. */
    public static List<ProbeResult> results(List<Verdict> verdicts, String phase, Duration took) {
        List<ProbeResult> results = new ArrayList<>();
        long accepted = verdicts.stream().filter(Verdict::accepted).count();
        List<Verdict> unchecked = verdicts.stream().filter(v -> !v.checked()).toList();
        for (Verdict verdict : verdicts) {
            if (verdict.checked() && !verdict.accepted()) {
                results.add(
                        new ProbeResult(
                                phase,
                                "dry-run " + verdict.subject(),
                                "the cluster accepts " + verdict.subject() + " (" + verdict.file() + ")",
                                false,
                                1,
                                Duration.ZERO,
                                "",
                                verdict.message(),
                                "the cluster's API server or an admission webhook refused it: fix the values that produce it, or the cluster policy"));
            }
        }
        StringBuilder observed =
                new StringBuilder(accepted + " of " + verdicts.size() + " objects accepted with --dry-run=server");
        unchecked.forEach(v -> observed.append("\nnot judged: ")
                .append(v.subject())
                .append(": ")
                .append(v.message()));
        results.add(
                0,
                new ProbeResult(
                        phase,
                        "server-dry-run",
                        "the target cluster's API server and admission accept every object",
                        verdicts.stream().noneMatch(v -> v.checked() && !v.accepted()),
                        1,
                        took,
                        observed.toString(),
                        "",
                        ""));
        return results;
    }
}
