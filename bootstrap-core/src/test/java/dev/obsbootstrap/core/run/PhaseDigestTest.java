package dev.obsbootstrap.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.secret.StackSecret;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseDigestTest {
    private static final ChartRef LOKI =
            new ChartRef("https://grafana-community.github.io/helm-charts", "loki", "18.11.0");
    private static final PhaseDigest.Release RELEASE = new PhaseDigest.Release(
            "loki", "obs-loki", "observability", LOKI, InstallMode.HELM_RELEASE, "loki:\n  auth_enabled: false\n");
    private static final StackSecret RECEIVERS = new StackSecret(
            "observability",
            "obs-alertmanager-receivers",
            "receivers",
            true,
            List.of(new StackSecret.Key.FromEnv("hook-url", "HOOK_URL")));

    @Test
    void theSameInputsGiveTheSameHash() {
        assertThat(PhaseDigest.of(List.of(RELEASE), List.of(RECEIVERS)))
                .isEqualTo(PhaseDigest.of(List.of(RELEASE), List.of(RECEIVERS)))
                .startsWith("sha256:");
    }

    @Test
    void valuesChartNamespaceAndSecretReferencesAllCount() {
        String base = PhaseDigest.of(List.of(RELEASE), List.of(RECEIVERS));

        assertThat(PhaseDigest.of(
                        List.of(new PhaseDigest.Release(
                                "loki",
                                "obs-loki",
                                "observability",
                                LOKI,
                                InstallMode.HELM_RELEASE,
                                "loki:\n  auth_enabled: true\n")),
                        List.of(RECEIVERS)))
                .isNotEqualTo(base);
        assertThat(PhaseDigest.of(
                        List.of(new PhaseDigest.Release(
                                "loki",
                                "obs-loki",
                                "observability",
                                new ChartRef(LOKI.repository(), "loki", "18.12.0"),
                                InstallMode.HELM_RELEASE,
                                RELEASE.valuesYaml())),
                        List.of(RECEIVERS)))
                .isNotEqualTo(base);
        assertThat(PhaseDigest.of(
                        List.of(new PhaseDigest.Release(
                                "loki", "obs-loki", "obs", LOKI, InstallMode.HELM_RELEASE, RELEASE.valuesYaml())),
                        List.of(RECEIVERS)))
                .isNotEqualTo(base);
        assertThat(PhaseDigest.of(
                        List.of(RELEASE),
                        List.of(new StackSecret(
                                "observability",
                                "obs-alertmanager-receivers",
                                "receivers",
                                true,
                                List.of(new StackSecret.Key.FromEnv("hook-url", "OTHER_VARIABLE"))))))
                .isNotEqualTo(base);
    }

    @Test
    void fieldsDoNotRunIntoEachOther() {
        // without a separator "ab"+"c" and "a"+"bc" would hash alike
        PhaseDigest.Release left = new PhaseDigest.Release("ab", "c", "ns", LOKI, InstallMode.HELM_RELEASE, "");
        PhaseDigest.Release right = new PhaseDigest.Release("a", "bc", "ns", LOKI, InstallMode.HELM_RELEASE, "");
        assertThat(PhaseDigest.of(List.of(left), List.of())).isNotEqualTo(PhaseDigest.of(List.of(right), List.of()));
    }
}
