package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.config.Capacity;
import dev.obsbootstrap.core.manifest.ManifestObject;
import dev.obsbootstrap.core.plan.Finding;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The bundle's requests and limits summed against the nodes the profile is sized for ({@link Capacity}), the way the
 * scheduler and the kernel see them:
 * <ul>
 *   <li>every replica counts (Deployments, StatefulSets, ReplicaSets: {@code spec.replicas}, 1 when unset);</li>
 *   <li>a DaemonSet runs once on every node;</li>
 *   <li>a pod needs the sum of its containers (and of sidecar init containers, {@code restartPolicy: Always}), or its
 *       largest ordinary init container if that is more: init containers run one after the other, before the rest;</li>
 *   <li>a container without a request is given its limit as request, as the API server does;</li>
 *   <li>pods an operator makes from a custom resource ({@code operatorResources}) count {@code spec.resources} per
 *       replica and shard, plus the containers the operator adds to each pod ({@code operatorPodSidecars});</li>
 *   <li>Jobs, CronJobs and Helm hooks are left out: they run to completion during an install, not beside the stack;
 *       so are workloads labelled as made by another controller ({@code app.kubernetes.io/managed-by}).</li>
 * </ul>
 * Requests above what the nodes have left (memory per node less {@code reservedPerNode}; all the cores) leave pods
 * Pending. When the profile says {@code limitsMustFit}, memory limits above it mean a node where every container
 * reaches its limit runs out of memory and the kernel kills pods: an error too. A single pod that needs more than
 * one node has is never scheduled.
 */
final class CapacityCheck {
    private static final BigDecimal MI = BigDecimal.valueOf(1024L * 1024L);
    private static final Set<String> REPLICATED = Set.of("Deployment", "StatefulSet", "ReplicaSet");

    private final String profile;
    private final Capacity capacity;
    private final Set<String> operatorResources;
    private final Map<String, Map<String, Object>> operatorPodSidecars;

