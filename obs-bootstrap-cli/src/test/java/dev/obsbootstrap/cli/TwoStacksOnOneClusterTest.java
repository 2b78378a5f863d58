package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-PR stacks in one cluster: each stack's name (--stack, cluster.stack) goes into its release names, so the
 * cluster-scoped objects the charts name after them differ. The shared fixture charts leave out cluster-scoped objects
 * (the other test classes put many default stacks into one simulated cluster); this class adds the one the real grafana
 * chart 12.11.1 renders (templates/clusterrole.yaml: {@code <grafana fullname>-clusterrole}) to its own copy, so
 * a clash is real: Helm refuses to adopt an object another release owns.
 */
class TwoStacksOnOneClusterTest {
    @TempDir
    static Path tmp;

    static FakeCluster cluster;
    static Path kubeconfig;
    static Path charts;

    @BeforeAll
    static void start() throws IOException {
        cluster = FakeCluster.builder()
                .contextName("fake-stacks")
                .kubernetesVersion("1.31.0")
                .start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig.yaml"));
        charts = StackCharts.copyTo(tmp.resolve("charts"));
        Files.writeString(charts.resolve("kube-prometheus-stack/templates/grafana-clusterrole.yaml"), """
                {{- $grafana := (dig "grafana" "fullnameOverride" (printf "%s-grafana" .Release.Name) .Values.AsMap) }}
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: {{ $grafana }}-clusterrole
                  labels:
                    app.kubernetes.io/name: grafana
                    app.kubernetes.io/instance: {{ .Release.Name }}
                rules:
                  - apiGroups: [""]
                    resources: ["configmaps", "secrets"]
                    verbs: ["get", "watch", "list"]
                """);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoNamedStacksLiveSideBySideAndOneNameTwiceClashesAsHelmWould() {
        CliRun.Result first = up("pr-1", "--stack", "pr-1", "--set", "cluster.isolated=true");
        assertThat(first.code()).as(first.err()).isZero();

        CliRun.Result second = up("pr-2", "--stack", "pr-2", "--set", "cluster.isolated=true");
        assertThat(second.code()).as(second.err()).isZero();

        assertThat(clusterRole("pr-1-grafana-clusterrole").getMetadata().getAnnotations())
                .containsEntry("meta.helm.sh/release-namespace", "pr-1")
                .containsEntry("meta.helm.sh/release-name", "pr-1-metrics");
        assertThat(clusterRole("pr-2-grafana-clusterrole").getMetadata().getAnnotations())
                .containsEntry("meta.helm.sh/release-namespace", "pr-2");
        assertThat(cluster.client()
                        .secrets()
                        .inNamespace("pr-2")
                        .withName("sh.helm.release.v1.pr-2-loki.v1")
                        .get())
                .isNotNull();

        // the same name in a third namespace: its cluster-scoped objects belong to pr-1's releases
        CliRun.Result clash = up("pr-3", "--stack", "pr-1");
        assertThat(clash.code()).as(clash.err()).isEqualTo(3);
        assertThat(clash.err()).contains("pr-1-grafana-clusterrole");

        // status of each stack reads its own releases
        CliRun.Result status = CliRun.run(
                new ControlledProbes(),
                "status",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                "pr-2",
                "--stack",
                "pr-2");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("pr-2-metrics", "pr-2-loki").doesNotContain("pr-1-");
    }

    private static ClusterRole clusterRole(String name) {
        ClusterRole role = cluster.client().rbac().clusterRoles().withName(name).get();
        assertThat(role).as(name).isNotNull();
        return role;
    }

    private static CliRun.Result up(String namespace, String... extra) {
        List<String> args = new ArrayList<>(List.of("--timeout", "120s", "--yes"));
        args.addAll(List.of(extra));
        return CliRun.run(
                new ControlledProbes(), CliRun.upArgs(kubeconfig, charts, namespace, args.toArray(String[]::new)));
    }
}
