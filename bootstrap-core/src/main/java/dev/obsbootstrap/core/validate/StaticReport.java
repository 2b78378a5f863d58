package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.PodSecurityLevel;
import dev.obsbootstrap.core.plan.Finding;
import java.util.List;
import java.util.Objects;

/**
 * What the static checks found and what they could not check.
 *
 * @param kubernetesApi the API release objects were checked against ("1.31")
 * @param findings      errors and warnings, each naming file, line, resource and key
 * @param workloads     every workload and the Pod Security level it needs, privileges listed
 * @param tools         what each component tool did, or why it was skipped
 * @param notes         limits of this run ("no schema for cert-manager.io/v1 Certificate: its CRD is not in the bundle")
 */
public record StaticReport(
        String kubernetesApi,
        List<Finding> findings,
        List<Workload> workloads,
        List<ConfigTools.ToolRun> tools,
        List<String> notes) {
    public StaticReport {
        Objects.requireNonNull(kubernetesApi, "kubernetesApi");
        findings = List.copyOf(findings);
        workloads = List.copyOf(workloads);
        tools = List.copyOf(tools);
        notes = List.copyOf(notes);
    }

    /**
     * One workload's Pod Security needs.
     *
     * @param namespaceLevel what its namespace enforces, "" when not known
     */
    public record Workload(
            String file,
            String subject,
            String namespace,
            PodSecurityLevel needed,
            List<String> privileges,
            String namespaceLevel) {
        public Workload {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(needed, "needed");
            privileges = List.copyOf(privileges);
            Objects.requireNonNull(namespaceLevel, "namespaceLevel");
        }
    }

    public long errors() {
        return findings.stream().filter(Finding::isError).count();
    }

    public long warnings() {
        return findings.size() - errors();
    }
}
