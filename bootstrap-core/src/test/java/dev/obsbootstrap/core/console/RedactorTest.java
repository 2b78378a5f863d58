package dev.obsbootstrap.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {
    private final Redactor redactor = Redactor.standard();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            url password            | GET https://admin:s3cr3t-pw@grafana.obs.svc:3000/api/health  | s3cr3t-pw | GET https://admin:<redacted>@grafana.obs.svc:3000/api/health
            url token as user       | cloning https://ghtoken9876@example.com/repo.git             | ghtoken9876 | cloning https://<redacted>@example.com/repo.git
            basic auth header       | request had Authorization: Basic YWRtaW46aHVudGVyMg== and got 401 | YWRtaW46aHVudGVyMg | request had Authorization: <redacted> and got 401
            bearer auth header      | authorization: Bearer abc.def.ghi                            | abc.def.ghi | authorization: <redacted>
            header in json          | {"Authorization":"Bearer tok-123456789"}                     | tok-123456789 | {"Authorization":"<redacted>"}
            cookie header           | Set-Cookie: grafana_session=9f8e7d; Path=/                   | 9f8e7d    | Set-Cookie: <redacted>
            password in query       | POST /login?user=admin&password=hunter22&next=/             | hunter22  | POST /login?user=admin&password=<redacted>&next=/
            password in yaml        | adminPassword: hunter22                                      | hunter22  | adminPassword: <redacted>
            quoted password         | {"password": "two words"}                                     | two words | {"password": "<redacted>"}
            single quoted secret    | client_secret='abc def'                                       | abc def   | client_secret='<redacted>'
            token in query          | GET /api?token=abcd1234                                       | abcd1234  | GET /api?token=<redacted>
            api key header          | X-Api-Key: k-123456                                           | k-123456  | X-Api-Key: <redacted>
            routing key             | routing_key=R0UT1NGKEY                                        | R0UT1NGKEY | routing_key=<redacted>
            bare bearer token       | retrying with Bearer sk.live.ABCDEF123                        | sk.live.ABCDEF123 | retrying with Bearer <redacted>
            jwt                     | token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl rejected | eyJzdWIiOiJzeXN0ZW0ifQ | token <redacted> rejected
            github token            | using ghp_abcdefghijklmnopqrstuvwxyz0123                       | ghp_abcdefghijklmnopqrstuvwxyz0123 | using <redacted>
            slack webhook           | POST https://hooks.slack.com/services/T000/B000/XXXXSECRET failed | XXXXSECRET | POST https://hooks.slack.com/services/<redacted> failed
            """)
    void masksSecrets(String name, String input, String secret, String expected) {
        String redacted = redactor.redact(input);

        assertThat(redacted).doesNotContain(secret).isEqualTo(expected);
    }

    @Test
    void masksPemPrivateKeysWholeEvenWhenCut() {
        String whole = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\nafter";
        String cut = "body: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC";

        assertThat(redactor.redact(whole)).isEqualTo("key:\n<redacted>\nafter");
        assertThat(redactor.redact(cut)).isEqualTo("body: <redacted>");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "3 of 5 targets up",
                "receiver credentials come from secret:alertmanager-slack/url",
                "bearer authentication is required by Grafana",
                "max_tokens 5, tokens: 7",
                "GET http://127.0.0.1:9093/api/v2/alerts?filter=alertname%3DWatchdog answered 200",
                "Prometheus at http://prometheus.obs.svc:9090 answered {\"status\":\"success\"}",
                "Loki push of {app=\"obs-bootstrap-probe\"} returned 204",
                "ünïcödé ✓ stays"
            })
    void leavesOrdinaryTextAlone(String text) {
        assertThat(redactor.redact(text)).isEqualTo(text);
    }

    @Test
    void masksKnownLiteralsLongestFirstAndIgnoresShortOnes() {
        Redactor withSecrets = redactor.withSecrets(List.of("abc", "hunter2", "hunter2-and-more"));

        assertThat(withSecrets.redact("login hunter2-and-more then hunter2 with abc"))
                .isEqualTo("login <redacted> then <redacted> with abc");
        assertThat(redactor.redact("hunter2"))
                .as("the standard redactor knows no literals")
                .isEqualTo("hunter2");
    }

    @Test
    void emptyAndMissingTextBecomeEmpty() {
        assertThat(redactor.redact("")).isEmpty();
        assertThat(redactor.redact(null)).isEmpty();
    }

    @Test
    void blanksCredentialsInPodLogsAndEvents() {
        assertThat(Redactor.standard().redact("login failed password=hunter2 user=bob"))
                .isEqualTo("login failed password=<redacted> user=bob");
        assertThat(Redactor.standard().redact("{\"api_key\": \"abc123\", \"n\": 1}"))
                .isEqualTo("{\"api_key\": \"<redacted>\", \"n\": 1}");
        assertThat(Redactor.standard().redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"))
                .isEqualTo("Authorization: <redacted>");
        assertThat(Redactor.standard().redact("GF_SECURITY_ADMIN_PASSWORD: s3cr3t"))
                .isEqualTo("GF_SECURITY_ADMIN_PASSWORD: <redacted>");
        assertThat(Redactor.standard().redact("dial https://admin:s3cr3t@grafana:3000/api"))
                .isEqualTo("dial https://admin:<redacted>@grafana:3000/api");
        assertThat(Redactor.standard().redact("posting to https://hooks.slack.com/services/T000/B000/XXXX failed"))
                .isEqualTo("posting to https://hooks.slack.com/services/<redacted> failed");
    }

    @Test
    void leavesOrdinaryLogLinesAlone() {
        String line =
                "level=error msg=\"open /etc/app/config.yaml: no such file or directory\" ts=2026-01-01T00:00:00Z";
        assertThat(Redactor.standard().redact(line)).isEqualTo(line);
        assertThat(Redactor.standard().redact(null)).isEmpty();
        assertThat(Redactor.standard().redact(Redactor.standard().redact("token=abc")))
                .isEqualTo("token=<redacted>");
    }
}
