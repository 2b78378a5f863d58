package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigSection;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.manifest.ConfigChecker;
import dev.obsbootstrap.core.phase.Phase;
import dev.obsbootstrap.core.probe.HttpReadyProbe;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.secret.StackSecret;
import dev.obsbootstrap.metrics.grafana.GrafanaQueryProbe;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import dev.obsbootstrap.traces.TracesSettings.TempoLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /** The {@code traces:} section of the config: which Tempo layout. */
    @Override
    public Optional<ConfigSection<?>> configSection() {
        return Optional.of(new TracesSection());
    }

    @Override
    public List<ConfigChecker> configCheckers() {
        return List.of(new OtelcolValidateChecker());
    }

    @Override
    public boolean enabled(BootstrapConfig config) {
        return config.phaseEnabled(id());
    }

    @Override
    public List<String> components(BootstrapConfig config) {
        return List.of(TracesSettings.of(config).tempo().componentId(), "opentelemetry-collector");
    }

    /**
     * The Tempo layout not chosen: traces.tempo gives each its own release ({stack}-tempo, {stack}-tempo-distributed),
     * so a switch would leave a second Tempo running, which nothing writes to any more. Both read the same bucket
     * (tempo.yaml.j2, tempo-distributed.yaml.j2), so the traces stored there stay readable after the switch.
     */
    @Override
    public List<String> replacedComponents(BootstrapConfig config) {
        TempoLayout chosen = TracesSettings.of(config).tempo();
        return java.util.Arrays.stream(TempoLayout.values())
                .filter(layout -> layout != chosen)
                .map(TempoLayout::componentId)
                .toList();
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
        List<Probe> probes = new ArrayList<>(List.of(
                new HttpReadyProbe(
                                "otel-collector-health",
                                "Every collector replica's health_check extension reports the process available.",
                                deadline,
                                "otel-collector-health",
                                "/",
                                "OpenTelemetry Collector",
                                // the legacy health_check extension reports process readiness only: it stays 200 while
                                // an exporter
                                // fails, and a pipeline that fails to start makes the collector exit instead of
                                // answering 503
                                "the collector process is starting or shutting down (the extension answers 503 only then): check the pod's"
                                        + " restarts and logs; exporter failures do not show here but in otlp-span-round-trip")
                        .everyReplica(),
                new HttpReadyProbe(
                        "tempo-ready",
                        "Tempo answers /ready through the Service that serves queries (monolithic: the one binary,"
                                + " its ingester in the ring; distributed: the query-frontend).",
                        deadline,
                        "tempo",
                        "/ready",
                        "Tempo",
                        "Tempo waits a few seconds after start before reporting ready; if it stays unready check its logs for storage and ring errors"),
                spans,
                new TraceQlSearchProbe(deadline, spans),
                new GrafanaQueryProbe(
                        "grafana-tempo-trace-query",
                        "Grafana's provisioned Tempo datasource returns the run's trace by id (POST /api/ds/query), as Explore does.",
                        deadline,
                        "grafana",
                        "tempo",
                        "tempo",
                        "Tempo",
                        new GrafanaTraceQuery(),
                        spans::acceptedAtNanos,
                        "Grafana reads another Tempo than the collector writes to, or none: the provisioned datasource URL must be the"
                                + " topology's Tempo query Service (port 3200)")));
        // the collector carries every signal: one pipeline and one probe each, where the signal's store is installed
        if (config.phaseEnabled("metrics")) {
            probes.add(new OtlpMetricRoundTripProbe(deadline));
        }
        if (config.phaseEnabled("logs")) {
            probes.add(new OtlpLogRoundTripProbe(deadline));
        }
        if (config.phaseEnabled("metrics")) {
            probes.add(
                    new ScrapePoolsProbe(
                            "prometheus-scrapes-traces-stack",
                            "Prometheus scrapes Tempo and every collector replica (their ServiceMonitors), so failed exports and dropped spans show in metrics.",
                            deadline,
                            topology ->
                                    ownPools(topology, TracesSettings.of(config).tempo()),
                            "the tempo and opentelemetry-collector values must enable serviceMonitor (and the collector's metrics port)"));
        }
        return List.copyOf(probes);
    }

    /**
     * The ServiceMonitors of this phase's charts: tempo names it after its fullname and its first endpoint is Tempo's
     * own metrics port (the second, jaeger-metrics, exists only with tempo-query); opentelemetry-collector names it
     * after its fullname (grafana/helm-charts charts/tempo/templates/servicemonitor.yaml,
     * open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector/templates/servicemonitor.yaml).
     */
    static List<ScrapePoolsProbe.Pool> ownPools(StackTopology topology, TempoLayout layout) {
        List<ScrapePoolsProbe.Pool> pools = new ArrayList<>();
        if (layout == TempoLayout.MONOLITHIC) {
            pools.add(new ScrapePoolsProbe.Pool(
                    "tempo", topology.namespace(), topology.component("tempo").fullname(), "0"));
        } else {
            // one ServiceMonitor per component, named <fullname>-<component>, its one endpoint http-metrics
            // (grafana-community/helm-charts charts/tempo-distributed/templates/lib/service-monitor.tpl, 2.26.2)
            String fullname = topology.component(layout.componentId()).fullname();
            for (String role : DISTRIBUTED_ROLES) {
                pools.add(new ScrapePoolsProbe.Pool("tempo-" + role, topology.namespace(), fullname + "-" + role, "0"));
            }
        }
        pools.add(ScrapePoolsProbe.Pool.serviceMonitor(
                "otel-collector",
                topology.namespace(),
                topology.component("opentelemetry-collector").fullname()));
        return List.copyOf(pools);
    }

    /** The Tempo components tempo-distributed.yaml.j2 runs, each with its own Service and ServiceMonitor. */
    static final List<String> DISTRIBUTED_ROLES =
            List.of("distributor", "ingester", "querier", "query-frontend", "compactor");

    @Override
    public List<StackSecret> secrets(BootstrapConfig config, StackTopology topology) {
        if (!(config.profile().settings().get("tempo") instanceof java.util.Map<?, ?> tempo)
                || !(tempo.get("storage") instanceof java.util.Map<?, ?> storage)) {
            return List.of();
        }
        Object secret = storage.get("secret");
        if ("local".equals(storage.get("type")) || !(secret instanceof String name) || name.isBlank()) {
            return List.of();
        }
        return List.of(
                StackSecret.objectStorage(topology.namespace(), config.cluster().stack() + "-" + name));
    }
}
