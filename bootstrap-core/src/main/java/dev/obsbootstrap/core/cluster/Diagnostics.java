package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.console.Redactor;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why workloads are not ready, as a person debugging them would find out: pods that are not ready and the reason
 * (image pull failures with the image, crash loops with the last log lines, unschedulable pods with the scheduler's
 * message) and the recent Warning events of their namespaces. Reading the cluster here never throws: whatever cannot
 * be read becomes a note, because diagnostics run when something has already failed. Log lines and messages pass
 * through {@link Redactor}.
 */
public final class Diagnostics {
    private static final Redactor REDACTOR = Redactor.standard();
    public static final int DEFAULT_LOG_LINES = 20;
    private static final int MAX_EVENTS = 20;

    private final KubernetesClient client;
    private final int logLines;

    public Diagnostics(KubernetesClient client) {
        this(client, DEFAULT_LOG_LINES);
    }

    /** @param logLines how many of the last log lines of a crashing container to include */
    public Diagnostics(KubernetesClient client, int logLines) {
        this.client = Objects.requireNonNull(client, "client");
        this.logLines = logLines;
    }

    /**
     * One pod that is not ready.
     *
     * @param workload  the workload it belongs to
     * @param container the container at fault, "" when the whole pod is (unschedulable)
     * @param reason    CrashLoopBackOff, ImagePullBackOff, ErrImagePull, Unschedulable, NotReady, ...
     * @param image     the container's image, "" when not about a container
     * @param logLines  last log lines of a crashing container (redacted), else empty
     */
    public record PodProblem(
            ResourceRef workload,
            String namespace,
            String pod,
            String phase,
            String container,
            String reason,
            String message,
            String image,
            int restarts,
            List<String> logLines) {
        public PodProblem {
            Objects.requireNonNull(workload, "workload");
            logLines = List.copyOf(logLines);
        }
    }

    /** A Warning event: {@code object} is Kind/name of what it is about. */
    public record WarningEvent(
            String namespace, String object, String reason, String message, int count, String lastSeen) {}

    /** What was found; {@code notes} say what could not be read. */
    public record Report(List<PodProblem> pods, List<WarningEvent> events, List<String> notes) {
        public Report {
            pods = List.copyOf(pods);
            events = List.copyOf(events);
            notes = List.copyOf(notes);
        }

        public boolean isEmpty() {
            return pods.isEmpty() && events.isEmpty() && notes.isEmpty();
        }

        /** Plain text for the console and reports, one problem per line. */
        public String render() {
            if (isEmpty()) {
                return "No pod problems or warning events found.";
            }
            StringBuilder text = new StringBuilder();
            if (!pods.isEmpty()) {
                text.append("Pods not ready:\n");
                for (PodProblem problem : pods) {
                    text.append("  ")
                            .append(problem.namespace())
                            .append('/')
                            .append(problem.pod())
                            .append(" (")
                            .append(problem.workload().describe())
                            .append("): ");
                    if (!problem.container().isEmpty()) {
                        text.append("container ").append(problem.container()).append(' ');
                    }
                    text.append(problem.reason());
                    if (!problem.image().isEmpty() && problem.reason().contains("Image")) {
                        text.append(", image ").append(problem.image());
                    }
                    if (problem.restarts() > 0) {
                        text.append(", ").append(problem.restarts()).append(" restarts");
                    }
                    if (!problem.message().isEmpty()) {
                        text.append(": ").append(problem.message());
                    }
                    text.append('\n');
                    if (!problem.logLines().isEmpty()) {
                        text.append("    last ")
                                .append(problem.logLines().size())
                                .append(" log lines:\n");
                        problem.logLines()
                                .forEach(line ->
                                        text.append("      | ").append(line).append('\n'));
                    }
                }
            }
            if (!events.isEmpty()) {
                text.append("Recent warning events:\n");
                for (WarningEvent event : events) {
                    text.append("  ")
                            .append(event.namespace())
                            .append(' ')
                            .append(event.object())
                            .append(' ')
                            .append(event.reason())
                            .append(": ")
                            .append(event.message());
                    if (event.count() > 1) {
                        text.append(" (x").append(event.count()).append(')');
                    }
                    text.append('\n');
                }
            }
            if (!notes.isEmpty()) {
                text.append("Could not read:\n");
                notes.forEach(note -> text.append("  ").append(note).append('\n'));
            }
            return text.toString().stripTrailing();
        }
    }

