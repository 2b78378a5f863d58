package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** compare on the real phases, templates and profiles: offline, like plan without charts. */
class CompareCommandTest {
    @TempDir
    Path repo;

    private Path config() throws Exception {
        Files.createDirectories(repo.resolve("profiles"));
        Files.writeString(repo.resolve("profiles/team-prod.yaml"), """
                name: team-prod
                description: prod with a quarter of logs retention
                extends: prod
                settings:
                  loki: {retention: 2160h}
                """);
        Path config = repo.resolve("obs-bootstrap.yaml");
        Files.writeString(config, "apiVersion: obs-bootstrap/v1\nprofile: prod\n");
        return config;
    }

    @Test
    void aUserProfileDiffersFromItsBaseOnlyWhereItsFileSays() throws Exception {
        Path config = config();

        CliRun.Result result = CliRun.run(null, "compare", "-f", config.toString(), "prod", "team-prod");

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        assertThat(result.out())
                .contains("profile team-prod, extends prod")
                .contains("loki")
                .contains("retention")
                .contains("720h")
                .contains("2160h")
                .contains("1 of ");
        assertThat(result.out()).doesNotContain("kube-prometheus-stack");
    }

    @Test
    void anEnvironmentComparedWithItselfIsTheSameAndExitsZero() throws Exception {
        CliRun.Result result = CliRun.run(null, "compare", "-f", config().toString(), "team-prod", "team-prod");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("same:");
    }

    @Test
    void devAndProdDifferInReplicasAndRetentionAsJson() throws Exception {
        CliRun.Result result = CliRun.run(null, "compare", "dev", "prod", "-o", "json");

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        Map<?, ?> document = JsonMapper.builder().build().readValue(result.out(), Map.class);
        assertThat(document.get("same")).isEqualTo(false);
        List<?> components = (List<?>) document.get("components");
        Map<?, ?> metrics = components.stream()
                .map(c -> (Map<?, ?>) c)
                .filter(c -> c.get("component").equals("kube-prometheus-stack"))
                .findFirst()
                .orElseThrow();
        assertThat((List<?>) metrics.get("replicas")).isNotEmpty();
        assertThat(metrics.get("replicas").toString()).contains("prometheus.prometheusSpec.replicas");
        assertThat((List<?>) metrics.get("retention")).isNotEmpty();
        assertThat((List<?>) document.get("profile")).isNotEmpty();
    }

    @Test
    void twoConfigFilesDifferInTheirReceivers() throws Exception {
        Path a = repo.resolve("a.yaml");
        Path b = repo.resolve("b.yaml");
        Files.writeString(a, "apiVersion: obs-bootstrap/v1\nprofile: ci\n");
        Files.writeString(b, """
                apiVersion: obs-bootstrap/v1
                profile: ci
                alerting:
                  receivers:
                    - {name: mail, type: email, to: ops@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}
                  route: {receiver: mail}
                """);

        CliRun.Result result = CliRun.run(null, "compare", a.toString(), b.toString());

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).containsPattern("alertmanager\\s+alerting\\s+receivers\\s+null\\s+mail,null");
    }

    @Test
    void anUnknownEnvironmentIsBadInputNamingTheProfiles() throws Exception {
        CliRun.Result result = CliRun.run(null, "compare", "-f", config().toString(), "prod", "team-prdo");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("unknown profile 'team-prdo'").contains("team-prod");
    }
}
