package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.StackSecret;
import dev.obsbootstrap.core.probe.GrafanaQueryProbe;
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

    /**
     * Every collector replica up, Tempo ready, a span through every collector replica read back from Tempo by id and
     * by TraceQL search, and the same trace read through Grafana's Tempo datasource. Grafana's Tempo health check is
     * not used: the core datasource has none (404 plugin.notImplemented) and the plugin's reads no data.
     */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        Duration deadline = config.profile().probeDeadline();
        OtlpSpanRoundTripProbe spans = new OtlpSpanRoundTripProbe(deadline);
        return List.of(
                new HttpReadyProbe("otel-collector-health", "Every collector replica's health_check extension reports the process available.",
                        deadline, "otel-collector-health", "/", "OpenTelemetry Collector",
                        // the legacy health_check extension reports process readiness only: it stays 200 while an exporter
                        // fails, and a pipeline that fails to start makes the collector exit instead of answering 503
                        "the collector process is starting or shutting down (the extension answers 503 only then): check the pod's"
                                + " restarts and logs; exporter failures do not show here but in otlp-span-round-trip").everyReplica(),
                new HttpReadyProbe("tempo-ready", "Tempo answers /ready: its ingester has joined the ring and it can take traces.",
                        deadline, "tempo", "/ready", "Tempo",
                        "Tempo waits a few seconds after start before reporting ready; if it stays unready check its logs for storage and ring errors"),
                spans,
                new TraceQlSearchProbe(deadline, spans),
                new GrafanaQueryProbe("grafana-tempo-trace-query",
                        "Grafana's provisioned Tempo datasource returns the run's trace by id (POST /api/ds/query), as Explore does.",
                        deadline, "grafana", "tempo", "tempo", "Tempo", new GrafanaTraceQuery(), spans::acceptedAtNanos,
                        "Grafana reads another Tempo than the collector writes to, or none: the provisioned datasource URL must be the"
                                + " topology's Tempo query Service (port 3200)"));
    }

    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        return List.of();
    }
}
