package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.manifest.PodSecurity;
import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.plan.Tasks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.function.IntSupplier;

/**
 * The static checks that need no cluster, on every manifest of a bundle, beyond {@link dev.obsbootstrap.core.plan.StaticChecks}:
 * <ul>
 *   <li>every built-in object against the API of the target Kubernetes version ({@link KubernetesApiSchemas}):
 *       unknown fields, wrong types, missing required fields, kinds the version does not serve;</li>
 *   <li>every custom resource against the openAPIV3Schema of its CRD in the bundle ({@link CrdSchemas});</li>
 *   <li>API versions deprecated or removed by the target version ({@link ApiLifecycle});</li>
 *   <li>the Pod Security level each workload needs, against what its namespace enforces when that is known
 *       ({@link PodSecurity}), with every privilege listed;</li>
 *   <li>the components' configs through their own tools, when on PATH ({@link ConfigTools}).</li>
 * </ul>
 */
public final class StaticValidation {
    private final String kubeVersion;
    private final Optional<PodSecurityLevel> stackNamespaceLevel;
    private final ConfigTools tools;

    /**
     * @param kubeVersion         the target version ("1.31.0")
     * @param stackNamespaceLevel what the namespaces enforce when the bundle does not say (--pod-security, or the live
     *                            namespace's label); empty when unknown
     */
    public StaticValidation(String kubeVersion, Optional<PodSecurityLevel> stackNamespaceLevel, ConfigTools tools) {
        this.kubeVersion = Objects.requireNonNull(kubeVersion, "kubeVersion");
        this.stackNamespaceLevel = Objects.requireNonNull(stackNamespaceLevel, "stackNamespaceLevel");
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /**
     * Reads the Kubernetes API data for {@code kubeVersion} now, so that {@link #check} does not wait for it: plan
     * calls it while the releases render, instead of at the start of the checks that run after the last render (its
     * JSON takes ~0.05-0.1 s to read and convert on a cold JVM). A failure is left for {@link #check} to report.
     */
    public static void prepare(String kubeVersion) {
        try {
            KubernetesApiSchemas.forVersion(kubeVersion);
        } catch (RuntimeException reportedByTheCheck) {
            // the check reads it again and fails where it is handled
        }
    }

    public StaticReport check(List<ManifestFile> files) {
        KubernetesApiSchemas api = KubernetesApiSchemas.forVersion(kubeVersion);
        List<String> notes = new ArrayList<>();
        api.substitution().ifPresent(notes::add);
        Map<ManifestObject, ManifestFile> fileOf = new IdentityHashMap<>();
        List<ManifestObject> all = new ArrayList<>();
        for (ManifestFile file : files) {
            for (ManifestObject object : file.parsed().objects()) {
                fileOf.put(object, file);
                all.add(object);
            }
        }
        // the components' tools are processes of their own, most of their time spent starting and waiting: they run
        // while this thread checks the schemas, instead of after it (promtool and amtool: ~0.2 s of plan's wall time)
        FutureTask<Void> toolRuns = new FutureTask<>(() -> {
            tools.check(all);
            return null;
        });
        Thread toolThread = new Thread(toolRuns, "config-tools");
        toolThread.setDaemon(true);
        toolThread.start();
        try {
            return check(api, notes, fileOf, all, toolRuns);
        } finally {
            toolRuns.cancel(true); // nothing when they are done; a tool still running is stopped
        }
    }

    private StaticReport check(
            KubernetesApiSchemas api,
            List<String> notes,
            Map<ManifestObject, ManifestFile> fileOf,
            List<ManifestObject> all,
            FutureTask<Void> toolRuns) {
        CrdSchemas crds = CrdSchemas.of(all);
        Map<String, PodSecurityLevel> namespaceLevels = namespaceLevels(all);
        Map<String, YamlLines> lines = new HashMap<>();
        List<Finding> findings = new ArrayList<>();
        List<StaticReport.Workload> workloads = new ArrayList<>();
        Set<String> unchecked = new LinkedHashSet<>();
        for (ManifestObject object : all) {
            ManifestFile file = fileOf.get(object);
            YamlLines fileLines = lines.computeIfAbsent(file.path(), p -> new YamlLines(file.text()));
            String subject = object.describe(file.releaseNamespace());
            // where the object starts, found only for a finding: finding it composes the document's YAML again
            IntSupplier objectLine = () -> fileLines.line(object.document().number(), List.of());
            Optional<ApiLifecycle.Entry> lifecycle = ApiLifecycle.of(object.apiVersion(), object.kind());
            boolean removed = lifecycle
                    .filter(entry -> ApiLifecycle.reached(kubeVersion, entry.removedIn()))
                    .isPresent();
            if (removed) {
                ApiLifecycle.Entry entry = lifecycle.get();
                findings.add(Finding.error(
                                "removed-api",
                                file.path(),
                                subject,
                                object.apiVersion() + " " + object.kind()
                                        + " was removed in Kubernetes " + entry.removedIn() + " (the target is "
                                        + kubeVersion + "): use "
                                        + entry.replacement())
                        .atLine(objectLine.getAsInt()));
            } else if (lifecycle
                    .filter(entry -> ApiLifecycle.reached(kubeVersion, entry.deprecatedIn()))
                    .isPresent()) {
                ApiLifecycle.Entry entry = lifecycle.get();
                findings.add(Finding.warning(
                                "deprecated-api",
                                file.path(),
                                subject,
                                object.apiVersion() + " " + object.kind()
                                        + " is deprecated since Kubernetes " + entry.deprecatedIn()
                                        + (entry.removedIn().isEmpty() ? "" : " and removed in " + entry.removedIn())
                                        + ": use " + entry.replacement())
                        .atLine(objectLine.getAsInt()));
            }
            if (api.serves(object.apiVersion(), object.kind())) {
                if (object.apiVersion().matches(".*/v\\d+alpha\\d+")) {
                    findings.add(Finding.warning(
                                    "alpha-api",
                                    file.path(),
                                    subject,
                                    object.apiVersion()
                                            + " is an alpha API: Kubernetes serves it only when the cluster switches its feature gate on")
                            .atLine(objectLine.getAsInt()));
                }
                for (SchemaViolation violation : api.validate(object.apiVersion(), object.kind(), object.body())) {
                    findings.add(Finding.error(
                                    "kubernetes-schema",
                                    file.path(),
                                    subject,
                                    violation.describePath() + ": " + violation.message() + " (Kubernetes "
                                            + api.servedMinor() + " API)")
                            .atLine(fileLines.line(object.document().number(), violation.path())));
                }
            } else if (crds.defines(object.apiVersion(), object.kind())) {
                for (SchemaViolation violation : crds.validate(object.apiVersion(), object.kind(), object.body())) {
                    findings.add(Finding.error(
                                    "crd-schema",
                                    file.path(),
                                    subject,
                                    violation.describePath() + ": " + violation.message()
                                            + " (schema of its CustomResourceDefinition in the bundle)")
                            .atLine(fileLines.line(object.document().number(), violation.path())));
                }
            } else if (KubernetesApiSchemas.isBuiltInGroup(object.apiVersion()) && !removed) {
                List<String> served = api.apiVersionsOf(object.kind());
                findings.add(Finding.error(
                                "unknown-api",
                                file.path(),
                                subject,
                                "Kubernetes " + api.servedMinor() + " serves no "
                                        + object.kind() + " at " + object.apiVersion()
                                        + (served.isEmpty() ? "" : ": use " + String.join(" or ", served)))
                        .atLine(objectLine.getAsInt()));
            } else if (crds.groupOf(object.apiVersion()).isPresent()) {
                findings.add(Finding.error(
                                "crd-schema",
                                file.path(),
                                subject,
                                "the CustomResourceDefinitions in the bundle define no " + object.kind() + " at "
                                        + object.apiVersion())
                        .atLine(objectLine.getAsInt()));
            } else {
                unchecked.add(object.apiVersion() + " " + object.kind());
            }
            object.podSpec().ifPresent(pod -> {
                PodSecurity.Assessment assessment = PodSecurity.assess(object, pod);
                String namespace = object.namespace().isEmpty() ? file.releaseNamespace() : object.namespace();
                Optional<PodSecurityLevel> enforced =
                        Optional.ofNullable(namespaceLevels.get(namespace)).or(() -> stackNamespaceLevel);
                workloads.add(new StaticReport.Workload(
                        file.path(),
                        subject,
                        namespace,
                        assessment.needed(),
                        assessment.privileges(),
                        enforced.map(PodSecurityLevel::label).orElse("")));
                if (enforced.isPresent() && !enforced.get().admits(assessment.needed())) {
                    List<String> reasons = assessment.needed() == PodSecurityLevel.PRIVILEGED
                            ? assessment.privileges()
                            : assessment.hardening();
                    findings.add(Finding.error(
                                    "pod-security",
                                    file.path(),
                                    subject,
                                    "needs Pod Security level "
                                            + assessment.needed().label()
                                            + " (" + String.join("; ", reasons) + ") but namespace " + namespace
                                            + " enforces " + enforced.get().label()
                                            + ": its pods would be refused. Run the stack in a namespace labelled "
                                            + PodSecurityLevel.ENFORCE_LABEL + "="
                                            + assessment.needed().label() + ", or change the values that ask for it")
                            .atLine(objectLine.getAsInt()));
                }
            });
        }
        for (String kind : unchecked) {
            notes.add("no schema for " + kind
                    + ": its CustomResourceDefinition is not in the bundle, so its fields were not checked");
        }
        if (stackNamespaceLevel.isEmpty() && namespaceLevels.isEmpty()) {
            notes.add(
                    "the namespaces' Pod Security level is not known offline: each workload's needed level is listed; "
                            + "give --pod-security LEVEL (what the namespace enforces) to check against it");
        }
        Tasks.join(toolRuns, "while the components' tools checked their configs");
        for (ConfigTools.Refusal refusal : tools.refusals()) {
            ManifestFile file = fileOf.get(refusal.object());
            int line =
                    lines.get(file.path()).line(refusal.object().document().number(), List.of("data", refusal.key()));
            String subject = refusal.object().describe(file.releaseNamespace()) + " key '" + refusal.key() + "'";
            findings.add((refusal.olderTool().isEmpty()
                            ? Finding.error(
                                    "component-config",
                                    file.path(),
                                    subject,
                                    refusal.tool() + " refuses it: " + abbreviate(refusal.output()))
                            : Finding.warning(
                                    "component-config",
                                    file.path(),
                                    subject,
                                    refusal.tool() + " refuses it, but " + refusal.olderTool()
                                            + ": the config may use what this tool does not know yet; check it with a "
                                            + "tool of that version (" + abbreviate(refusal.output()) + ")"))
                    .atLine(line));
        }
        findings.sort(Comparator.comparing(Finding::file).thenComparingInt(Finding::line));
        return new StaticReport(api.servedMinor(), findings, workloads, tools.runs(), notes);
    }

    /** The levels Namespace objects in the bundle enforce, by name. */
    private static Map<String, PodSecurityLevel> namespaceLevels(List<ManifestObject> objects) {
        Map<String, PodSecurityLevel> levels = new HashMap<>();
        for (ManifestObject object : objects) {
            if ("Namespace".equals(object.kind()) && "v1".equals(object.apiVersion())) {
                object.at("metadata", "labels", PodSecurityLevel.ENFORCE_LABEL)
                        .map(ManifestObject::text)
                        .filter(text -> !text.isEmpty())
                        .ifPresent(text ->
                                levels.put(object.name(), PodSecurityLevel.parse(text, "Namespace " + object.name())));
            }
        }
        return levels;
    }

    private static String abbreviate(String output) {
        String oneLine = output.replace('\n', ' ').replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 400 ? oneLine : oneLine.substring(0, 397) + "...";
    }
}
