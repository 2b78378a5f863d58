package dev.obsbootstrap.core.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, policy version "latest"
 * as of Kubernetes 1.31) applied to one workload's pod template: which level it needs, and why. The baseline
 * violations are the privileges a reviewer wants listed (privileged containers, host namespaces, hostPath volumes,
 * host ports, added capabilities, unconfined profiles); the restricted ones are hardening the pod skips.
 */
public final class PodSecurity {
    /** Capabilities baseline allows a container to add. */
    private static final Set<String> BASELINE_CAPABILITIES = Set.of(
            "AUDIT_WRITE",
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "MKNOD",
            "NET_BIND_SERVICE",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_CHROOT");

    private static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES =
            Set.of("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");
    /** The only volume types restricted allows. */
    private static final Set<String> RESTRICTED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

    /**
     * What one workload needs.
     *
     * @param privileges  why it is not baseline ("hostPath volume 'varlog' (/var/log)"): empty when it is
     * @param hardening   why it is not restricted, besides the privileges: empty when it is
     */
    public record Assessment(PodSecurityLevel needed, List<String> privileges, List<String> hardening) {
        public Assessment {
            Objects.requireNonNull(needed, "needed");
            privileges = List.copyOf(privileges);
            hardening = List.copyOf(hardening);
        }
    }

    private PodSecurity() {}

    /**
     * The level each namespace must allow so that every workload in {@code manifest} is admitted: the most permissive
     * level any of its pods needs. Objects without a namespace belong to {@code releaseNamespace}.
     */
    public static Map<String, PodSecurityLevel> neededByNamespace(String manifest, String releaseNamespace) {
        Map<String, PodSecurityLevel> levels = new java.util.TreeMap<>();
        for (ManifestObject object : Manifests.objects(manifest)) {
            object.podSpec().ifPresent(pod -> {
                String namespace = object.namespace().isEmpty() ? releaseNamespace : object.namespace();
                levels.merge(namespace, assess(object, pod).needed(), PodSecurity::moreAllowing);
            });
        }
        return levels;
    }

    /** Of two levels, the one that admits more. */
    public static PodSecurityLevel moreAllowing(PodSecurityLevel a, PodSecurityLevel b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    public static Assessment assess(ManifestObject workload, Map<?, ?> pod) {
        List<String> privileges = new ArrayList<>();
        List<String> hardening = new ArrayList<>();
        Map<?, ?> podContext = map(pod.get("securityContext"));
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (Boolean.TRUE.equals(pod.get(host))) {
                privileges.add(host);
            }
        }
        if (pod.get("volumes") instanceof List<?> volumes) {
            for (Object entry : volumes) {
                Map<?, ?> volume = map(entry);
                String name = ManifestObject.text(volume.get("name"));
                if (volume.get("hostPath") instanceof Map<?, ?> hostPath) {
                    privileges.add(
                            "hostPath volume '" + name + "' (" + ManifestObject.text(hostPath.get("path")) + ")");
                    continue;
                }
                volume.keySet().stream()
                        .map(String::valueOf)
                        .filter(type -> !type.equals("name") && !RESTRICTED_VOLUMES.contains(type))
                        .findFirst()
                        .ifPresent(type -> hardening.add(type + " volume '" + name + "'"));
            }
        }
        if (podContext.get("sysctls") instanceof List<?> sysctls) {
            for (Object sysctl : sysctls) {
                String name = ManifestObject.text(map(sysctl).get("name"));
                if (!SAFE_SYSCTLS.contains(name)) {
                    privileges.add("unsafe sysctl " + name);
                }
            }
        }
        checkProfiles(podContext, "the pod", privileges);
        String podSeccomp =
                ManifestObject.text(map(podContext.get("seccompProfile")).get("type"));
        boolean podRunsAsNonRoot = Boolean.TRUE.equals(podContext.get("runAsNonRoot"));
        if (isZero(podContext.get("runAsUser"))) {
            hardening.add("the pod runs as user 0");
        }
        Map<?, ?> annotations = map(map(map(workload.kind().equals("Pod") ? workload.body() : templateOf(workload))
                        .get("metadata"))
                .get("annotations"));
        annotations.forEach((key, value) -> {
            String annotation = String.valueOf(key);
            String profile = ManifestObject.text(value);
            if (annotation.startsWith("container.apparmor.security.beta.kubernetes.io/")
                    && !profile.equals("runtime/default")
                    && !profile.startsWith("localhost/")) {
                privileges.add(
                        "AppArmor profile '" + profile + "' for " + annotation.substring(annotation.indexOf('/') + 1));
            }
        });
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            if (!(pod.get(list) instanceof List<?> containers)) {
                continue;
            }
            for (Object entry : containers) {
                Map<?, ?> container = map(entry);
                String who = "container '" + ManifestObject.text(container.get("name")) + "'";
                Map<?, ?> context = map(container.get("securityContext"));
                if (Boolean.TRUE.equals(context.get("privileged"))) {
                    privileges.add(who + " is privileged");
                }
                Map<?, ?> capabilities = map(context.get("capabilities"));
                List<String> added = strings(capabilities.get("add"));
                added.stream()
                        .filter(c -> !BASELINE_CAPABILITIES.contains(c.replaceFirst("^CAP_", "")))
                        .forEach(c -> privileges.add(who + " adds capability " + c));
                if (added.stream().anyMatch(c -> !c.replaceFirst("^CAP_", "").equals("NET_BIND_SERVICE"))) {
                    hardening.add(who + " adds capabilities other than NET_BIND_SERVICE");
                }
                if (!strings(capabilities.get("drop")).contains("ALL")) {
                    hardening.add(who + " does not drop ALL capabilities");
                }
                if (container.get("ports") instanceof List<?> ports) {
                    for (Object port : ports) {
                        Object hostPort = map(port).get("hostPort");
                        if (hostPort != null && !isZero(hostPort)) {
                            privileges.add(who + " uses hostPort " + hostPort);
                        }
                    }
                }
                String procMount = ManifestObject.text(context.get("procMount"));
                if (!procMount.isEmpty() && !procMount.equals("Default")) {
                    privileges.add(who + " uses procMount " + procMount);
                }
                checkProfiles(context, who, privileges);
                if (!Boolean.FALSE.equals(context.get("allowPrivilegeEscalation"))) {
                    hardening.add(who + " does not set allowPrivilegeEscalation: false");
                }
                if (!podRunsAsNonRoot && !Boolean.TRUE.equals(context.get("runAsNonRoot"))) {
                    hardening.add(who + " does not set runAsNonRoot: true");
                }
                if (isZero(context.get("runAsUser"))) {
                    hardening.add(who + " runs as user 0");
                }
                String seccomp =
                        ManifestObject.text(map(context.get("seccompProfile")).get("type"));
                String effective = seccomp.isEmpty() ? podSeccomp : seccomp;
                if (!effective.equals("RuntimeDefault") && !effective.equals("Localhost")) {
                    hardening.add(who
                            + (effective.isEmpty()
                                    ? " has no seccomp profile (RuntimeDefault or Localhost)"
                                    : " uses seccomp " + effective));
                }
            }
        }
        PodSecurityLevel needed = !privileges.isEmpty()
                ? PodSecurityLevel.PRIVILEGED
                : !hardening.isEmpty() ? PodSecurityLevel.BASELINE : PodSecurityLevel.RESTRICTED;
        return new Assessment(needed, privileges, hardening);
    }

