package dev.obsbootstrap.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.SecretCredentials;
import dev.obsbootstrap.core.testing.TestConfigs;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsPhaseTest {
    @Test
    void probesRunReadinessFirstWithTheProfileDeadline() {
        BootstrapConfig config =
                TestConfigs.builder().probeDeadline(Duration.ofSeconds(42)).build();

        List<Probe> probes = new MetricsPhase().probes(config);

        assertThat(probes)
                .extracting(Probe::name)
                .containsExactly(
                        "prometheus-ready",
                        "scrape-targets-up",
                        "promql-query",
                        "grafana-health",
                        "grafana-datasource-prometheus",
                        "grafana-prometheus-query");
        assertThat(probes).allSatisfy(p -> {
            assertThat(p.deadline()).isEqualTo(Duration.ofSeconds(42));
            assertThat(p.proves()).endsWith(".");
        });
        assertThat(((ScrapePoolsProbe) probes.get(1)).pools(TestConfigs.topology()))
                .extracting(ScrapePoolsProbe.Pool::label)
                .containsExactlyElementsOf(StackScrapePools.DEFAULT);
        assertThat(new CrdsPhase().probes(config)).extracting(Probe::name).containsExactly("crds-established");
    }

    @Test
    void expectedScrapePoolsComeFromTheProfile() {
        BootstrapConfig config = TestConfigs.builder()
                .settings(Map.of("probes", Map.of("expectedScrapePools", List.of("prometheus", "kubelet"))))
                .build();

        ScrapePoolsProbe probe =
                (ScrapePoolsProbe) new MetricsPhase().probes(config).get(1);

        assertThat(probe.pools(TestConfigs.topology()))
                .extracting(ScrapePoolsProbe.Pool::toString)
                .containsExactly("monitoring/obs-prometheus", "monitoring/obs-kubelet");
    }

    @Test
    void poolsAreTheStacksMonitorsByExactNamespaceAndName() {
        List<ScrapePoolsProbe.Pool> pools = StackScrapePools.resolve(StackScrapePools.DEFAULT, TestConfigs.topology());

        assertThat(pools)
                .extracting(ScrapePoolsProbe.Pool::toString)
                .containsExactly(
                        "monitoring/obs-prometheus",
                        "monitoring/obs-operator",
                        "monitoring/obs-metrics-kube-state-metrics",
                        "monitoring/obs-metrics-prometheus-node-exporter",
                        "monitoring/obs-kubelet",
                        "monitoring/obs-apiserver",
                        "monitoring/obs-grafana");
        ScrapePoolsProbe.Pool operator = pools.get(1);
        assertThat(operator.matches("serviceMonitor/monitoring/obs-operator/0")).isTrue();
        // finding 6: other teams' monitors with the same suffix, or ours in another namespace, are not ours
        assertThat(operator.matches("serviceMonitor/gpu-operator/gpu-operator/0"))
                .isFalse();
        assertThat(operator.matches("serviceMonitor/tigera-operator/tigera-operator/0"))
                .isFalse();
        assertThat(operator.matches("serviceMonitor/other-team/obs-operator/0")).isFalse();
        assertThat(pools.get(4).matches("serviceMonitor/monitoring/obs-kubelet/1"))
                .as("the cAdvisor endpoint")
                .isTrue();
        assertThat(ScrapePoolsProbe.Pool.job("prometheus").matches("prometheus"))
                .isTrue();
        assertThat(ScrapePoolsProbe.Pool.job("prometheus").matches("serviceMonitor/monitoring/prometheus/0"))
                .isFalse();
    }

    @Test
    void aMalformedPoolListIsBadInputNamingTheSetting() {
        BootstrapConfig config = TestConfigs.builder()
                .settings(Map.of("probes", Map.of("expectedScrapePools", "prometheus")))
                .build();

        assertThatThrownBy(() -> new MetricsPhase().probes(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profile 'test'")
                .hasMessageContaining("settings.probes.expectedScrapePools");
    }

    @Test
    void grafanaAdminCredentialsAreTheFullnameAdminSecret() {
        assertThat(MetricsPhase.grafanaAdminCredentials(TestConfigs.topology()))
                .isEqualTo(new SecretCredentials("obs-grafana-admin", "admin-user", "admin-password"));
    }
}
