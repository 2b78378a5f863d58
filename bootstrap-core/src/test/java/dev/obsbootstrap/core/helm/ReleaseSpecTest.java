package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.InstallMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReleaseSpecTest {
    private final AtomicInteger renders = new AtomicInteger();

    @Test
    void aDeferredSpecRendersItsValuesOnceWhenFirstReadAndEqualsTheSameSpecMadeEagerly() {
        ReleaseSpec deferred = ReleaseSpec.deferred(
                "store",
                "obs-store",
                "observability",
                new ChartRef("https://charts.example.test", "store", "1.0.0"),
                Path.of("/charts/store"),
                InstallMode.HELM_RELEASE,
                Duration.ofMinutes(5),
                () -> {
                    renders.incrementAndGet();
                    return new ReleaseSpec.Values(Map.of("password", "s3cret"), "password: s3cret\n");
                });

        assertThat(deferred.releaseName()).isEqualTo("obs-store");
        assertThat(deferred.describe()).isEqualTo("release obs-store (store@1.0.0) in namespace observability");
        assertThat(deferred.toString()).as("never the values").doesNotContain("s3cret");
        assertThat(deferred.valuesRendered()).isFalse();
        assertThat(renders).hasValue(0);

        assertThat(deferred.valuesYaml()).isEqualTo("password: s3cret\n");
        assertThat(deferred.values()).containsEntry("password", "s3cret");
        assertThat(renders).hasValue(1);
        assertThat(deferred)
                .isEqualTo(new ReleaseSpec(
                        "store",
                        "obs-store",
                        "observability",
                        new ChartRef("https://charts.example.test", "store", "1.0.0"),
                        Path.of("/charts/store"),
                        Map.of("password", "s3cret"),
                        "password: s3cret\n",
                        InstallMode.HELM_RELEASE,
                        Duration.ofMinutes(5)));
        assertThat(renders).hasValue(1);
    }
}