    CapacityCheck(
            String profile,
            Capacity capacity,
            Collection<String> operatorResources,
            Map<String, Map<String, Object>> operatorPodSidecars) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.operatorResources = Set.copyOf(operatorResources);
        this.operatorPodSidecars = Map.copyOf(operatorPodSidecars);
    }

    /** What one pod needs: memory requests and limits in bytes, CPU requests in cores. */
    record Pod(BigDecimal memoryRequest, BigDecimal memoryLimit, BigDecimal cpuRequest, int unlimited) {
        static final Pod NONE = new Pod(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0);

        Pod plus(Pod other) {
            return new Pod(
                    memoryRequest.add(other.memoryRequest),
                    memoryLimit.add(other.memoryLimit),
                    cpuRequest.add(other.cpuRequest),
                    unlimited + other.unlimited);
        }

        Pod max(Pod other) {
            return new Pod(
                    memoryRequest.max(other.memoryRequest),
                    memoryLimit.max(other.memoryLimit),
                    cpuRequest.max(other.cpuRequest),
                    Math.max(unlimited, other.unlimited));
        }

        Pod times(int count) {
            BigDecimal n = BigDecimal.valueOf(count);
            return new Pod(
                    memoryRequest.multiply(n), memoryLimit.multiply(n), cpuRequest.multiply(n), unlimited * count);
        }
    }

    /** One workload's share: its pod, how many of them, and whether it runs on every node. */
    record Workload(BundleObjects.Located located, Pod pod, int count, boolean perNode) {
        Pod total(int nodes) {
            return pod.times(perNode ? count * nodes : count);
        }
    }

    /** The sums, for the plan's summary line and the notes. */
    record Result(List<Finding> findings, Pod total, List<Workload> workloads) {}

    Result check(BundleObjects bundle) {
        List<Workload> workloads = workloads(bundle);
        int nodes = Math.max(capacity.nodes(), 1);
        Pod total = Pod.NONE;
        for (Workload workload : workloads) {
            total = total.plus(workload.total(nodes));
        }
        List<Finding> findings = new ArrayList<>();
        if (!capacity.stated()) {
            return new Result(findings, total, workloads);
        }
        BigDecimal memory = capacity.allocatableMemoryPerNode().multiply(BigDecimal.valueOf(nodes));
        BigDecimal cores = capacity.cpuPerNode().multiply(BigDecimal.valueOf(nodes));
        String sized = "profile " + profile + " is sized for " + nodes + " node(s) of " + mi(capacity.memoryPerNode())
                + " and " + cores(capacity.cpuPerNode()) + " cores, " + mi(capacity.reservedPerNode())
                + " of each reserved for the system";
        if (total.memoryRequest().compareTo(memory) > 0) {
            findings.add(Finding.error(
                    "capacity",
                    "config",
                    "profile " + profile + " capacity",
                    "memory requests sum to " + mi(total.memoryRequest()) + ", more than the " + mi(memory)
                            + " the nodes have left (" + sized + "): pods stay Pending; largest: "
                            + largest(workloads, nodes, Pod::memoryRequest, true)));
        }
        if (total.cpuRequest().compareTo(cores) > 0) {
            findings.add(Finding.error(
                    "capacity",
                    "config",
                    "profile " + profile + " capacity",
                    "CPU requests sum to " + cores(total.cpuRequest()) + " cores, more than the " + cores(cores)
                            + " of the nodes (" + sized + "): pods stay Pending; largest: "
                            + largest(workloads, nodes, Pod::cpuRequest, false)));
        }
        if (capacity.limitsMustFit() && total.memoryLimit().compareTo(memory) > 0) {
            findings.add(Finding.error(
                    "capacity",
                    "config",
                    "profile " + profile + " capacity",
                    "memory limits sum to " + mi(total.memoryLimit()) + ", more than the " + mi(memory)
                            + " the nodes have left (" + sized + ", and limits must fit): under load the node runs "
                            + "out of memory before the pods reach their limits; lower the limits, largest: "
                            + largest(workloads, nodes, Pod::memoryLimit, true)
                            + (total.unlimited() > 0
                                    ? " (" + total.unlimited()
                                            + " container(s) without a memory limit counted at their request)"
                                    : "")));
        }
        for (Workload workload : workloads) {
            if (workload.pod().memoryRequest().compareTo(capacity.allocatableMemoryPerNode()) > 0
                    || workload.pod().cpuRequest().compareTo(capacity.cpuPerNode()) > 0) {
                findings.add(Finding.error(
                        "capacity",
                        workload.located().file().path(),
                        workload.located().subject(),
                        "one pod requests " + mi(workload.pod().memoryRequest()) + " and "
                                + cores(workload.pod().cpuRequest()) + " cores, more than a node has left ("
                                + sized + "): it is never scheduled"));
            }
        }
        return new Result(findings, total, workloads);
    }

    private List<Workload> workloads(BundleObjects bundle) {
        List<Workload> workloads = new ArrayList<>();
        for (BundleObjects.Located located : bundle.all()) {
            ManifestObject object = located.object();
            if (object.isHook()) {
                continue;
            }
            String groupKind = group(object.apiVersion()) + "/" + object.kind();
            if (operatorResources.contains(groupKind)) {
                Pod pod = container(object.at("spec", "resources").orElse(null));
                Map<String, Object> sidecar = operatorPodSidecars.get(groupKind);
                if (sidecar != null) {
                    pod = pod.plus(container(sidecar));
                }
                int count = count(object, "replicas") * count(object, "shards");
                workloads.add(new Workload(located, pod, count, false));
                continue;
            }
            if ("Job".equals(object.kind()) || "CronJob".equals(object.kind()) || managedByAnotherController(object)) {
                continue;
            }
            Optional<Map<?, ?>> spec = object.podSpec();
            if (spec.isEmpty()) {
                continue;
            }
            boolean daemon = "DaemonSet".equals(object.kind());
            int count = REPLICATED.contains(object.kind()) ? count(object, "replicas") : 1;
            workloads.add(new Workload(located, pod(spec.get()), count, daemon));
        }
        return workloads;
    }

    /**
     * Whether the object says a controller other than Helm makes it ({@code app.kubernetes.io/managed-by}): what an
     * operator creates from a custom resource, which is counted through that resource (a chart that renders such an
     * object stands in for the operator's output, as test charts do).
     */
    private static boolean managedByAnotherController(ManifestObject object) {
        Object labels = object.at("metadata", "labels").orElse(null);
        String manager =
                labels instanceof Map<?, ?> map ? ManifestObject.text(map.get("app.kubernetes.io/managed-by")) : "";
        return !manager.isEmpty() && !"Helm".equalsIgnoreCase(manager);
    }

    /** A pod's needs: its containers and sidecar init containers together, or its largest init container. */
    static Pod pod(Map<?, ?> spec) {
        Pod running = Pod.NONE;
        Pod init = Pod.NONE;
        Pod sidecars = Pod.NONE;
        if (spec.get("initContainers") instanceof List<?> inits) {
            for (Object entry : inits) {
                if (entry instanceof Map<?, ?> container) {
                    Pod needs = container(container.get("resources"));
                    if ("Always".equals(ManifestObject.text(container.get("restartPolicy")))) {
                        sidecars = sidecars.plus(needs);
                    } else {
                        init = init.max(needs.plus(sidecars));
                    }
                }
            }
        }
        if (spec.get("containers") instanceof List<?> containers) {
            for (Object entry : containers) {
                if (entry instanceof Map<?, ?> container) {
                    running = running.plus(container(container.get("resources")));
                }
            }
        }
        return running.plus(sidecars).max(init);
    }

    /** One container's resources; a missing request is its limit, a missing memory limit counts as its request. */
    static Pod container(Object resources) {
        Map<?, ?> map = resources instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> requests = map.get("requests") instanceof Map<?, ?> r ? r : Map.of();
        Map<?, ?> limits = map.get("limits") instanceof Map<?, ?> l ? l : Map.of();
        BigDecimal memoryLimit = amount(limits.get("memory"));
        BigDecimal memoryRequest = requests.containsKey("memory") ? amount(requests.get("memory")) : memoryLimit;
        BigDecimal cpuRequest = requests.containsKey("cpu") ? amount(requests.get("cpu")) : amount(limits.get("cpu"));
        boolean unlimited = !limits.containsKey("memory");
        return new Pod(memoryRequest, unlimited ? memoryRequest : memoryLimit, cpuRequest, unlimited ? 1 : 0);
    }

    private static BigDecimal amount(Object quantity) {
        String text = ManifestObject.text(quantity);
        if (text.isEmpty()) {
            return BigDecimal.ZERO;
        }
        try {
            return Quantity.getAmountInBytes(new Quantity(text));
        } catch (RuntimeException unparseable) {
            return BigDecimal.ZERO; // the Kubernetes API check reports a malformed quantity
        }
    }

    private static int count(ManifestObject object, String field) {
        String text = ManifestObject.text(object.at("spec", field).orElse(null));
        try {
            return text.isEmpty() ? 1 : Math.max(Integer.parseInt(text), 0);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String largest(
            List<Workload> workloads, int nodes, java.util.function.Function<Pod, BigDecimal> measure, boolean memory) {
        return workloads.stream()
                .filter(w -> measure.apply(w.total(nodes)).signum() > 0)
                .sorted(Comparator.comparing((Workload w) -> measure.apply(w.total(nodes)))
                        .reversed())
                .limit(5)
                .map(w -> w.located().subject() + " "
                        + (memory ? mi(measure.apply(w.total(nodes))) : cores(measure.apply(w.total(nodes))))
                        + (w.count() > 1 || w.perNode()
                                ? " (" + (w.perNode() ? "per node" : w.count() + " replicas") + ")"
                                : ""))
                .reduce((a, b) -> a + ", " + b)
                .orElse("none");
    }

    static String mi(BigDecimal bytes) {
        return bytes.divide(MI, 0, RoundingMode.CEILING).toPlainString() + " Mi";
    }

    static String cores(BigDecimal cores) {
        return cores.setScale(2, RoundingMode.CEILING).stripTrailingZeros().toPlainString();
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
