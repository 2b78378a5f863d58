package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.probe.DatasourceHealthProbe;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;

import java.time.Duration;
import java.util.List;

/** Tempo and the OpenTelemetry Collector (OTLP in, OTLP to Tempo) */
public final class TracesPhase implements Phase {
    @Override
    public String id() {
        return "traces";
    }

    @Override
    public String description() {
        return "Tempo and the OpenTelemetry Collector (OTLP in, OTLP to Tempo)";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("logs");
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("tempo", "opentelemetry-collector");
    }

    /** Collector healthy, Tempo ready, a span sent through the collector and read back from Tempo, Grafana's Tempo datasource. */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        return List.of(
                new HttpReadyProbe("otel-collector-health", "The OpenTelemetry Collector's health_check extension reports it available.",
                        deadline, "otel-collector-health", "/", "OpenTelemetry Collector",
                        "the collector answers but is not available yet: a pipeline failed to start (check its logs for exporter"
                                + " or receiver errors); the health_check extension must listen on 0.0.0.0:13133"),
                new HttpReadyProbe("tempo-ready", "Tempo answers /ready: its ingester has joined the ring and it can take traces.",
                        deadline, "tempo", "/ready", "Tempo",
                        "Tempo waits a few seconds after start before reporting ready; if it stays unready check its logs for storage and ring errors"),
                new OtlpSpanRoundTripProbe(deadline),
                new DatasourceHealthProbe("grafana-datasource-tempo", deadline, "grafana", "tempo", "Tempo",
                        "the provisioned datasource URL must be the topology's Tempo query Service (port 3200)"));
    }

    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        return List.of();
    }
}
