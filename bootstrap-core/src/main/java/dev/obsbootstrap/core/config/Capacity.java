package dev.obsbootstrap.core.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The nodes a profile is sized for, as its description promises them (profile key {@code capacity}): plan sums the
 * bundle's requests and limits against it.
 *
 * @param nodes           how many nodes; 0 when the profile states no size (nothing is checked)
 * @param memoryPerNode   bytes of memory per node, as sold (4 GiB)
 * @param cpuPerNode      cores per node
 * @param reservedPerNode bytes per node taken before the stack runs: the kubelet's and the system's reservations and
 *                        kube-system's pods (CoreDNS, the CNI, on one-node clusters etcd and the API server)
 * @param limitsMustFit   true: the limits, not only the requests, must fit what is left, so a node where every
 *                        container reaches its limit does not run out of memory (a one-node ci cluster has no other
 *                        node to reschedule to)
 */
public record Capacity(
        int nodes, BigDecimal memoryPerNode, BigDecimal cpuPerNode, BigDecimal reservedPerNode, boolean limitsMustFit) {
    /** A profile that states no node size. */
    public static final Capacity UNSTATED = new Capacity(0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, false);

    public Capacity {
        Objects.requireNonNull(memoryPerNode, "memoryPerNode");
        Objects.requireNonNull(cpuPerNode, "cpuPerNode");
        Objects.requireNonNull(reservedPerNode, "reservedPerNode");
        if (nodes < 0) {
            throw new IllegalArgumentException("nodes " + nodes + " < 0");
        }
    }

    public boolean stated() {
        return nodes > 0;
    }

    /** Bytes of memory per node the stack may use: as sold, less what is reserved. */
    public BigDecimal allocatableMemoryPerNode() {
        return memoryPerNode.subtract(reservedPerNode);
    }
}
