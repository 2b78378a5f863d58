package dev.obsbootstrap.example.profiling;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.List;

/**
 * Continuous profiling with Grafana Pyroscope, after metrics: the example of a phase added as one module. The
 * catalog fragment ({@code obs-bootstrap/catalog.yaml} in this jar) pins the chart and names the release, Service and
 * settings file; the values template and the per-profile settings sit beside it. Nothing in core or the CLI names it.
 */
public final class ProfilingPhase implements Phase {
    @Override
    public String id() {
        return "profiling";
    }

    @Override
    public String description() {
        return "Grafana Pyroscope for continuous profiling (example phase module)";
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
        return List.of("pyroscope");
    }

    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        return List.of();
    }

    /**
     * Pyroscope's /ready: 200 once its ingester has joined the ring (grafana/pyroscope v1.18.0, pkg/api readiness
     * handler). A real phase would push a profile and read it back; this example shows the shape.
     */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        return List.of(new HttpReadyProbe(
                "pyroscope-ready",
                "Pyroscope answers /ready: it can take profiles.",
                config.profile().probeDeadline(),
                "pyroscope",
                "/ready",
                "Pyroscope",
                "Pyroscope is starting or its ring is not ready: check the pyroscope pod's logs"));
    }
}
