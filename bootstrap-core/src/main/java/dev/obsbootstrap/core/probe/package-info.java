/**
 * Probes: proving that each signal of the stack flows, end to end.
 *
 * <h2>Running probes</h2>
 * <pre>{@code
 * ProbeRunner runner = new ProbeRunner(console);                       // 500 ms polls backing off to 2 s
 * List<ProbeResult> results = runner.run(phase.id(), phase.probes(config), context);   // throws InterruptedException
 * }</pre>
 * Each probe is polled (Awaitility) until a try passes or its {@link dev.obsbootstrap.core.probe.Probe#deadline()}
 * (the profile's probeDeadline) passes. Once a probe of a phase has failed, the later probes of that phase get one
 * try each. Progress goes to {@code console.forPhase(id)}: a progress line per try, then one info (passed) or warn
 * (failed) line per probe. Everything in a {@link dev.obsbootstrap.core.probe.ProbeResult} has passed through
 * {@link dev.obsbootstrap.core.probe.ProbeContext#redact}. Call {@code phase.probes(config)} once per run: round-trip
 * probes keep what they sent between tries.
 *
 * <h2>Contexts</h2>
 * <ul>
 *   <li>Explicit URLs ({@code verify --endpoint NAME=URL}, no cluster):
 *   <pre>{@code
 * Map<String, HttpUrl> urls = ExplicitEndpoints.parse(options.endpoints(), topology.endpoints().keySet()); // ConfigException on bad text
 * try (EndpointProbeContext context = EndpointProbeContext.builder(config, topology).endpoints(urls).build()) { ... }
 *   }</pre>
 *   Basic-auth credentials come from {@code OBS_<NAME>_USER}/{@code OBS_<NAME>_PASSWORD} (endpoint
 *   {@code ui}: OBS_UI_USER, OBS_UI_PASSWORD). A probe whose endpoint was not given fails at once
 *   ({@link dev.obsbootstrap.core.probe.TerminalProbeFailure}, "pass --endpoint NAME=URL"); a probe that reads the
 *   cluster itself fails at once with "needs a cluster".</li>
 *   <li>Cluster (the API server's service proxy for each Service, the pod proxy for every ready replica, a
 *   port-forward only where the proxy is refused or cannot carry basic auth; forwards close with the context, the
 *   client stays the caller's):
 *   <pre>{@code
 * try (ClusterProbeContext context = ClusterProbeContext.builder(config, topology, client)
 *         .credentials("ui", new SecretCredentials("ui-admin", "user", "password"))  // from phase.probeCredentials
 *         .endpointOverrides(urls)                                                   // optional
 *         .build()) { ... }
 *   }</pre></li>
 * </ul>
 *
 * <h2>Writing a probe</h2>
 * {@code attempt()} makes one try: use {@link dev.obsbootstrap.core.probe.ProbeHttp} (transport failures come back as
 * {@link dev.obsbootstrap.core.probe.HttpReply} values, so the probe can name the component and what it tried) and
 * {@link dev.obsbootstrap.core.probe.Json}; return {@code ProbeAttempt.fail(observed, hint)} with what was checked and
 * seen, and the likely cause in the stack's terms. A probe that writes a signal proves it with data of this run (the
 * run id, {@link dev.obsbootstrap.core.probe.RunIds#traceId}), stamps it with the receiving server's clock
 * ({@link dev.obsbootstrap.core.probe.HttpReply#serverTime()}), and returns an
 * {@link dev.obsbootstrap.core.probe.Evidence} (what it sent, where it found it, the write-to-read latency) with its
 * attempts; the runner adds how each endpoint was reached. Where replicas matter, iterate
 * {@link dev.obsbootstrap.core.probe.ProbeContext#replicas}. Match only the stack's own objects (exact namespace and
 * name): other teams' objects in the cluster never decide a verdict. The generic probe any stack module can use is
 * {@link dev.obsbootstrap.core.probe.HttpReadyProbe}; probes of a particular server live in the module that installs
 * it (see docs/architecture.md).
 */
package dev.obsbootstrap.core.probe;
