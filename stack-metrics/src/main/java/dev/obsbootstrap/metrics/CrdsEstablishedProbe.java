package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.TerminalProbeFailure;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every Prometheus Operator CRD is Established. Reads the Kubernetes API, so it needs a cluster: in an
 * explicit-endpoint verify (no cluster) it fails at once with "needs a cluster" rather than pretending — the verify
 * command should leave the crds phase out of such a run (or report it as needing a cluster).
 */
public final class CrdsEstablishedProbe implements Probe {
    /** The CRDs of prometheus-operator-crds 31.0.1 (operator v0.93), all in group monitoring.coreos.com. */
    public static final List<String> PROMETHEUS_OPERATOR_CRDS = List.of(
            "alertmanagerconfigs.monitoring.coreos.com",
            "alertmanagers.monitoring.coreos.com",
            "podmonitors.monitoring.coreos.com",
            "probes.monitoring.coreos.com",
            "prometheusagents.monitoring.coreos.com",
            "prometheuses.monitoring.coreos.com",
            "prometheusrules.monitoring.coreos.com",
            "scrapeconfigs.monitoring.coreos.com",
            "servicemonitors.monitoring.coreos.com",
            "thanosrulers.monitoring.coreos.com");

    private final Duration deadline;
    private final List<String> crds;

    public CrdsEstablishedProbe(Duration deadline) {
        this(deadline, PROMETHEUS_OPERATOR_CRDS);
    }

    public CrdsEstablishedProbe(Duration deadline, List<String> crds) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.crds = List.copyOf(crds);
    }

    @Override
    public String name() {
        return "crds-established";
    }

    @Override
    public String proves() {
        return "Every Prometheus Operator CRD (monitoring.coreos.com) is Established, so ServiceMonitors, PodMonitors and PrometheusRules can be created.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) {
        KubernetesClient client = context.kubernetes()
                .orElseThrow(
                        () -> new TerminalProbeFailure(
                                "needs a cluster: CRDs are read from the Kubernetes API and this run has only --endpoint URLs",
                                "run verify against the cluster (without --endpoint), or leave the crds phase out of an explicit-endpoint verify"));
        List<String> missing = new ArrayList<>();
        List<String> notEstablished = new ArrayList<>();
        for (String name : crds) {
            CustomResourceDefinition crd;
            try {
                crd = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(name)
                        .get();
            } catch (KubernetesClientException e) {
                return ProbeAttempt.fail(
                        "cannot read CustomResourceDefinition " + name + ": " + e.getCode() + " " + e.getMessage(),
                        e.getCode() == 403
                                ? "the kube user may not get customresourcedefinitions (cluster-scoped): obs-bootstrap needs cluster-admin-like rights for phase crds"
                                : "the API server did not answer the CRD read: check the kube context and the cluster's health");
            }
            if (crd == null) {
                missing.add(name);
            } else if (!established(crd)) {
                notEstablished.add(name + " (" + conditions(crd) + ")");
            }
        }
        if (missing.isEmpty() && notEstablished.isEmpty()) {
            return ProbeAttempt.pass(crds.size() + "/" + crds.size() + " Prometheus Operator CRDs Established");
        }
        StringBuilder observed = new StringBuilder(
                (crds.size() - missing.size() - notEstablished.size()) + "/" + crds.size() + " Established");
        if (!missing.isEmpty()) {
            observed.append("; missing: ").append(String.join(", ", missing));
        }
        if (!notEstablished.isEmpty()) {
            observed.append("; not Established: ").append(String.join(", ", notEstablished));
        }
        String hint = !missing.isEmpty()
                ? "phase crds server-side applies the CRDs of the prometheus-operator-crds chart: re-run `obs-bootstrap up` (Helm never installs or upgrades CRDs of kube-prometheus-stack on upgrade)"
                : "the API server has not accepted the CRD names yet (NamesAccepted): another CRD may claim the same plural or short names — `kubectl get crd -o wide` shows the conflict";
        return ProbeAttempt.fail(observed.toString(), hint);
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String conditions(CustomResourceDefinition crd) {
        if (crd.getStatus() == null
                || crd.getStatus().getConditions() == null
                || crd.getStatus().getConditions().isEmpty()) {
            return "no status conditions yet";
        }
        List<String> parts = new ArrayList<>();
        for (CustomResourceDefinitionCondition c : crd.getStatus().getConditions()) {
            parts.add(c.getType() + "=" + c.getStatus() + (c.getReason() == null ? "" : ": " + c.getReason()));
        }
        return String.join(", ", parts);
    }
}
