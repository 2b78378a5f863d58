/**
 * Cluster access for the engine. Everything here works on one fabric8 {@code KubernetesClient} owned by
 * {@link dev.obsbootstrap.core.cluster.ClusterHub}.
 *
 * <pre>{@code
 * try (ClusterHub hub = options.kubeconfig()
 *         .map(file -> ClusterHub.forKubeconfig(file, context, System.getenv()))
 *         .orElseGet(() -> ClusterHub.discover(context, System.getenv()))) {
 *     console.info("target: %s", hub.target().describe());          // fails fast (exit 3) when unreachable
 *     KubeAccess helm = new KubeAccess.KubeconfigContents(hub.kubeconfigContents());
 *     Waiter waiter = new Waiter(hub.client());
 *
 *     phase.secrets(config, topology).forEach(new StackSecrets(hub.client(), System.getenv())::ensure);
 *     new CrdApplier(hub.client(), waiter).apply(crdManifest, timeout);   // phase 0
 *     // helm upgrade --install ..., then:
 *     List<ResourceRef> workloads = Waiter.workloadsInManifest(release.manifest(), ns);
 *     workloads.addAll(waiter.operatorWorkloads(ns, component.operatorWorkloads(), timeout));
 *     try {
 *         waiter.waitAllReady(workloads, timeout, (ready, total) -> console.progress("%d/%d ready", ready, total));
 *     } catch (ClusterException notReady) {
 *         console.error("%s", new Diagnostics(hub.client()).diagnose(workloads).render());
 *         throw notReady;
 *     }
 * }
 * }</pre>
 *
 * Errors: {@code ConfigException} (exit 2) for what the user wrote (kubeconfig, context, selectors, unset
 * credential variables), {@code ClusterException} (exit 3) for what the cluster did (unreachable, refused, not ready
 * in time). Waits throw {@code InterruptedException} on Ctrl-C.
 */
package dev.obsbootstrap.core.cluster;
