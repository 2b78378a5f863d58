package dev.obsbootstrap.core.helm;

import dev.obsbootstrap.core.error.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeAccessTest {
    @Test
    void anEmptyContextKeepsTheFileAsItIs(@TempDir Path tmp) throws IOException {
        Path kubeconfig = HelmJavaDriverClusterTest.kubeconfigForClosedPort(tmp);

        assertThat(KubeAccess.withContext(kubeconfig, "")).isEqualTo(new KubeAccess.KubeconfigFile(kubeconfig));
    }

    @Test
    void aChosenContextBecomesTheCurrentOne(@TempDir Path tmp) throws IOException {
        Path kubeconfig = HelmJavaDriverClusterTest.kubeconfigForClosedPort(tmp);

        KubeAccess access = KubeAccess.withContext(kubeconfig, "other");

        assertThat(access).isInstanceOf(KubeAccess.KubeconfigContents.class);
        assertThat(((KubeAccess.KubeconfigContents) access).yaml()).contains("current-context: other");
        assertThat(access.toString()).doesNotContain("not-a-real-token");
    }

    @Test
    void anUnknownContextIsBadInputListingTheKnownOnes(@TempDir Path tmp) throws IOException {
        Path kubeconfig = HelmJavaDriverClusterTest.kubeconfigForClosedPort(tmp);

        assertThatThrownBy(() -> KubeAccess.withContext(kubeconfig, "prod-eu"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'prod-eu'")
                .hasMessageContaining("[closed, other]");
    }
}
