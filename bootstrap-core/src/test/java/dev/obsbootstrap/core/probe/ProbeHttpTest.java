package dev.obsbootstrap.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.testing.FakeLoki;
import dev.obsbootstrap.core.testing.LocalProcess;
import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class ProbeHttpTest {
    @Test
    void resolvesPathsBelowABaseThatHasASubPath() {
        HttpUrl base = HttpUrl.get("https://example.com/grafana");

        assertThat(ProbeHttp.resolve(base, "/api/health")).hasToString("https://example.com/grafana/api/health");
        assertThat(ProbeHttp.resolve(HttpUrl.get("http://h:1/"), "/")).hasToString("http://h:1/");
        assertThat(ProbeHttp.resolve(
                                HttpUrl.get("http://h:1/"),
                                "/loki/api/v1/query_range",
                                "query",
                                "{namespace=\"monitoring\"}",
                                "limit",
                                "5")
                        .toString())
                .isEqualTo("http://h:1/loki/api/v1/query_range?query=%7Bnamespace%3D%22monitoring%22%7D&limit=5");
        assertThatThrownBy(() -> ProbeHttp.resolve(base, "/x", "odd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTransportFailureIsAnUnansweredReplyThatSaysWhatWasTried() throws Exception {
        int closed = LocalProcess.freePort();
        HttpUrl url = HttpUrl.get("http://127.0.0.1:" + closed + "/-/ready");

        HttpReply reply = ProbeHttp.get(ProbeTesting.context(TestConfigs.config(), Map.of()), url);

        assertThat(reply.answered()).isFalse();
        assertThat(reply.describe())
                .startsWith("GET " + url + " -> no answer (")
                .contains("onnect");
    }

    @Test
    void anAnswerCarriesCodeAndBodyExcerpt() throws Exception {
        try (FakeLoki loki = new FakeLoki().notReadyFor(1)) {
            HttpReply reply = ProbeHttp.get(
                    ProbeTesting.context(TestConfigs.config(), Map.of()),
                    loki.url().resolve("/ready"));

            assertThat(reply.code()).isEqualTo(503);
            assertThat(reply.describe())
                    .endsWith("/ready -> 503 'Ingester not ready: waiting for 15s after being ready'");
            assertThatThrownBy(reply::json)
                    .hasMessageContaining("expected JSON from GET")
                    .hasMessageContaining("503");
        }
    }
}
