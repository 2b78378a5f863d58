package dev.obsbootstrap.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-namespace level `up` labels a namespace with (review D14): the most permissive one any pod needs. */
class PodSecurityNeedsTest {
    private static final String AGENT = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              template:
                spec:
                  volumes: [{name: logs, hostPath: {path: /var/log}}]
                  containers: [{name: agent, image: agent:1}]
            """;
    private static final String SERVER = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: server, namespace: other}
            spec:
              template:
                spec:
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: server
                      image: server:1
                      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
            """;

    @Test
    void aNamespaceNeedsWhatItsMostPrivilegedPodNeeds() {
        Map<String, PodSecurityLevel> levels = PodSecurity.neededByNamespace(SERVER + "---\n" + AGENT, "stack");

        assertThat(levels)
                .containsEntry("stack", PodSecurityLevel.PRIVILEGED)
                .containsEntry("other", PodSecurityLevel.RESTRICTED)
                .hasSize(2);
    }

    @Test
    void theMoreAllowingLevelWins() {
        assertThat(PodSecurity.moreAllowing(PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE))
                .isEqualTo(PodSecurityLevel.BASELINE);
        assertThat(PodSecurity.moreAllowing(PodSecurityLevel.PRIVILEGED, PodSecurityLevel.RESTRICTED))
                .isEqualTo(PodSecurityLevel.PRIVILEGED);
    }
}
