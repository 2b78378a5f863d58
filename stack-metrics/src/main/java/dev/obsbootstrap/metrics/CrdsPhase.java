package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.List;

/** Prometheus Operator CRDs, server-side applied and Established */
public final class CrdsPhase implements Phase {
    @Override
    public String id() {
        return "crds";
    }

    @Override
    public String description() {
        return "Prometheus Operator CRDs, server-side applied and Established";
    }

    @Override
    public List<String> dependsOn() {
        return List.of();
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of("prometheus-operator-crds");
    }

    /** Needs a cluster: in an explicit-endpoint verify the probe fails at once saying so (see {@link CrdsEstablishedProbe}). */
    @Override
    public List<Probe> probes(BootstrapConfig config) {
        return List.of(new CrdsEstablishedProbe(config.profile().probeDeadline()));
    }

    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        return List.of();
    }
}
