/**
 * Shared test harness (bootstrap-core's test-jar): a simulated Kubernetes cluster that real Helm and fabric8 work
 * against, and fixtures for it.
 *
 * <pre>{@code
 * @Timeout(value = 120, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // Helm in native code ignores interrupts
 * class MyPhaseTest {
 *     @TempDir static Path tmp;
 *     static FakeCluster cluster;
 *
 *     @BeforeAll static void start() {
 *         cluster = FakeCluster.builder().contextName("fake-ci").kubernetesVersion("1.31.0")
 *                 .namespaces("obs").preload(Fixtures.resource("crds/monitoring-crds.yaml")).start();
 *         cluster.kubelet().behave("*-loki-*", WorkloadBehaviour.crashLoop("level=error msg=\"schema config missing\""));
 *     }
 *     @AfterAll static void stop() { cluster.close(); }
 *
 *     @Test void installs() throws Exception {
 *         Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"));      // for ClusterHub / the CLI
 *         new Helm(Fixtures.chart("workloads", tmp)).install().withName("demo").withNamespace("obs")
 *                 .withKubeConfigContents(cluster.kubeconfigYaml()).call();         // for helm-java
 *         cluster.client().apps().deployments().inNamespace("obs").list();           // fabric8, for assertions
 *     }
 * }
 * }</pre>
 *
 * What the simulated API server does (see {@code SimulatedApiServer}): discovery, /version, a minimal OpenAPI v3/v2,
 * protobuf Secrets/ConfigMaps, typed list kinds, merge and strategic-merge patches (keyed lists), server-side apply as
 * create-or-merge, CRDs Established and Services given a clusterIP on write, pod logs, and client-go's chunked watches
 * answered once (so Helm hook Jobs complete). The {@link dev.obsbootstrap.core.testing.KubeletSimulator} creates
 * ReplicaSets and pods and writes workload status per {@link dev.obsbootstrap.core.testing.WorkloadBehaviour}.
 * {@link dev.obsbootstrap.core.testing.FakeCluster#requests()} lists every request, for debugging a failing test.
 *
 * Not simulated: SSA field ownership and conflicts, strategic merge for lists outside the known merge keys, admission,
 * RBAC (everything is allowed), service proxy and port-forward (see {@link dev.obsbootstrap.core.testing.PortForwardingApiServer}
 * for those), real controllers beyond the workload ones.
 *
 * The fakes of the stack's servers (FakeGrafana, FakeLoki, FakeTempo, FakeOtelCollector, FakePrometheus) reproduce
 * the pinned upstream versions' success and failure answers; each behaviour names, in the class comment, the upstream
 * file (repository, path, tag) it comes from. A fake more lenient than its server is a bug.
 */
package dev.obsbootstrap.core.testing;
