package dev.obsbootstrap.core.testing;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.probe.EndpointProbeContext;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeResult;
import dev.obsbootstrap.core.probe.ProbeRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/** Shortcuts for probe tests: an explicit-endpoint context over fakes or local processes, and a fast-polling runner. */
public final class ProbeTesting {
    /** Polls every 100ms, backing off to 500ms: tests stay fast without changing what a try does. */
    public static final ProbeRunner.Polling FAST =
            new ProbeRunner.Polling(Duration.ofMillis(100), Duration.ofMillis(500), 4);

    private ProbeTesting() {}

    public static EndpointProbeContext context(BootstrapConfig config, Map<String, HttpUrl> endpoints) {
        return context(config, endpoints, Map.of());
    }

    /** With {@code environment} as the process environment (e.g. OBS_GRAFANA_USER/OBS_GRAFANA_PASSWORD). */
    public static EndpointProbeContext context(
            BootstrapConfig config, Map<String, HttpUrl> endpoints, Map<String, String> environment) {
        return EndpointProbeContext.builder(config, TestConfigs.topology(config))
                .endpoints(endpoints)
                .environment(environment)
                .runId("obs-test" + Long.toHexString(System.nanoTime()))
                .build();
    }

    public static ProbeRunner runner(RecordingConsole console) {
        return new ProbeRunner(console, FAST);
    }

    /** Runs one probe the way a phase would (polled until it passes or its deadline passes). */
    public static ProbeResult run(Probe probe, ProbeContext context) throws InterruptedException {
        return runner(new RecordingConsole())
                .run("test", List.of(probe), context)
                .get(0);
    }
}
