package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.secret.StackSecret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The real phases (found with ServiceLoader, as the CLI finds them: same ids, dependencies, components and Secrets),
 * each with its probes replaced by one probe the test controls. Probes cannot reach pods on the simulated cluster;
 * what these tests prove is everything around the probes: order, gating, the ledger, Helm and the waits.
 * Every probe run is recorded, in order, and can call back into the test (to leave a marker in the cluster's request
 * log, or to interrupt the run).
 */
final class ControlledProbes {
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> onProbe = phase -> {};

    /** The phases to hand to {@code usePhases}: a fresh list each time, as ServiceLoader gives. */
    List<Phase> phases() {
        List<Phase> phases = new ArrayList<>();
        ServiceLoader.load(Phase.class).forEach(real -> phases.add(new ControlledPhase(real, this)));
        return phases;
    }

    /** The probe of this phase fails from now on. */
    ControlledProbes failIn(String phaseId) {
        failing.add(phaseId);
        return this;
    }

    /** Called with the phase id each time a probe runs, before it answers. */
    ControlledProbes onProbe(Consumer<String> callback) {
        this.onProbe = Objects.requireNonNull(callback, "callback");
        return this;
    }

    /** Phase ids in the order their probes ran. */
    List<String> ran() {
        synchronized (ran) {
            return List.copyOf(ran);
        }
    }

    void clear() {
        ran.clear();
    }

    /** A real phase whose probes are one controlled probe. */
    private record ControlledPhase(Phase real, ControlledProbes control) implements Phase {
        @Override
        public String id() {
            return real.id();
        }

        @Override
        public String description() {
            return real.description();
        }

        @Override
        public List<String> dependsOn() {
            return real.dependsOn();
        }

        @Override
        public boolean enabled(BootstrapConfig config) {
            return real.enabled(config);
        }

        @Override
        public List<String> components(BootstrapConfig config) {
            return real.components(config);
        }

        @Override
        public List<String> replacedComponents(BootstrapConfig config) {
            return real.replacedComponents(config);
        }

        @Override
        public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
            return real.secrets(config, topology);
        }

        @Override
        public List<Probe> probes(BootstrapConfig config) {
            return List.of(new ControlledProbe(real.id(), control));
        }

        @Override
        public java.util.Map<String, dev.obsbootstrap.core.probe.SecretCredentials> probeCredentials(
                StackTopology topology) {
            return real.probeCredentials(topology);
        }

        @Override
        public java.util.Optional<dev.obsbootstrap.core.config.ConfigSection<?>> configSection() {
            return real.configSection();
        }
    }

    /** One try, no polling (deadline zero): passes unless the test made its phase fail. */
    private record ControlledProbe(String phase, ControlledProbes control) implements Probe {
        @Override
        public String name() {
            return "test-probe-" + phase;
        }

        @Override
        public String proves() {
            return "stands in for the " + phase + " probes, which cannot reach pods on the simulated cluster";
        }

        @Override
        public Duration deadline() {
            return Duration.ZERO;
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) {
            control.ran.add(phase);
            control.onProbe.accept(phase);
            return control.failing.contains(phase)
                    ? ProbeAttempt.fail("the test made " + phase + " fail", "nothing to fix: the test chose this")
                    : ProbeAttempt.pass(phase + " passes (test probe)");
        }
    }
}
