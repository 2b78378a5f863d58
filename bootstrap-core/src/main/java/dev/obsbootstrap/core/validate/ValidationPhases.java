package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.run.PhaseOutcome;
import dev.obsbootstrap.core.run.PhaseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A validation as the reports already know how to show it: one "phase" per path (static, local, cluster), each with
 * a result per check, so the text, JSON and JUnit reports state which path ran, what it found and what it could not
 * prove, and which paths did not run and why.
 */
public final class ValidationPhases {
    /** The static checks, in the order a reviewer reads them. */
    private static final List<String> CHECKS = List.of(
            "kubernetes-schema",
            "unknown-api",
            "crd-schema",
            "removed-api",
            "deprecated-api",
            "alpha-api",
            "pod-security",
            "component-config",
            "image-pinned",
            "memory-requests-and-limits",
            "secret-in-bundle",
            "not-a-kubernetes-object");

    private ValidationPhases() {}

    /** The static path: a result per check, failed when the check has an error finding; warnings are listed, not failed. */
    public static PhaseOutcome staticChecks(StaticReport report, List<Finding> findings, Duration took) {
        Map<String, List<Finding>> byRule = new LinkedHashMap<>();
        CHECKS.forEach(rule -> byRule.put(rule, new ArrayList<>()));
        findings.forEach(finding ->
                byRule.computeIfAbsent(finding.rule(), r -> new ArrayList<>()).add(finding));
        List<ProbeResult> results = new ArrayList<>();
        byRule.forEach((rule, found) -> {
            List<Finding> errors = found.stream().filter(Finding::isError).toList();
            String observed = found.isEmpty()
                    ? "no findings"
                    : found.stream().map(f -> f.label() + ": " + f).collect(Collectors.joining("\n"));
            results.add(new ProbeResult(
                    ValidationPath.STATIC.id(),
                    rule,
                    describe(rule, report),
                    errors.isEmpty(),
                    1,
                    Duration.ZERO,
                    observed,
                    "",
                    errors.isEmpty() ? "" : "fix the values or the chart pin that produce it, then plan again"));
        });
        List<String> skippedTools = report.tools().stream()
                .filter(run -> !run.ran())
                .map(run -> run.tool() + " (not on PATH)")
                .toList();
        long errors = findings.stream().filter(Finding::isError).count();
        String limits = "checked against the Kubernetes " + report.kubernetesApi() + " API"
                + (skippedTools.isEmpty() ? "" : "; skipped: " + String.join(", ", skippedTools))
                + "; cannot prove " + ValidationPath.STATIC.cannotProve();
        if (errors > 0) {
            return new PhaseOutcome(
                    ValidationPath.STATIC.id(),
                    PhaseStatus.VERIFY_FAILED,
                    took,
                    List.of(),
                    results,
                    errors + " error(s) in the static checks; " + limits);
        }
        return new PhaseOutcome(ValidationPath.STATIC.id(), PhaseStatus.VERIFIED, took, List.of(), results, limits);
    }

    /** A path that did not run: why, and what it would have proven. */
    public static PhaseOutcome notRun(ValidationPath path, String why) {
        return PhaseOutcome.skipped(
                path.id(),
                PhaseStatus.SKIPPED,
                "not run (" + why + "); " + path.what() + " would prove " + path.proves());
    }

    private static String describe(String rule, StaticReport report) {
        return switch (rule) {
            case "kubernetes-schema" ->
                "every object fits the Kubernetes " + report.kubernetesApi()
                        + " API: no unknown field, no wrong type, no missing required field";
            case "unknown-api" ->
                "the Kubernetes " + report.kubernetesApi() + " API serves every object's apiVersion and kind";
            case "crd-schema" ->
                "every custom resource fits the openAPIV3Schema of its CustomResourceDefinition in the bundle";
            case "removed-api" -> "no API version the target Kubernetes version removed";
            case "deprecated-api" -> "no API version the target Kubernetes version deprecates (warnings only)";
            case "alpha-api" -> "no alpha API (warnings only)";
            case "pod-security" -> "every workload fits the Pod Security level its namespace enforces (when known)";
            case "component-config" -> "the components' own config checkers accept their configs (those on PATH)";
            case "image-pinned" -> "every image is pinned to a version or a digest";
            case "memory-requests-and-limits" ->
                "every container requests and limits memory when the profile requires it";
            case "secret-in-bundle" -> "no secret value in the bundle";
            case "not-a-kubernetes-object" -> "every rendered document is a Kubernetes object";
            default -> rule;
        };
    }
}
