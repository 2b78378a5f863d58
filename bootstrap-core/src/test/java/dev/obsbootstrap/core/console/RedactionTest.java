package dev.obsbootstrap.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void removesRememberedValuesAuthorizationHeadersAndPasswordPairs() {
        Redaction redaction = new Redaction();
        redaction.remember("hunter22");
        redaction.remember("ab"); // too short to match literally

        assertThat(redaction.apply("login with hunter22 failed")).isEqualTo("login with <redacted> failed");
        assertThat(redaction.apply("Authorization: Basic YWRtaW46aHVudGVyMjI=")).isEqualTo("Authorization: <redacted>");
        assertThat(redaction.apply("authorization=Bearer eyJhbGciOi.x.y; next"))
                .isEqualTo("authorization=<redacted>; next");
        assertThat(redaction.apply("{\"password\":\"swordfish\",\"user\":\"admin\"}"))
                .isEqualTo("{\"password\":\"<redacted>\",\"user\":\"admin\"}");
        assertThat(redaction.apply("a lab about abs")).isEqualTo("a lab about abs");
        assertThat(redaction.apply("")).isEmpty();
    }
}