    public Report diagnose(List<ResourceRef> workloads) {
        List<PodProblem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> namespaces = new LinkedHashSet<>();
        for (ResourceRef workload : new LinkedHashSet<>(workloads)) {
            if (!workload.namespace().isEmpty()) {
                namespaces.add(workload.namespace());
            }
            try {
                Optional<Map<String, String>> selector = selectorOf(workload);
                if (selector.isEmpty()) {
                    notes.add(workload.describe() + " does not exist");
                    continue;
                }
                for (Pod pod : client.pods()
                        .inNamespace(workload.namespace())
                        .withLabels(selector.get())
                        .list()
                        .getItems()) {
                    problems.addAll(problemsOf(workload, pod, notes));
                }
            } catch (KubernetesClientException e) {
                notes.add("pods of " + workload.describe() + ": " + REDACTOR.redact(e.getMessage()));
            }
        }
        List<WarningEvent> events = new ArrayList<>();
        for (String namespace : namespaces) {
            try {
                events.addAll(warnings(namespace));
            } catch (KubernetesClientException e) {
                notes.add("events in " + namespace + ": " + REDACTOR.redact(e.getMessage()));
            }
        }
        return new Report(problems, events, notes);
    }

    /**
     * The pods a workload runs now (by its selector; a Job's by job-name); empty when the workload does not exist.
     *
     * @throws KubernetesClientException when the cluster cannot be read
     */
    public List<Pod> podsOf(ResourceRef workload) {
        Optional<Map<String, String>> selector = selectorOf(workload);
        if (selector.isEmpty()) {
            return List.of();
        }
        return client.pods()
                .inNamespace(workload.namespace())
                .withLabels(selector.get())
                .list()
                .getItems();
    }

    private Optional<Map<String, String>> selectorOf(ResourceRef workload) {
        String namespace = workload.namespace();
        String name = workload.name();
        HasMetadata object;
        LabelSelector selector;
        switch (workload.kind()) {
            case "Deployment" -> {
                var d = client.apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                object = d;
                selector = d == null || d.getSpec() == null ? null : d.getSpec().getSelector();
            }
            case "StatefulSet" -> {
                var s = client.apps()
                        .statefulSets()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                object = s;
                selector = s == null || s.getSpec() == null ? null : s.getSpec().getSelector();
            }
            case "DaemonSet" -> {
                var d = client.apps()
                        .daemonSets()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                object = d;
                selector = d == null || d.getSpec() == null ? null : d.getSpec().getSelector();
            }
            case "Job" -> {
                var j = client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                if (j == null) {
                    return Optional.empty();
                }
                return Optional.of(Map.of("job-name", name));
            }
            case "Pod" -> {
                var p = client.pods().inNamespace(namespace).withName(name).get();
                return p == null
                        ? Optional.empty()
                        : Optional.of(
                                Optional.ofNullable(p.getMetadata().getLabels()).orElse(Map.of()));
            }
            default -> {
                return Optional.empty();
            }
        }
        if (object == null) {
            return Optional.empty();
        }
        return Optional.of(
                selector == null || selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
    }

    private List<PodProblem> problemsOf(ResourceRef workload, Pod pod, List<String> notes) {
        if (pod.getStatus() == null
                || "Succeeded".equals(pod.getStatus().getPhase())
                || ReadinessChecks.isPodReady(pod)) {
            return List.of();
        }
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String phase = Optional.ofNullable(pod.getStatus().getPhase()).orElse("Unknown");
        Optional<PodCondition> unscheduled = conditions(pod).stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .findFirst();
        if (unscheduled.isPresent()) {
            return List.of(new PodProblem(
                    workload,
                    namespace,
                    name,
                    phase,
                    "",
                    Optional.ofNullable(unscheduled.get().getReason()).orElse("Unschedulable"),
                    REDACTOR.redact(
                            Optional.ofNullable(unscheduled.get().getMessage()).orElse("")),
                    "",
                    0,
                    List.of()));
        }
        Map<String, String> images = new LinkedHashMap<>();
        pod.getSpec().getContainers().forEach(c -> images.put(c.getName(), c.getImage()));
        if (pod.getSpec().getInitContainers() != null) {
            pod.getSpec().getInitContainers().forEach(c -> images.put(c.getName(), c.getImage()));
        }
        List<ContainerStatus> statuses = new ArrayList<>();
        Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).ifPresent(statuses::addAll);
        Optional.ofNullable(pod.getStatus().getContainerStatuses()).ifPresent(statuses::addAll);
        List<PodProblem> problems = new ArrayList<>();
        for (ContainerStatus status : statuses) {
            String container = status.getName();
            String image = Optional.ofNullable(status.getImage())
                    .filter(i -> !i.isEmpty())
                    .orElse(images.getOrDefault(container, ""));
            int restarts = Optional.ofNullable(status.getRestartCount()).orElse(0);
            var state = status.getState();
            if (state != null
                    && state.getWaiting() != null
                    && state.getWaiting().getReason() != null) {
                String reason = state.getWaiting().getReason();
                boolean crashing = reason.equals("CrashLoopBackOff") || restarts > 0;
                problems.add(new PodProblem(
                        workload,
                        namespace,
                        name,
                        phase,
                        container,
                        reason,
                        REDACTOR.redact(Optional.ofNullable(state.getWaiting().getMessage())
                                .orElse("")),
                        image,
                        restarts,
                        crashing ? lastLogLines(namespace, name, container, notes) : List.of()));
            } else if (state != null
                    && state.getTerminated() != null
                    && !Integer.valueOf(0).equals(state.getTerminated().getExitCode())) {
                problems.add(new PodProblem(
                        workload,
                        namespace,
                        name,
                        phase,
                        container,
                        Optional.ofNullable(state.getTerminated().getReason()).orElse("Terminated"),
                        "exit code " + state.getTerminated().getExitCode(),
                        image,
                        restarts,
                        lastLogLines(namespace, name, container, notes)));
            } else if (!Boolean.TRUE.equals(status.getReady()) && state != null && state.getRunning() != null) {
                problems.add(new PodProblem(
                        workload,
                        namespace,
                        name,
                        phase,
                        container,
                        "NotReady",
                        "running but not ready (is its readiness probe failing?)",
                        image,
                        restarts,
                        List.of()));
            }
        }
        if (problems.isEmpty()) {
            String message = conditions(pod).stream()
                    .filter(c -> "Ready".equals(c.getType()))
                    .findFirst()
                    .map(PodCondition::getMessage)
                    .orElse("");
            problems.add(new PodProblem(
                    workload,
                    namespace,
                    name,
                    phase,
                    "",
                    phase,
                    REDACTOR.redact(message == null ? "" : message),
                    "",
                    0,
                    List.of()));
        }
        return problems;
    }

