package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.probe.DatasourceHealthProbe;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeSettings;
import dev.obsbootstrap.core.probe.SecretCredentials;

import java.time.Duration;
import java.util.List;

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
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("kube-prometheus-stack");
    }

    /**
     * Prometheus ready, then its targets and a query, then Grafana and its Prometheus datasource. Expected scrape
     * pools come from the profile's {@code settings.probes.expectedScrapePools} ({@link ScrapeTargetsProbe#DEFAULT_POOLS}
     * when unset).
     */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        return List.of(
                new HttpReadyProbe("prometheus-ready", "Prometheus has loaded its configuration and answers /-/ready.",
                        deadline, "prometheus", "/-/ready", "Prometheus",
                        "Prometheus is still replaying its WAL or loading its config: check the Prometheus pod's logs"
                                + " and the operator's reconcile of the Prometheus resource"),
                new ScrapeTargetsProbe(deadline, ProbeSettings.stringList(config, "expectedScrapePools", ScrapeTargetsProbe.DEFAULT_POOLS)),
                new PromQlQueryProbe(deadline),
                new GrafanaHealthProbe(deadline),
                new DatasourceHealthProbe("grafana-datasource-prometheus", deadline, "grafana", "prometheus", "Prometheus",
                        "the provisioned datasource URL must be the topology's Prometheus Service (see the kube-prometheus-stack values' grafana datasources)"));
    }

    /**
     * Grafana's admin login, read by the grafana subchart through admin.existingSecret so that rendering never calls
     * {@code lookup}: the user name is fixed, the password generated once and kept in the cluster only.
     */
    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        SecretCredentials admin = grafanaAdminCredentials(topology);
        return List.of(new StackSecret(topology.namespace(), admin.secretName(), "Grafana admin login", false, List.of(
                new StackSecret.Key.Literal(admin.userKey(), "admin"),
                new StackSecret.Key.Generated(admin.passwordKey(), "GRAFANA_ADMIN_PASSWORD"))));
    }

    /**
     * Where Grafana's admin credentials live: the Secret {@code <kube-prometheus-stack fullname>-grafana-admin}
     * (keys admin-user, admin-password) that obs-bootstrap creates for the grafana subchart's admin.existingSecret.
     * The CLI passes it to {@code ClusterProbeContext.builder(...).credentials("grafana", ...)}.
     */
    public static SecretCredentials grafanaAdminCredentials(StackTopology topology) {
        return new SecretCredentials(topology.component("kube-prometheus-stack").fullname() + "-grafana-admin", "admin-user", "admin-password");
    }
}
