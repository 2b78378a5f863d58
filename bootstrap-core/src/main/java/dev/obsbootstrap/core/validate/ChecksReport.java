package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.plan.BundleDigests;
import dev.obsbootstrap.core.plan.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The static checks' results for a reviewer: {@value BundleDigests#CHECKS_REPORT} (what was checked against what,
 * which workloads need which Pod Security level and why, which tools ran or were skipped, what could not be checked)
 * and {@value BundleDigests#SARIF}.
 */
public final class ChecksReport {
    private ChecksReport() {}

    /** Writes both files into {@code dir}; {@code findings} are all of them (the plan's own checks too). */
    public static void write(Path dir, StaticReport report, List<Finding> findings, String toolVersion) {
        try {
            Files.writeString(dir.resolve(BundleDigests.CHECKS_REPORT), markdown(report, findings));
            Files.writeString(dir.resolve(BundleDigests.SARIF), SarifReport.write(findings, toolVersion));
        } catch (IOException e) {
            throw new ConfigException("cannot write the static checks' report into " + dir + ": " + e.getMessage(), e);
        }
    }

    public static String markdown(StaticReport report, List<Finding> findings) {
        StringBuilder md = new StringBuilder();
        md.append("# Static checks\n\n");
        md.append("Every object was checked against the Kubernetes ")
                .append(report.kubernetesApi())
                .append(" API (unknown fields, wrong types, ")
                .append(
                        "missing required fields, kinds it does not serve, removed and deprecated API versions), every custom resource ")
                .append(
                        "against its CustomResourceDefinition's schema in this bundle, and every workload for the Pod Security level ")
                .append("it needs.\n\n");
        md.append("## Findings\n\n");
        md.append(findings.isEmpty() ? "None.\n" : Finding.counts(findings) + ":\n\n");
        for (Finding finding : findings) {
            md.append("- ")
                    .append(finding.label())
                    .append(" `")
                    .append(finding.rule())
                    .append("` ")
                    .append(finding)
                    .append('\n');
        }
        md.append("\n## Pod Security\n\n");
        if (report.workloads().isEmpty()) {
            md.append("No workloads.\n");
        } else {
            md.append("| workload | file | needs | namespace enforces | privileges |\n|---|---|---|---|---|\n");
            for (StaticReport.Workload workload : report.workloads()) {
                md.append("| ")
                        .append(workload.subject())
                        .append(" | ")
                        .append(workload.file())
                        .append(" | ")
                        .append(workload.needed().label())
                        .append(" | ")
                        .append(workload.namespaceLevel().isEmpty() ? "not known" : workload.namespaceLevel())
                        .append(" | ")
                        .append(workload.privileges().isEmpty() ? "-" : String.join("; ", workload.privileges()))
                        .append(" |\n");
            }
        }
        md.append("\n## Component tools\n\n");
        if (report.tools().isEmpty()) {
            md.append("No config in this bundle is one a component tool checks.\n");
        }
        for (ConfigTools.ToolRun run : report.tools()) {
            md.append("- `")
                    .append(run.tool())
                    .append("`: ")
                    .append(run.summary())
                    .append('\n');
        }
        md.append("\n## Not checked here\n\n");
        for (String note : report.notes()) {
            md.append("- ").append(note).append('\n');
        }
        md.append(
                        "- Without a cluster nothing proves that the workloads start, that the cluster's admission webhooks, quotas ")
                .append(
                        "and policies accept the objects, or that logs, traces, metrics and alerts flow: `obs-bootstrap smoke` ")
                .append(
                        "(a throwaway K3s node) and `obs-bootstrap validate --path cluster` (server-side dry run and verify) do.\n");
        return md.toString();
    }
}
