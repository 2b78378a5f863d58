package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.probe.DatasourceHealthProbe;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("loki", config.logs().collector().componentId());
    }

    /** Loki ready, a pushed line read back, collector-shipped pod logs, and Grafana's Loki datasource. */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        return List.of(
                new HttpReadyProbe("loki-ready", "Loki answers /ready: its ingester has joined the ring and it can take writes.",
                        deadline, "loki", "/ready", "Loki",
                        "Loki waits about 15s after start before reporting ready; if it stays unready check its logs for the"
                                + " ring (replication_factor must be 1 with one replica), schemaConfig and storage"),
                new LokiPushRoundTripProbe(deadline),
                new CollectorLogsProbe(deadline, config.logs().collector()),
                new DatasourceHealthProbe("grafana-datasource-loki", deadline, "grafana", "loki", "Loki",
                        "the provisioned datasource URL must be the topology's Loki Service"
                                + (config.logs().authEnabled()
                                ? ", and with logs.auth on it must send the " + LokiAuth.TENANT_HEADER + " header for tenant '" + config.logs().tenant() + "'"
                                : "")));
    }

    /**
     * With object storage (prod), Loki reads its endpoint and keys from a Secret the user creates (loki.yaml.j2 puts
     * it under {@code defaults.extraEnvFrom} and refers to {@code ${S3_ENDPOINT}}, {@code ${AWS_ACCESS_KEY_ID}},
     * {@code ${AWS_SECRET_ACCESS_KEY}}): declared so that {@code up} checks it before the first write and
     * {@code plan}'s install.sh checks it too, instead of Loki crash-looping on a real cluster.
     */
    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        if (!(config.profile().settings().get("loki") instanceof Map<?, ?> loki) || !(loki.get("storage") instanceof Map<?, ?> storage)) {
            return List.of();
        }
        Object type = storage.get("type");
        Object secretName = storage.get("secretName");
        if ("filesystem".equals(type) || !(secretName instanceof String name) || name.isBlank()) {
            return List.of();
        }
        return List.of(StackSecret.userProvided(topology.namespace(), name, "Loki's object storage (" + type + ") endpoint and keys",
                List.of("S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")));
    }
}
