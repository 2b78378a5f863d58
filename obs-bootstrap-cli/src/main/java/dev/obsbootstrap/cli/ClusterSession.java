package dev.obsbootstrap.cli;

import dev.obsbootstrap.core.cluster.ClusterHub;
import dev.obsbootstrap.core.cluster.ClusterTarget;
import dev.obsbootstrap.core.cluster.FailFast;
import dev.obsbootstrap.core.cluster.StackSecrets;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.console.Console;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.ChartResolver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.KubeAccess;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.lock.LeaseRunLock;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.phase.PhasePlan;
import dev.obsbootstrap.core.probe.ClusterProbeContext;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeRunner;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import dev.obsbootstrap.core.run.ClusterPhaseActions;
import dev.obsbootstrap.core.run.ConfigMapLedgerStore;
import dev.obsbootstrap.core.run.Runner;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesInputs;
import dev.obsbootstrap.core.values.ValuesRenderer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/** How every cluster command reaches the cluster: one hub, the target printed first, protected contexts refused. */
final class ClusterSession {
    private ClusterSession() {}

    /** The hub for --kubeconfig, else KUBECONFIG / ~/.kube/config / in-cluster; the context is the config's (--context already applied). */
    static ClusterHub open(ClusterMixin options, BootstrapConfig config) {
        String context = config.cluster().context();
        return options.kubeconfig()
                .map(file -> ClusterHub.forKubeconfig(file, context, System.getenv()))
                .orElseGet(() -> ClusterHub.discover(context, System.getenv()));
    }

    /**
     * Prints the target (context, API server, Kubernetes version) before anything changes, and refuses a protected
     * context unless --yes was given. Fails fast when the API server does not answer (exit 3).
     */
    static ClusterTarget announce(
            ClusterHub hub, BootstrapConfig config, boolean yes, String command, Console console) {
        ClusterTarget target = describe(hub, config, console);
        if (config.cluster().isProtected(target.context())) {
            if (!yes) {
                throw new ConfigException(
                        "kube context '" + target.context() + "' is protected (cluster.protectedContexts / "
                                + "cluster.protectedPatterns in " + config.source() + "): `" + command
                                + "` changes it only with --yes; check that this is the cluster you mean");
            }
            console.warn("kube context '%s' is protected; going ahead because --yes was given", target.context());
        }
        return target;
    }

    /** For commands that only read (status, verify): the target is printed, protection does not apply. */
    static ClusterTarget describe(ClusterHub hub, BootstrapConfig config, Console console) {
        ClusterTarget target = hub.target();
        console.info("target: %s, namespace %s", target.describe(), config.namespace());
        return target;
    }

    /**
     * Probes through the API server (service and pod proxies) with the hub's retry-free client, with the logins the
     * phases declare for their endpoints read from their Secrets.
     */
    static ClusterProbeContext probeContext(
            BootstrapConfig config,
            StackTopology topology,
            ClusterHub hub,
            PhasePlan plan,
            Map<String, HttpUrl> explicit,
            String runId) {
        ClusterProbeContext.Builder builder = ClusterProbeContext.builder(config, topology, hub.probeClient());
        for (Phase phase : plan.ordered()) {
            phase.probeCredentials(topology).forEach(builder::credentials);
        }
        return builder.endpointOverrides(explicit).runId(runId).build();
    }

    /** Helm renders for the cluster's version; "v1.31.4+k3s1" is accepted as it is. */
    static String helmKubeVersion(ClusterTarget target) {
        String version = target.kubernetesVersion();
        return version.startsWith("v") ? version.substring(1) : version;
    }

    /** Renders a component's values with the templates and resolves its chart: what plan, up and down all need. */
    static ReleaseRenderer renderer(ChartResolver charts, BootstrapConfig config, StackTopology topology) {
        Optional<String> code = CodeFingerprint.ofThisBuild();
        return new ReleaseRenderer(charts, new ReleaseRenderer.ValuesSource() {
            // the template engine is made by the first render: up renders on a thread of its own (Runner), and
            // starting jinjava there too keeps it off the path to the cluster's first answers; an unchanged up
            // renders nothing and never makes it
            private ValuesRenderer renderer;

            @Override
            public ReleaseSpec.Values render(ComponentSpec component, String version) {
                RenderedValues rendered = engine().render(component, config, topology, version);
                return new ReleaseSpec.Values(rendered.values(), rendered.yaml());
            }

            @Override
            public Optional<String> inputsDigest(ComponentSpec component, String version) {
                return code.flatMap(
                        fingerprint -> ValuesInputs.digest(component, config, topology, version, fingerprint));
            }

            private synchronized ValuesRenderer engine() {
                if (renderer == null) {
                    renderer = new ValuesRenderer();
                }
                return renderer;
            }
        });
    }

    /** The runner over this cluster, wired once for up and down: Helm, charts, values, Secrets, probes and the ledger. */
    static Runner runner(
            ClusterHub hub,
            ClusterTarget target,
            BootstrapConfig config,
            StackTopology topology,
            PhasePlan plan,
            List<Path> chartsDirs,
            ProbeContext probes,
            Optional<Duration> timeout,
            String runId,
            Console console) {
        ChartResolver charts = ChartResolver.standard(chartsDirs, console);
        return runner(
                hub,
                target,
                config,
                topology,
                plan,
                charts,
                renderer(charts, config, topology),
                probes,
                timeout,
                runId,
                console);
    }

    /** The same runner with release specs from elsewhere than the templates: a reviewed bundle's values and charts (up --bundle). */
    static Runner runner(
            ClusterHub hub,
            ClusterTarget target,
            BootstrapConfig config,
            StackTopology topology,
            PhasePlan plan,
            ChartResolver charts,
            ReleaseRenderer renderer,
            ProbeContext probes,
            Optional<Duration> timeout,
            String runId,
            Console console) {
        HelmJavaDriver helm = new HelmJavaDriver(new KubeAccess.KubeconfigContents(hub.kubeconfigContents()), charts);
        ClusterPhaseActions actions = new ClusterPhaseActions(
                config,
                topology,
                hub.client(),
                helm,
                renderer,
                new StackSecrets(hub.client(), System.getenv()),
                new ProbeRunner(console),
                probes,
                helmKubeVersion(target),
                timeout,
                runId,
                FailFast.DEFAULT,
                console);
        return new Runner(
                plan,
                config,
                actions,
                new ConfigMapLedgerStore(hub.client(), config.namespace()),
                new LeaseRunLock(hub.client(), config.namespace()),
                console,
                Clock.systemUTC());
    }
}
