package dev.obsbootstrap.core.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {
    @Test
    void blanksValuesThatLookLikeCredentials() {
        assertThat(Redactor.redact("login failed password=hunter2 user=bob")).isEqualTo("login failed password=<redacted> user=bob");
        assertThat(Redactor.redact("{\"api_key\": \"abc123\", \"n\": 1}")).isEqualTo("{\"api_key\": \"<redacted>\", \"n\": 1}");
        assertThat(Redactor.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"))
                .isEqualTo("Authorization: Bearer <redacted>");
        assertThat(Redactor.redact("GF_SECURITY_ADMIN_PASSWORD: s3cr3t")).isEqualTo("GF_SECURITY_ADMIN_PASSWORD: <redacted>");
        assertThat(Redactor.redact("dial https://admin:s3cr3t@grafana:3000/api")).isEqualTo("dial https://admin:<redacted>@grafana:3000/api");
        assertThat(Redactor.redact("posting to https://hooks.slack.com/services/T000/B000/XXXX failed"))
                .isEqualTo("posting to https://hooks.slack.com/services/<redacted> failed");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String line = "level=error msg=\"open /etc/app/config.yaml: no such file or directory\" ts=2026-01-01T00:00:00Z";
        assertThat(Redactor.redact(line)).isEqualTo(line);
        assertThat(Redactor.redact(null)).isEmpty();
        assertThat(Redactor.redact(Redactor.redact("token=abc"))).isEqualTo("token=<redacted>");
    }
}
