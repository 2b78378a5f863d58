package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;

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

    @Override
    public List<Probe> probes(BootstrapConfig config) {
        return List.of();
    }
}
