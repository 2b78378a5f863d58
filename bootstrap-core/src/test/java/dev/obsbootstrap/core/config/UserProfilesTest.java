package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserProfilesTest {
    private static final List<String> PHASES = List.of("crds", "metrics", "logs");

    private static ProfileCatalog builtIns() {
        Map<String, Object> prodSettings = Map.of(
                "store", Map.of("replicas", 3, "retention", "744h", "storage", Map.of("type", "s3", "region", "eu")),
                "collector", Map.of("replicas", 2));
        Map<String, Object> devSettings = Map.of(
                "store", Map.of("replicas", 1, "retention", "24h", "storage", Map.of("type", "fs", "region", "")),
                "collector", Map.of("replicas", 1));
        return ProfileCatalog.of(List.of(
                new Profile("dev", "dev", Map.of(), Duration.ofMinutes(2), false, Map.of("logs", true), devSettings),
                new Profile(
                        "prod",
                        "production",
                        Map.of("metrics", Duration.ofMinutes(15)),
                        Duration.ofMinutes(5),
                        true,
                        Map.of("logs", true),
                        prodSettings)));
    }

    private static Map<String, String> files(String... nameAndYaml) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameAndYaml.length; i += 2) {
            files.put(nameAndYaml[i], nameAndYaml[i + 1]);
        }
        return files;
    }

    @Test
    void aUserProfileKeepsItsBaseExceptWhereItSaysOtherwise() {
        ProfileCatalog catalog = UserProfiles.extendTexts(builtIns(), files("profiles/team-prod.yaml", """
                        name: team-prod
                        extends: prod
                        timeouts: {logs: 20m}
                        phases: {logs: false}
                        settings:
                          store:
                            retention: 2160h
                            storage: {region: us}
                        """), PHASES);

        Profile team = catalog.profile("team-prod");
        Profile prod = catalog.profile("prod");
        assertThat(team.base()).isEqualTo("prod");
        assertThat(team.description()).isEqualTo("production");
        assertThat(team.requireMemoryLimits()).isTrue();
        assertThat(team.probeDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(team.phases()).containsEntry("logs", false);
        assertThat(team.phaseTimeouts())
                .containsEntry("metrics", Duration.ofMinutes(15))
                .containsEntry("logs", Duration.ofMinutes(20));
        assertThat(team.settings().get("store"))
                .isEqualTo(
                        Map.of("replicas", 3, "retention", "2160h", "storage", Map.of("type", "s3", "region", "us")));
        assertThat(team.settings().get("collector")).isEqualTo(prod.settings().get("collector"));
        assertThat(catalog.names()).containsExactly("dev", "prod", "team-prod");
    }

    @Test
    void aChainOfUserProfilesResolvesInAnyFileOrder() {
        ProfileCatalog catalog = UserProfiles.extendTexts(
                builtIns(),
                files(
                        "profiles/eu-prod.yaml",
                        "name: eu-prod\nextends: team-prod\nsettings: {collector: {replicas: 4}}\n",
                        "profiles/team-prod.yaml",
                        "name: team-prod\nextends: prod\nsettings: {store: {replicas: 5}}\n"),
                PHASES);

        Profile eu = catalog.profile("eu-prod");
        assertThat(eu.base()).isEqualTo("team-prod");
        assertThat(eu.settings().get("collector")).isEqualTo(Map.of("replicas", 4));
        assertThat(((Map<?, ?>) eu.settings().get("store")).get("replicas")).isEqualTo(5);
    }

    @Test
    void anUnknownBaseIsReportedAtItsLineWithTheKnownNames() {
        assertThatThrownBy(() -> UserProfiles.extendTexts(
                        builtIns(), files("profiles/team.yaml", "name: team\nextends: prdo\n"), PHASES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profiles/team.yaml:2:10")
                .hasMessageContaining("unknown profile 'prdo'")
                .hasMessageContaining("did you mean 'prod'?");
    }

    @Test
    void aCycleIsReportedAtTheExtendsLineNamingTheWholeCycle() {
        assertThatThrownBy(() -> UserProfiles.extendTexts(
                        builtIns(),
                        files(
                                "profiles/a.yaml", "name: a\nextends: b\n",
                                "profiles/b.yaml", "name: b\n# b leans on a\nextends: a\n"),
                        PHASES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profiles/a.yaml:2:10")
                .hasMessageContaining("a -> b -> a")
                .hasMessageContaining("profiles/b.yaml:3:10");
    }

    @Test
    void aSettingTheBaseDoesNotHaveIsATypoNotANewSetting() {
        assertThatThrownBy(() -> UserProfiles.extendTexts(
                        builtIns(),
                        files(
                                "profiles/team.yaml",
                                "name: team\nextends: prod\nsettings:\n  store:\n    retentoin: 1h\n"),
                        PHASES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profiles/team.yaml:5:5")
                .hasMessageContaining("settings.store.retentoin")
                .hasMessageContaining("did you mean 'retention'?");
    }

    @Test
    void aMapSettingReplacedByAScalarAndABuiltInNameAreRefused() {
        assertThatThrownBy(() -> UserProfiles.extendTexts(
                        builtIns(),
                        files(
                                "profiles/team.yaml", "name: team\nextends: prod\nsettings: {store: small}\n",
                                "profiles/prod.yaml", "name: prod\nextends: dev\n"),
                        PHASES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'prod' is a built-in profile");
        assertThatThrownBy(() -> UserProfiles.extendTexts(
                        builtIns(),
                        files("profiles/team.yaml", "name: team\nextends: prod\nsettings: {store: small}\n"),
                        PHASES))
                .hasMessageContaining("settings.store")
                .hasMessageContaining("expected a map");
    }

    @Test
    void theFileNameMustMatchAndExtendsIsRequired() {
        assertThatThrownBy(() -> UserProfiles.extendTexts(
                        builtIns(), files("profiles/team.yaml", "name: other\nsettings: {}\n"), PHASES))
                .hasMessageContaining("does not match the file name")
                .hasMessageContaining("extends");
    }

    @Test
    void selectFindsTheRepositorysProfilesBesideTheConfigAndAProfileGivenAsAPath(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve("profiles"));
        Files.writeString(repo.resolve("profiles/team-prod.yaml"), "name: team-prod\nextends: prod\n");
        Files.writeString(repo.resolve("obs-bootstrap.yaml"), "apiVersion: obs-bootstrap/v1\n");
        Files.writeString(repo.resolve("canary.yaml"), "name: canary\nextends: team-prod\n");

        UserProfiles.Selection byName = UserProfiles.select(
                builtIns(), Optional.of(Path.of("obs-bootstrap.yaml")), Optional.of("team-prod"), repo, PHASES);
        assertThat(byName.catalog().names()).contains("team-prod");
        assertThat(byName.profile()).contains("team-prod");

        UserProfiles.Selection byPath = UserProfiles.select(
                builtIns(), Optional.of(Path.of("obs-bootstrap.yaml")), Optional.of("canary.yaml"), repo, PHASES);
        assertThat(byPath.profile()).contains("canary");
        assertThat(byPath.catalog().profile("canary").base()).isEqualTo("team-prod");
    }
}
