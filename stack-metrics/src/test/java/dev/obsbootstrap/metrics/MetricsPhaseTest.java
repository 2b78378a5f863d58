package dev.obsbootstrap.metrics;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.SecretCredentials;
import dev.obsbootstrap.core.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsPhaseTest {
    @Test
    void probesRunReadinessFirstWithTheProfileDeadline() {
        BootstrapConfig config = TestConfigs.builder().probeDeadline(Duration.ofSeconds(42)).build();

        List<Probe> probes = new MetricsPhase().probes(config);

        assertThat(probes).extracting(Probe::name).containsExactly(
                "prometheus-ready", "scrape-targets-up", "promql-query", "grafana-health", "grafana-datasource-prometheus");
        assertThat(probes).allSatisfy(p -> {
            assertThat(p.deadline()).isEqualTo(Duration.ofSeconds(42));
            assertThat(p.proves()).endsWith(".");
        });
        assertThat(((ScrapeTargetsProbe) probes.get(1)).expectedPools()).isEqualTo(ScrapeTargetsProbe.DEFAULT_POOLS);
        assertThat(new CrdsPhase().probes(config)).extracting(Probe::name).containsExactly("crds-established");
    }

    @Test
    void expectedScrapePoolsComeFromTheProfile() {
        BootstrapConfig config = TestConfigs.builder()
                .settings(Map.of("probes", Map.of("expectedScrapePools", List.of("prometheus", "kubelet")))).build();

        ScrapeTargetsProbe probe = (ScrapeTargetsProbe) new MetricsPhase().probes(config).get(1);

        assertThat(probe.expectedPools()).containsExactly("prometheus", "kubelet");
    }

    @Test
    void aMalformedPoolListIsBadInputNamingTheSetting() {
        BootstrapConfig config = TestConfigs.builder().settings(Map.of("probes", Map.of("expectedScrapePools", "prometheus"))).build();

        assertThatThrownBy(() -> new MetricsPhase().probes(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profile 'test'").hasMessageContaining("settings.probes.expectedScrapePools");
    }

    @Test
    void grafanaAdminCredentialsAreTheFullnameAdminSecret() {
        assertThat(MetricsPhase.grafanaAdminCredentials(TestConfigs.topology()))
                .isEqualTo(new SecretCredentials("obs-grafana-admin", "admin-user", "admin-password"));
    }
}