    /** The previous (crashed) container's last lines, else the current one's; unreadable logs become a note. */
    private List<String> lastLogLines(String namespace, String pod, String container, List<String> notes) {
        if (logLines <= 0) {
            return List.of();
        }
        String log;
        try {
            log = client.pods()
                    .inNamespace(namespace)
                    .withName(pod)
                    .inContainer(container)
                    .terminated()
                    .tailingLines(logLines)
                    .getLog();
        } catch (KubernetesClientException previousUnavailable) {
            try {
                log = client.pods()
                        .inNamespace(namespace)
                        .withName(pod)
                        .inContainer(container)
                        .tailingLines(logLines)
                        .getLog();
            } catch (KubernetesClientException e) {
                notes.add("logs of " + namespace + "/" + pod + " container " + container + ": "
                        + REDACTOR.redact(e.getMessage()));
                return List.of();
            }
        }
        if (log == null || log.isBlank()) {
            return List.of();
        }
        List<String> lines = log.lines().map(REDACTOR::redact).toList();
        return lines.subList(Math.max(0, lines.size() - logLines), lines.size());
    }

    private List<WarningEvent> warnings(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .sorted(Comparator.comparing(Diagnostics::lastSeen).reversed())
                .limit(MAX_EVENTS)
                .map(e -> new WarningEvent(
                        namespace,
                        e.getInvolvedObject() == null
                                ? ""
                                : e.getInvolvedObject().getKind() + "/"
                                        + e.getInvolvedObject().getName(),
                        Optional.ofNullable(e.getReason()).orElse(""),
                        REDACTOR.redact(Optional.ofNullable(e.getMessage()).orElse("")),
                        Optional.ofNullable(e.getCount()).orElse(1),
                        lastSeen(e)))
                .toList();
    }

    private static String lastSeen(Event event) {
        if (event.getLastTimestamp() != null) {
            return event.getLastTimestamp();
        }
        if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
            return event.getEventTime().getTime();
        }
        if (event.getFirstTimestamp() != null) {
            return event.getFirstTimestamp();
        }
        return Optional.ofNullable(event.getMetadata().getCreationTimestamp()).orElse("");
    }

    private static List<PodCondition> conditions(Pod pod) {
        return pod.getStatus().getConditions() == null
                ? List.of()
                : pod.getStatus().getConditions();
    }
}
