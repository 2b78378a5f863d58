package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeSettings;
import dev.obsbootstrap.core.probe.SecretCredentials;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.metrics.grafana.DatasourceHealthProbe;
import dev.obsbootstrap.metrics.grafana.GrafanaQueryProbe;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** kube-prometheus-stack: Prometheus Operator, Prometheus, Grafana, kube-state-metrics, node-exporter */
public final class MetricsPhase implements Phase {
    @Override
    public String id() {
        return "metrics";
    }

    @Override
    public String description() {
        return "kube-prometheus-stack: Prometheus Operator, Prometheus, Grafana, kube-state-metrics, node-exporter";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("crds");
    }

    @Override
    public List<ConfigChecker> configCheckers() {
        return List.of(new PromtoolRulesChecker());
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("kube-prometheus-stack");
    }

    /**
     * Every Prometheus replica ready and scraping every expected pool of the stack, a query that only successful
     * scrapes satisfy, then Grafana, its Prometheus datasource's health and the same query through it. Expected
     * pools come from the profile's {@code settings.probes.expectedScrapePools} ({@link StackScrapePools#DEFAULT}
     * when unset), matched exactly by namespace and monitor name.
     */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        List<String> pools = ProbeSettings.stringList(
                config,
                "expectedScrapePools",
                config.cluster().isolated() ? StackScrapePools.ISOLATED : StackScrapePools.DEFAULT);
        String datasourceHint =
                "the provisioned datasource URL must be the topology's Prometheus Service (see the kube-prometheus-stack values' grafana datasources)";
        return List.of(
                new HttpReadyProbe(
                                "prometheus-ready",
                                "Every Prometheus replica has loaded its configuration and answers /-/ready.",
                                deadline,
                                "prometheus",
                                "/-/ready",
                                "Prometheus",
                                "Prometheus is still replaying its WAL or loading its config: check the Prometheus pod's logs"
                                        + " and the operator's reconcile of the Prometheus resource")
                        .everyReplica(),
                new ScrapePoolsProbe(
                        "scrape-targets-up",
                        "Every Prometheus replica discovers and successfully scrapes every target of the stack's"
                                + " scrape pools (" + String.join(", ", pools)
                                + "), matched by namespace and monitor name.",
                        deadline,
                        topology -> StackScrapePools.resolve(pools, topology),
                        "with kube-prometheus-stack set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues and"
                                + " podMonitorSelectorNilUsesHelmValues to false (or match serviceMonitorSelector to the monitor's labels),"
                                + " and check the exporter and its serviceMonitor are enabled; if a pool is not part of your stack, change"
                                + " settings.probes.expectedScrapePools in the profile"),
                new PromQlQueryProbe(deadline),
                new GrafanaHealthProbe(deadline),
                new DatasourceHealthProbe(
                        "grafana-datasource-prometheus",
                        deadline,
                        "grafana",
                        "prometheus",
                        "Prometheus",
                        datasourceHint),
                new GrafanaQueryProbe(
                        "grafana-prometheus-query",
                        "Grafana's provisioned Prometheus datasource answers '" + PromQlQueryProbe.QUERY
                                + "' with a positive count (POST /api/ds/query).",
                        deadline,
                        "grafana",
                        "prometheus",
                        "prometheus",
                        "Prometheus",
                        new GrafanaPrometheusQuery(),
                        () -> 0L,
                        "Grafana reads a Prometheus without successful scrapes: " + datasourceHint));
    }

    /**
     * Grafana's admin login, read by the grafana subchart through admin.existingSecret so that rendering never calls
     * {@code lookup}: the user name is fixed, the password generated once and kept in the cluster only.
     */
    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        SecretCredentials admin = grafanaAdminCredentials(topology);
        return List.of(new StackSecret(
                topology.namespace(),
                admin.secretName(),
                "Grafana admin login",
                false,
                List.of(
                        new StackSecret.Key.Literal(admin.userKey(), "admin"),
                        new StackSecret.Key.Generated(admin.passwordKey(), "GRAFANA_ADMIN_PASSWORD"))));
    }

    /** Grafana's probes log in with the admin login this phase creates. */
    @Override
    public Map<String, SecretCredentials> probeCredentials(StackTopology topology) {
        return Map.of("grafana", grafanaAdminCredentials(topology));
    }

    /**
     * Where Grafana's admin credentials live: the Secret {@code <kube-prometheus-stack fullname>-grafana-admin}
     * (keys admin-user, admin-password) that obs-bootstrap creates for the grafana subchart's admin.existingSecret.
     */
    public static SecretCredentials grafanaAdminCredentials(StackTopology topology) {
        return new SecretCredentials(
                topology.component("kube-prometheus-stack").fullname() + "-grafana-admin",
                "admin-user",
                "admin-password");
    }
}
