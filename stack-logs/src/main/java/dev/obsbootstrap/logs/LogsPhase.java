package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.logs.LogsSettings.LogCollector;
import dev.obsbootstrap.metrics.grafana.DatasourceHealthProbe;
import dev.obsbootstrap.metrics.grafana.GrafanaQueryProbe;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Loki and the pod log collector (Grafana Alloy; Promtail legacy) */
public final class LogsPhase implements Phase {
    @Override
    public String id() {
        return "logs";
    }

    @Override
    public String description() {
        return "Loki and the pod log collector (Grafana Alloy; Promtail legacy)";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("metrics");
    }

    /** The {@code logs:} section of the config. */
    @Override
    public Optional<ConfigSection<?>> configSection() {
        return Optional.of(new LogsSection());
    }

    @Override
    public List<ConfigChecker> configCheckers() {
        return List.of(new AlloyFmtChecker());
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("loki", LogsSettings.of(config).collector().componentId());
    }

    /**
     * The collector not chosen: logs.collector gives each its own release ({stack}-alloy, {stack}-promtail), so a
     * switch would leave two DaemonSets shipping every pod log line twice.
     */
    @Override
    public List<String> replacedComponents(BootstrapConfig config) {
        LogCollector chosen = LogsSettings.of(config).collector();
        return java.util.Arrays.stream(LogCollector.values())
                .filter(collector -> collector != chosen)
                .map(LogCollector::componentId)
                .toList();
    }

    /**
     * Loki ready, a pushed line read back, a line of this run shipped by the collector, earlier runs' lines read back
     * from the store, Grafana's Loki datasource healthy and finding the shipped line.
     */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        LokiPushRoundTripProbe push = new LokiPushRoundTripProbe(deadline);
        CollectorLogsProbe shipped =
                new CollectorLogsProbe(deadline, LogsSettings.of(config).collector());
        List<Probe> probes = new ArrayList<>(List.of(
                new HttpReadyProbe(
                        "loki-ready",
                        "Loki answers /ready: its ingester has joined the ring and it can take writes.",
                        deadline,
                        "loki",
                        "/ready",
                        "Loki",
                        "Loki waits about 15s after start before reporting ready; if it stays unready check its logs for the"
                                + " ring (replication_factor must be 1 with one replica), schemaConfig and storage"),
                push,
                shipped,
                new LokiStoreReadBackProbe(deadline),
                new DatasourceHealthProbe(
                        "grafana-datasource-loki", deadline, "grafana", "loki", "Loki", datasourceHint(config)),
                new GrafanaQueryProbe(
                        "grafana-loki-query",
                        "Grafana's provisioned Loki datasource finds the line of this run that the collector shipped (POST /api/ds/query), as Explore does.",
                        deadline,
                        "grafana",
                        "loki",
                        "loki",
                        "Loki",
                        new GrafanaLokiQuery(LogsSettings.of(config).collector()),
                        shipped::firstQueryNanos,
                        "Grafana reads Loki but not the collector's lines of this run: " + datasourceHint(config))));
        if (config.phaseEnabled("metrics")) {
            LogCollector collector = LogsSettings.of(config).collector();
            probes.add(new ScrapePoolsProbe(
                    "prometheus-scrapes-logs-stack",
                    "Prometheus scrapes Loki and the " + CollectorLogsProbe.labelValue(collector)
                            + " pods (their ServiceMonitors),"
                            + " so dropped lines and failed flushes show in metrics.",
                    deadline,
                    topology -> ownPools(topology, collector),
                    "the loki values must enable monitoring.serviceMonitor and the " + collector.componentId()
                            + " values serviceMonitor"));
        }
        return List.copyOf(probes);
    }

    /**
     * The ServiceMonitors of this phase's charts, each named after the chart's fullname (grafana/loki v3.7.6
     * production/helm/loki/templates/monitoring/servicemonitor.yaml, grafana/alloy
     * operations/helm/charts/alloy/templates/servicemonitor.yaml; promtail likewise).
     */
    static List<ScrapePoolsProbe.Pool> ownPools(StackTopology topology, LogCollector collector) {
        return List.of(
                ScrapePoolsProbe.Pool.serviceMonitor(
                        "loki", topology.namespace(), topology.component("loki").fullname()),
                ScrapePoolsProbe.Pool.serviceMonitor(
                        collector.componentId(),
                        topology.namespace(),
                        topology.component(collector.componentId()).fullname()));
    }

    private static String datasourceHint(BootstrapConfig config) {
        return "the provisioned datasource URL must be the topology's Loki Service"
                + (LogsSettings.of(config).authEnabled()
                        ? ", and with logs.auth on it must send the " + LokiAuth.TENANT_HEADER + " header for tenant '"
                                + LogsSettings.of(config).tenant() + "'"
                        : "");
    }

    /**
     * With object storage (staging, prod), Loki reads its endpoint and keys from the stack's object-storage Secret
     * {@code <stack>-<settings.loki.storage.secret>}, which the user creates (loki.yaml.j2 puts it under
     * {@code defaults.extraEnvFrom} and refers to {@code ${S3_ENDPOINT}}, {@code ${AWS_ACCESS_KEY_ID}},
     * {@code ${AWS_SECRET_ACCESS_KEY}}): declared so that {@code up} checks it before the first write and
     * {@code plan}'s install.sh checks it too, instead of Loki crash-looping on a real cluster.
     */
    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        if (!(config.profile().settings().get("loki") instanceof Map<?, ?> loki)
                || !(loki.get("storage") instanceof Map<?, ?> storage)) {
            return List.of();
        }
        Object type = storage.get("type");
        Object secret = storage.get("secret");
        if ("filesystem".equals(type) || !(secret instanceof String name) || name.isBlank()) {
            return List.of();
        }
        return List.of(
                StackSecret.objectStorage(topology.namespace(), config.cluster().stack() + "-" + name));
    }
}