    private static Object templateOf(ManifestObject workload) {
        return switch (workload.kind()) {
            case "CronJob" ->
                workload.at("spec", "jobTemplate", "spec", "template").orElse(Map.of());
            default -> workload.at("spec", "template").orElse(Map.of());
        };
    }

    /** Seccomp Unconfined, an AppArmor profile other than the runtime's, a SELinux type or user/role of its own: baseline forbids them. */
    private static void checkProfiles(Map<?, ?> context, String who, List<String> privileges) {
        if ("Unconfined"
                .equals(ManifestObject.text(map(context.get("seccompProfile")).get("type")))) {
            privileges.add(who + " runs with seccomp Unconfined");
        }
        if ("Unconfined"
                .equals(ManifestObject.text(map(context.get("appArmorProfile")).get("type")))) {
            privileges.add(who + " runs with AppArmor Unconfined");
        }
        Map<?, ?> seLinux = map(context.get("seLinuxOptions"));
        if (!SELINUX_TYPES.contains(ManifestObject.text(seLinux.get("type")))
                || !ManifestObject.text(seLinux.get("user")).isEmpty()
                || !ManifestObject.text(seLinux.get("role")).isEmpty()) {
            privileges.add(who + " sets its own SELinux options");
        }
        if (Boolean.TRUE.equals(map(context.get("windowsOptions")).get("hostProcess"))) {
            privileges.add(who + " is a Windows host process");
        }
    }

    private static boolean isZero(Object value) {
        return value instanceof Number number && number.longValue() == 0;
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> map ? map : Map.of();
    }

    private static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> strings.add(ManifestObject.text(item)));
        }
        return strings;
    }
}
