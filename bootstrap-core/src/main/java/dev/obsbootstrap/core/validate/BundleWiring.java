package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.config.Capacity;
import dev.obsbootstrap.core.plan.Finding;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The checks that look across the releases of a bundle, for what only shows once the pods run:
 * <ul>
 *   <li>{@link ServiceReferences}: every in-cluster address resolves to a Service and port of the bundle;</li>
 *   <li>{@link ObjectReferences}: every Secret, ConfigMap and ServiceAccount a workload needs is rendered or
 *       declared;</li>
 *   <li>{@link CapacityCheck}: requests and limits, summed, fit the nodes the profile is sized for.</li>
 * </ul>
 */
public final class BundleWiring {
    private final String profile;
    private final Capacity capacity;
    private final List<StackSecret> declared;
    private final Collection<String> operatorResources;
    private final Map<String, Map<String, Object>> operatorPodSidecars;

    /**
     * @param declared            the Secrets the phases declare (created or checked before the first release)
     * @param operatorResources   {@code group/Kind} of custom resources an operator turns into pods
     * @param operatorPodSidecars what the operator adds to each such pod ({@code ComponentCatalog.operatorPodSidecars})
     */
    public BundleWiring(
            String profile,
            Capacity capacity,
            List<StackSecret> declared,
            Collection<String> operatorResources,
            Map<String, Map<String, Object>> operatorPodSidecars) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.declared = List.copyOf(declared);
        this.operatorResources = List.copyOf(operatorResources);
        this.operatorPodSidecars = Map.copyOf(operatorPodSidecars);
    }

    /**
     * @param findings what is wrong
     * @param sums     one line for the console: what the stack requests and limits, against what the profile states
     */
    public record Result(List<Finding> findings, String sums) {}

    public Result check(List<ManifestFile> files) {
        BundleObjects bundle = BundleObjects.of(files);
        List<Finding> findings = new ArrayList<>(ServiceReferences.check(bundle));
        findings.addAll(new ObjectReferences(declared, operatorResources).check(bundle));
        CapacityCheck.Result sums =
                new CapacityCheck(profile, capacity, operatorResources, operatorPodSidecars).check(bundle);
        findings.addAll(sums.findings());
        CapacityCheck.Pod total = sums.total();
        int nodes = Math.max(capacity.nodes(), 1);
        String line = "capacity: memory requests " + CapacityCheck.mi(total.memoryRequest()) + ", limits "
                + CapacityCheck.mi(total.memoryLimit()) + ", CPU requests " + CapacityCheck.cores(total.cpuRequest())
                + " cores"
                + (capacity.stated()
                        ? " on " + nodes + " node(s) with "
                                + CapacityCheck.mi(capacity.allocatableMemoryPerNode()
                                        .multiply(java.math.BigDecimal.valueOf(nodes)))
                                + " and "
                                + CapacityCheck.cores(
                                        capacity.cpuPerNode().multiply(java.math.BigDecimal.valueOf(nodes)))
                                + " cores left for the stack (profile " + profile + ")"
                        : " (profile " + profile + " states no node size)");
        return new Result(List.copyOf(findings), line);
    }
}
