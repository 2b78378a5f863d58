package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubeVersionChoiceTest {
    @Test
    void anExplicitVersionWinsAndTheClusterIsNotAsked() {
        KubeVersionChoice choice = KubeVersionChoice.choose("1.29", () -> {
            throw new AssertionError("the cluster must not be asked");
        });

        assertThat(choice).isEqualTo(new KubeVersionChoice("1.29.0", "--kube-version"));
    }

    @Test
    void theClusterComesNextThenTheDefault() {
        assertThat(KubeVersionChoice.choose("", () -> Optional.of("v1.32.3+k3s1")))
                .isEqualTo(new KubeVersionChoice("1.32.3", "cluster"));
        assertThat(KubeVersionChoice.choose("", Optional::empty)).isEqualTo(new KubeVersionChoice("1.31.0", "default"));
    }

    @Test
    void versionsAreNormalisedAndNonsenseIsBadInput() {
        assertThat(KubeVersionChoice.checked("v1.30.5-gke.1014001")).isEqualTo("1.30.5");
        assertThatThrownBy(() -> KubeVersionChoice.checked("latest"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("like 1.31.0");
        assertThatThrownBy(() -> KubeVersionChoice.checked("1.31.0x")).isInstanceOf(ConfigException.class);
    }
}
