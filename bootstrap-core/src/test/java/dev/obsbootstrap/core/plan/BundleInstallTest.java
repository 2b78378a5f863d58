package dev.obsbootstrap.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.console.SilentConsole;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.helm.HelmDriver;
import dev.obsbootstrap.core.helm.HelmJavaDriver;
import dev.obsbootstrap.core.helm.HelmRelease;
import dev.obsbootstrap.core.helm.ReleaseSpec;
import dev.obsbootstrap.core.render.ReleaseRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A sealed bundle opened for up --bundle: digests first, then the bundle's bytes instead of rendering, then the rendering check. */
@Timeout(120)
class BundleInstallTest {
    @TempDir
    Path tmp;

    private Path dir;

    @BeforeEach
    void sealABundle() {
        PlanBundle bundle = PlanFixtures.bundle(tmp.resolve("cache"));
        dir = tmp.resolve("bundle");
        new PlanBundleWriter().write(bundle, List.of(), dir);
        BundleCharts.copy(bundle, dir);
        new BundleInputs("apiVersion: obs-bootstrap/v1\n", "ci", List.of("cluster.namespace=observability"), "1.31.0")
                .write(dir);
        BundleDigests.write(dir);
    }

    @Test
    void theRendererServesTheBundlesValuesBytesAndChartsAndNothingIsRendered() throws IOException {
        BundleInstall reviewed = BundleInstall.open(dir);
        ReleaseRenderer renderer = reviewed.renderer(SilentConsole.INSTANCE);

        ReleaseSpec loki = renderer.releaseSpec(
                PlanFixtures.phases().phase("logs", "test"),
                PlanFixtures.topology().component("log-store"),
                PlanFixtures.config(true, Map.of()),
                PlanFixtures.topology(),
                "1.31.0");

        String file = Files.readString(dir.resolve("02-logs/obs-loki.values.yaml"));
        assertThat(loki.valuesYaml()).isEqualTo(file.substring(file.indexOf('\n') + 1));
        assertThat(loki.chartPath()).startsWith(dir.resolve("charts"));
        assertThat(reviewed.inputs().sets()).containsExactly("cluster.namespace=observability");
        assertThat(reviewed.digest()).startsWith("sha256:").hasSize(71);
    }

    @Test
    void everyReleaseRenderingAsReviewedPasses() {
        BundleInstall reviewed = BundleInstall.open(dir);

        reviewed.checkRendering(
                PlanFixtures.phases(),
                PlanFixtures.config(true, Map.of()),
                PlanFixtures.topology(),
                reviewed.renderer(SilentConsole.INSTANCE),
                HelmJavaDriver.templateOnly(),
                "1.31.0");
    }

    @Test
    void aReleaseThatWouldRenderDifferentlyOnTheTargetIsRefusedWithTheLineAndTheWayOut() {
        BundleInstall reviewed = BundleInstall.open(dir);
        HelmDriver differentForLoki = new TemplateOnly((spec, version) -> {
            String rendered = HelmJavaDriver.templateOnly().template(spec, version);
            return spec.releaseName().equals("obs-loki")
                    ? rendered.replace("kind: StatefulSet", "kind: StatefulSet\n# rendered elsewhere")
                    : rendered;
        });

        assertThatThrownBy(() -> reviewed.checkRendering(
                        PlanFixtures.phases(),
                        PlanFixtures.config(true, Map.of()),
                        PlanFixtures.topology(),
                        reviewed.renderer(SilentConsole.INSTANCE),
                        differentForLoki,
                        "1.30.2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "obs-loki: Helm renders it for Kubernetes 1.30.2 differently from the reviewed 02-logs/obs-loki.manifests.yaml (first difference at line ")
                .hasMessageContaining("the bundle was rendered for Kubernetes 1.31.0")
                .hasMessageContaining("plan --kube-version 1.30.2 --out DIR")
                .hasMessageNotContaining("obs-alloy:");
    }

    @Test
    void aConfigPinningAnotherChartThanTheBundleHoldsIsRefused() {
        BundleInstall reviewed = BundleInstall.open(dir);
        var otherPin = PlanFixtures.config(
                true,
                Map.of(
                        "log-store",
                        new dev.obsbootstrap.core.config.ChartRef(PlanFixtures.OTHER_REPO, "log-store", "5.2.0")));

        assertThatThrownBy(() -> reviewed.checkRendering(
                        PlanFixtures.phases(),
                        otherPin,
                        PlanFixtures.topology(),
                        reviewed.renderer(SilentConsole.INSTANCE),
                        HelmJavaDriver.templateOnly(),
                        "1.31.0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("obs-loki: the config pins log-store@5.2.0, the bundle holds log-store@5.1.0");
    }

    @Test
    void aChangedFileIsRefusedBeforeAnythingElse() throws IOException {
        Files.writeString(dir.resolve("install.sh"), "\n", java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> BundleInstall.open(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("install.sh changed (sha256 ");
    }

    /** Template only; a rendering-only driver for the check, which never installs. */
    private record TemplateOnly(java.util.function.BiFunction<ReleaseSpec, String, String> template)
            implements HelmDriver {
        @Override
        public String template(ReleaseSpec spec, String kubeVersion) {
            return template.apply(spec, kubeVersion);
        }

        @Override
        public HelmRelease upgradeInstall(ReleaseSpec spec, String kubeVersion, String description) {
            throw new AssertionError("the rendering check never installs");
        }

        @Override
        public void uninstall(String releaseName, String namespace) {
            throw new AssertionError("the rendering check never uninstalls");
        }

        @Override
        public HelmRelease rollback(String releaseName, String namespace, int revision, String description) {
            throw new AssertionError("the rendering check never rolls back");
        }

        @Override
        public Optional<HelmRelease> status(String releaseName, String namespace) {
            throw new AssertionError("the rendering check reads no release");
        }

        @Override
        public List<HelmRelease> history(String releaseName, String namespace) {
            throw new AssertionError("the rendering check reads no release");
        }

        @Override
        public List<HelmRelease> list(String namespace) {
            throw new AssertionError("the rendering check reads no release");
        }
    }
}
