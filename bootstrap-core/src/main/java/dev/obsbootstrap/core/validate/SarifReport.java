package dev.obsbootstrap.core.validate;

import com.contrastsecurity.sarif.ArtifactLocation;
import com.contrastsecurity.sarif.Location;
import com.contrastsecurity.sarif.Message;
import com.contrastsecurity.sarif.MultiformatMessageString;
import com.contrastsecurity.sarif.PhysicalLocation;
import com.contrastsecurity.sarif.Region;
import com.contrastsecurity.sarif.ReportingDescriptor;
import com.contrastsecurity.sarif.Result;
import com.contrastsecurity.sarif.Run;
import com.contrastsecurity.sarif.SarifSchema210;
import com.contrastsecurity.sarif.Tool;
import com.contrastsecurity.sarif.ToolComponent;
import dev.obsbootstrap.core.plan.Finding;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Findings as SARIF 2.1.0 (the OASIS format GitHub code scanning and other code-review UIs read), on the SARIF object
 * model of java-sarif: one run, one rule per check, one result per finding located by bundle-relative file and line.
 */
public final class SarifReport {
    /** What each check looks for, as the code-scanning UI shows a rule. */
    private static final Map<String, String> RULES = Map.ofEntries(
            Map.entry(
                    "kubernetes-schema",
                    "Objects match the API of the target Kubernetes version (no unknown field, right types, required fields present)"),
            Map.entry("crd-schema", "Custom resources match the openAPIV3Schema of their CustomResourceDefinition"),
            Map.entry("unknown-api", "The target Kubernetes version serves the object's apiVersion and kind"),
            Map.entry("removed-api", "No API version the target Kubernetes version has removed"),
            Map.entry("deprecated-api", "No API version the target Kubernetes version deprecates"),
            Map.entry("alpha-api", "No alpha API, which clusters serve only behind a feature gate"),
            Map.entry("pod-security", "Each workload fits the Pod Security level its namespace enforces"),
            Map.entry(
                    "component-config",
                    "Component configs pass their own tools (the checkers the phases bring, where on PATH)"),
            Map.entry("image-pinned", "Every image is pinned to a tag other than latest, or a digest"),
            Map.entry(
                    "memory-requests-and-limits",
                    "Every container requests and limits memory when the profile requires it"),
            Map.entry("secret-in-bundle", "No secret value in the bundle"),
            Map.entry("not-a-kubernetes-object", "Every rendered document is a Kubernetes object"));

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private SarifReport() {}

    /** @param toolVersion "0.1.0", for the driver */
    public static String write(List<Finding> findings, String toolVersion) {
        List<Result> results = new ArrayList<>();
        TreeSet<String> usedRules = new TreeSet<>();
        for (Finding finding : findings) {
            usedRules.add(finding.rule());
            Region region = finding.line() > 0 ? new Region().withStartLine(finding.line()) : null;
            PhysicalLocation physical = new PhysicalLocation()
                    .withArtifactLocation(new ArtifactLocation().withUri(finding.file()))
                    .withRegion(region);
            String text = (finding.subject().isEmpty() ? "" : finding.subject() + ": ") + finding.message();
            results.add(new Result()
                    .withRuleId(finding.rule())
                    .withLevel(
                            finding.isError()
                                    ? Result.Level.ERROR
                                    : finding.isWarning() ? Result.Level.WARNING : Result.Level.NOTE)
                    .withMessage(new Message().withText(text))
                    .withLocations(List.of(new Location().withPhysicalLocation(physical))));
        }
        List<ReportingDescriptor> rules = new ArrayList<>();
        Map<String, String> described = new LinkedHashMap<>(RULES);
        for (String rule : new TreeSet<>(described.keySet())) {
            rules.add(new ReportingDescriptor()
                    .withId(rule)
                    .withShortDescription(new MultiformatMessageString().withText(described.get(rule))));
        }
        usedRules.stream()
                .filter(rule -> !described.containsKey(rule))
                .forEach(rule -> rules.add(new ReportingDescriptor().withId(rule)));
        ToolComponent driver = new ToolComponent()
                .withName("obs-bootstrap")
                .withVersion(toolVersion)
                .withInformationUri(URI.create("https://github.com/obs-bootstrap/obs-bootstrap"))
                .withRules(new java.util.LinkedHashSet<>(rules));
        SarifSchema210 sarif = new SarifSchema210()
                .with$schema(URI.create("https://json.schemastore.org/sarif-2.1.0.json"))
                .withVersion(SarifSchema210.Version._2_1_0)
                .withRuns(List.of(
                        new Run().withTool(new Tool().withDriver(driver)).withResults(results)));
        return JSON.writeValueAsString(sarif) + "\n";
    }
}
