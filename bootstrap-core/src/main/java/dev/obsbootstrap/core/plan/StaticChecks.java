package dev.obsbootstrap.core.plan;

import dev.obsbootstrap.core.manifest.ManifestDocument;
import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.Manifests;
import dev.obsbootstrap.core.manifest.ParsedManifests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks on everything {@code plan} rendered, before anyone installs it:
 * <ul>
 *   <li>every document is a Kubernetes object (apiVersion, kind, metadata.name);</li>
 *   <li>every image is pinned: a tag other than {@code latest}, or a digest;</li>
 *   <li>when the profile requires it, every container and init container requests and limits memory
 *       (and so do the custom resources the catalog lists as {@code operatorResources}, whose pods an operator
 *       creates later and the bundle does not show);</li>
 *   <li>no secret in the bundle: no Secret object carries data, and no known secret value appears in any file;</li>
 *   <li>a note for each release of a choice the config did not make (a phase's other collector or layout), which
 *       {@code up} removes where an earlier {@code up} installed it.</li>
 * </ul>
 * Findings name the bundle file and the object, never a secret's value.
 */
public final class StaticChecks {
    /** Shorter values would match by accident all over a bundle. */
    static final int MIN_SECRET_LENGTH = 4;

    private final boolean requireMemoryLimits;
    private final String profile;
    private final List<SecretValue> secretValues;
    private final Set<String> operatorResources;

    /**
     * @param profile             for messages: whose rule the memory check enforces
     * @param requireMemoryLimits the profile's requireMemoryLimits
     * @param secretValues        values that must not appear anywhere in the bundle
     */
    public StaticChecks(String profile, boolean requireMemoryLimits, List<SecretValue> secretValues) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.requireMemoryLimits = requireMemoryLimits;
        this.secretValues = secretValues.stream()
                .filter(s -> s.value().length() >= MIN_SECRET_LENGTH)
                .toList();
        this.operatorResources = Set.of();
    }

    private StaticChecks(StaticChecks base, Set<String> operatorResources) {
        this.profile = base.profile;
        this.requireMemoryLimits = base.requireMemoryLimits;
        this.secretValues = base.secretValues;
        this.operatorResources = Set.copyOf(operatorResources);
    }

    /**
     * These checks, also applied to custom resources of these {@code group/Kind}s ({@code ComponentCatalog.operatorResources}):
     * their {@code spec.image} must be pinned and {@code spec.resources} must hold memory like a container's.
     */
    public StaticChecks withOperatorResources(java.util.Collection<String> groupKinds) {
        return new StaticChecks(this, Set.copyOf(groupKinds));
    }

    /** Every finding of the bundle, in bundle order (phase, release, document). */
    public List<Finding> check(PlanBundle bundle) {
        List<Finding> findings = new ArrayList<>();
        for (PlannedPhase phase : bundle.phases()) {
            for (RenderedRelease release : phase.releases()) {
                findings.addAll(
                        checkText(phase.valuesFile(release), release.spec().valuesYaml()));
                findings.addAll(checkManifests(
                        phase.manifestsFile(release),
                        release.spec().namespace(),
                        release.manifests(),
                        release.parsed()));
            }
            for (PlannedPhase.Replaced replaced : phase.replaces()) {
                findings.add(Finding.note(
                        "replaced-release",
                        phase.directory(),
                        "release " + replaced.release(),
                        "this config installs phase " + phase.id() + " without " + replaced.component() + " ("
                                + replaced.chart() + "), which another of its choices installs: where an earlier"
                                + " `up` installed " + replaced.release() + ", `up` uninstalls it once the phase is"
                                + " verified with its replacement, and `down` removes it; Helm keeps its"
                                + " PersistentVolumeClaims and object storage keeps its data (docs/operations.md)"));
            }
        }
        return List.copyOf(findings);
    }

    /** The checks of one values file of a bundle on disk (no secret value in it). */
    public List<Finding> checkValues(String file, String values) {
        return checkText(file, values);
    }

    /** The checks of one rendered manifest stream, reported against {@code file}. */
    public List<Finding> checkManifests(String file, String releaseNamespace, String manifests) {
        return checkManifests(file, releaseNamespace, manifests, ParsedManifests.parse(manifests));
    }

    private List<Finding> checkManifests(
            String file, String releaseNamespace, String manifests, ParsedManifests parsed) {
        List<Finding> findings = new ArrayList<>(checkText(file, manifests));
        for (ManifestDocument document : parsed.documents()) {
            if (!document.error().isEmpty()) {
                findings.add(Finding.error(
                        "not-a-kubernetes-object",
                        file,
                        document.describe(),
                        "is not valid YAML: " + document.error()));
                continue;
            }
            if (document.body() == null) {
                continue;
            }
            if (!(document.body() instanceof Map<?, ?> map)) {
                findings.add(Finding.error(
                        "not-a-kubernetes-object",
                        file,
                        document.describe(),
                        "is not a Kubernetes object (not a YAML mapping)"));
                continue;
            }
            String missing = ManifestObject.missingFields(map);
            if (!missing.isEmpty()) {
                findings.add(Finding.error(
                        "not-a-kubernetes-object",
                        file,
                        document.describe(),
                        "is not a Kubernetes object: no " + missing));
                continue;
            }
            for (ManifestObject object : Manifests.objects(document)) {
                findings.addAll(checkObject(file, releaseNamespace, object));
            }
        }
        return findings;
    }

    private List<Finding> checkObject(String file, String releaseNamespace, ManifestObject object) {
        List<Finding> findings = new ArrayList<>();
        String subject = object.describe(releaseNamespace);
        if ("Secret".equals(object.kind()) && "v1".equals(object.apiVersion())) {
            Set<String> keys = new TreeSet<>();
            keys.addAll(keysOf(object.at("data").orElse(null)));
            keys.addAll(keysOf(object.at("stringData").orElse(null)));
            if (!keys.isEmpty()) {
                findings.add(Finding.error(
                        "secret-in-bundle",
                        file,
                        subject,
                        "carries secret data in the bundle (keys " + String.join(", ", keys)
                                + "); have the chart use an existing Secret created outside the bundle instead"));
            }
        }
        object.podSpec().ifPresent(pod -> {
            for (String list : List.of("initContainers", "containers")) {
                if (pod.get(list) instanceof List<?> containers) {
                    for (Object entry : containers) {
                        if (entry instanceof Map<?, ?> container) {
                            String who =
                                    subject + ("initContainers".equals(list) ? " init container '" : " container '")
                                            + ManifestObject.text(container.get("name")) + "'";
                            findings.addAll(checkImage(file, who, container.get("image")));
                            findings.addAll(checkMemory(file, who, container.get("resources")));
                        }
                    }
                }
            }
        });
        if (operatorResources.contains(group(object.apiVersion()) + "/" + object.kind())) {
            object.at("spec", "image").ifPresent(image -> findings.addAll(checkImage(file, subject, image)));
            findings.addAll(
                    checkMemory(file, subject, object.at("spec", "resources").orElse(null)));
        }
        return findings;
    }

    /** "monitoring.example.com" of "monitoring.example.com/v1"; "" for the core group ("v1"). */
    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private List<Finding> checkImage(String file, String subject, Object image) {
        String problem = imageProblem(ManifestObject.text(image));
        return problem.isEmpty() ? List.of() : List.of(Finding.error("image-pinned", file, subject, problem));
    }

    /** Why an image reference is not pinned, "" when it is (a tag other than latest, or a digest). */
    static String imageProblem(String image) {
        if (image.isEmpty()) {
            return "has no image";
        }
        if (image.contains("@")) {
            return "";
        }
        int lastSlash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= lastSlash) {
            return "image '" + image + "' has no tag, so the node pulls whatever 'latest' is: pin a version";
        }
        String tag = image.substring(colon + 1);
        if (tag.isEmpty()) {
            return "image '" + image + "' has an empty tag: the chart's tag value is missing";
        }
        if ("latest".equals(tag)) {
            return "image '" + image + "' uses the moving tag 'latest': pin a version";
        }
        return "";
    }

    private List<Finding> checkMemory(String file, String subject, Object resources) {
        if (!requireMemoryLimits) {
            return List.of();
        }
        Map<?, ?> map = resources instanceof Map<?, ?> m ? m : Map.of();
        boolean request = hasMemory(map.get("requests"));
        boolean limit = hasMemory(map.get("limits"));
        if (request && limit) {
            return List.of();
        }
        String missing = !request && !limit
                ? "no memory request and no memory limit"
                : !request ? "no memory request" : "no memory limit";
        return List.of(Finding.error(
                "memory-requests-and-limits",
                file,
                subject,
                missing + " (profile " + profile + " requires both on every container)"));
    }

    private static boolean hasMemory(Object requestsOrLimits) {
        return requestsOrLimits instanceof Map<?, ?> map
                && !ManifestObject.text(map.get("memory")).isEmpty();
    }

    private List<Finding> checkText(String file, String text) {
        List<Finding> findings = new ArrayList<>();
        for (SecretValue secret : secretValues) {
            if (text.contains(secret.value())) {
                findings.add(Finding.error(
                        "secret-in-bundle",
                        file,
                        "",
                        "contains the value of " + secret.source()
                                + "; a secret must reach the cluster through a Secret reference, never inline"));
            }
        }
        return findings;
    }

    private static Set<String> keysOf(Object data) {
        Set<String> keys = new TreeSet<>();
        if (data instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!ManifestObject.text(entry.getValue()).isEmpty()) {
                    keys.add(String.valueOf(entry.getKey()));
                }
            }
        }
        return keys;
    }
}
