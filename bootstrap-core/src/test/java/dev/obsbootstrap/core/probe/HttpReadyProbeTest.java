package dev.obsbootstrap.core.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.testing.FakeLoki;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.time.Duration;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class HttpReadyProbeTest {
    private static HttpReadyProbe probe(Duration deadline) {
        return new HttpReadyProbe(
                "loki-ready",
                "Loki answers ready.",
                deadline,
                "loki",
                "/ready",
                "Loki",
                "the ingester is still joining its ring");
    }

    @Test
    void passesOnceTheComponentTurnsReady() throws Exception {
        try (FakeLoki loki = new FakeLoki().notReadyFor(2)) {
            ProbeResult result = ProbeTesting.run(
                    probe(Duration.ofSeconds(5)),
                    ProbeTesting.context(TestConfigs.config(), Map.of("loki", loki.url())));

            assertThat(result.passed()).isTrue();
            assertThat(result.attempts()).isEqualTo(3);
            assertThat(result.lastObserved()).startsWith("Loki ready: GET ").contains("/ready -> 200 'ready'");
        }
    }

    @Test
    void failsWithWhatItSawWhileNotReady() throws Exception {
        try (FakeLoki loki = new FakeLoki().notReadyFor(1000)) {
            ProbeResult result = ProbeTesting.run(
                    probe(Duration.ofMillis(600)),
                    ProbeTesting.context(TestConfigs.config(), Map.of("loki", loki.url())));

            assertThat(result.passed()).isFalse();
            assertThat(result.lastObserved())
                    .startsWith("Loki is not ready: GET")
                    .contains("503 'Ingester not ready");
            assertThat(result.hint()).isEqualTo("the ingester is still joining its ring");
        }
    }

    @Test
    void failsNamingTheComponentWhenNothingAnswers() throws Exception {
        HttpUrl closed = HttpUrl.get("http://127.0.0.1:" + LocalProcess.freePort() + "/");

        ProbeResult result = ProbeTesting.run(
                probe(Duration.ofMillis(600)), ProbeTesting.context(TestConfigs.config(), Map.of("loki", closed)));

        assertThat(result.passed()).isFalse();
        assertThat(result.lastObserved())
                .startsWith("Loki did not answer: GET " + closed.resolve("/ready") + " -> no answer");
        assertThat(result.hint()).contains("Loki is not reachable at endpoint 'loki'");
    }
}
