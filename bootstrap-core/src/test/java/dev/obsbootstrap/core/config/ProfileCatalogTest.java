package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileCatalogTest {
    @Test
    void loadsTheProfilesFromTheClasspathInTheirUsualOrder() {
        ProfileCatalog profiles = ConfigFixtures.profiles();
        assertThat(profiles.names()).containsExactly("dev", "ci", "staging", "prod");

        Profile ci = profiles.profile("ci");
        assertThat(ci.description()).isEqualTo("Test profile ci; traces off by default");
        assertThat(ci.requireMemoryLimits()).isTrue();
        assertThat(ci.probeDeadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(ci.phases()).containsEntry("traces", false).containsEntry("metrics", true);
        assertThat(ci.timeoutFor("metrics")).isEqualTo(Duration.ofMinutes(12));
        assertThat(ci.timeoutFor("logs")).isEqualTo(Duration.ofMinutes(10));

        Profile dev = profiles.profile("dev");
        assertThat(dev.probeDeadline()).isEqualTo(Duration.ofSeconds(90));
        Map<String, Object> grafana = new HashMap<>();
        grafana.put("persistence", false);
        grafana.put("removeMe", null);
        assertThat(dev.settings())
                .containsOnly(entry("replicas", 1), entry("retention", "24h"), entry("grafana", grafana));
    }

    /** A component's settings for every profile live in one file; the profiles get them merged in. */
    @Test
    void settingsFragmentsGiveEachProfileItsValue() {
        ProfileCatalog profiles = ConfigFixtures.profiles().withSettings(Map.of("store.yaml", """
                store:
                  dev: {replicas: 1}
                  ci: {replicas: 1, limits: {memory: 64Mi}}
                  staging: {replicas: 2}
                  prod: {replicas: 3}
                storeEnabled:
                  dev: true
                  ci: false
                  staging: true
                  prod: true
                """));

        assertThat(profiles.profile("prod").settings())
                .containsEntry("store", Map.of("replicas", 3))
                .containsEntry("storeEnabled", true);
        assertThat(profiles.profile("ci").settings())
                .containsEntry("store", Map.of("replicas", 1, "limits", Map.of("memory", "64Mi")))
                .containsEntry("storeEnabled", false);
        assertThat(profiles.profile("dev").settings())
                .containsEntry("retention", "24h"); // the profile file's own settings stay
    }

    @Test
    void aFragmentThatLeavesOutAProfileOrRepeatsAKeyIsBadInputNamingAll() {
        Map<String, String> fragments = new java.util.LinkedHashMap<>();
        fragments.put("a.yaml", "store:\n  dev: 1\n  ci: 1\n  staging: 1\n  prd: 1\n");
        fragments.put(
                "b.yaml",
                "store:\n  dev: 2\n  ci: 2\n  staging: 2\n  prod: 2\nretention:\n  dev: 1d\n  ci: 1d\n  staging: 1d\n  prod: 1d\n");

        assertThatThrownBy(() -> ConfigFixtures.profiles().withSettings(fragments))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage(
                        "4 problems in the configuration:\n"
                                + "  a.yaml:5:3: store.prd: unknown profile; did you mean 'prod'?\n"
                                + "  a.yaml:1:1: store: no value for profile 'prod'; every profile needs one (templates read profile.settings.store strictly)\n"
                                + "  b.yaml:1:1: store: also set in a.yaml; a settings key must come from one place\n"
                                + "  b.yaml:6:1: retention: also set in profile dev's own settings; a settings key must come from one place");
    }

    @Test
    void unknownProfileListsTheKnownOnes() {
        assertThatThrownBy(() -> ConfigFixtures.profiles().profile("qa"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage("unknown profile 'qa'; expected one of: dev, ci, staging, prod");
        assertThatThrownBy(() -> ConfigFixtures.profiles().profile("prd"))
                .hasMessage("unknown profile 'prd'; did you mean 'prod'? (known: dev, ci, staging, prod)");
    }

    @Test
    void minimalProfileGetsDefaults() {
        Profile profile = ProfileCatalog.parse("name: tiny\ndescription: smallest\n", "tiny.yaml");
        assertThat(profile)
                .isEqualTo(new Profile("tiny", "smallest", Map.of(), Duration.ofMinutes(2), false, Map.of(), Map.of()));
    }

    @Test
    void capacityStatesTheNodesAsQuantities() {
        Profile profile = ProfileCatalog.parse(
                "name: tiny\ndescription: smallest\n"
                        + "capacity: {nodes: 1, memoryPerNode: 4Gi, cpuPerNode: 2, reservedPerNode: 1280Mi, limitsMustFit: true}\n",
                "tiny.yaml");
        assertThat(profile.capacity().stated()).isTrue();
        assertThat(profile.capacity().allocatableMemoryPerNode())
                .isEqualByComparingTo(java.math.BigDecimal.valueOf((4096L - 1280L) * 1024 * 1024));
        assertThat(profile.capacity().cpuPerNode()).isEqualByComparingTo("2");
        assertThat(profile.capacity().limitsMustFit()).isTrue();
    }

    static Stream<Arguments> badProfiles() {
        String base = "name: dev\ndescription: d\n";
        return Stream.of(
                arguments(
                        base + "probDeadline: 2m\n",
                        "p.yaml:3:1: probDeadline: unknown key; did you mean 'probeDeadline'?"),
                arguments(
                        base + "probeDeadline: 2 minutes\n",
                        "p.yaml:3:16: probeDeadline: '2 minutes' is not a duration; write it like 90s, 10m or 1h30m"),
                arguments(
                        base + "probeDeadline: 0s\n",
                        "p.yaml:3:16: probeDeadline: a duration must be longer than zero"),
                arguments(
                        base + "timeouts: {metric: 10m}\n",
                        "p.yaml:3:12: timeouts.metric: unknown phase; did you mean 'metrics'?"),
                arguments(
                        base + "timeouts: {metrics: 600}\n",
                        "p.yaml:3:21: timeouts.metrics: '600' is not a duration; write it like 90s, 10m or 1h30m"),
                arguments(
                        base + "phases: {logs: on-demand}\n",
                        "p.yaml:3:16: phases.logs: expected true or false, got a string ('on-demand')"),
                arguments(base + "phases: {logs: }\n", "p.yaml:3:15: phases.logs: expected true or false, got nothing"),
                arguments(
                        base + "requireMemoryLimits: 'true'\n",
                        "p.yaml:3:22: requireMemoryLimits: expected true or false, got a string ('true')"),
                arguments(
                        base + "settings: [a]\n",
                        "p.yaml:3:11: settings: expected a map (key: value lines or {key: value}), got a list"),
                arguments(
                        base + "settings: {retention: }\n",
                        "p.yaml:3:12: settings.retention: a top-level setting needs a value; remove the key or give it one"),
                arguments(
                        base + "capacity: {nodes: 1, memoryPerNode: 4 GB, cpuPerNode: 2}\n",
                        "p.yaml:3:37: capacity.memoryPerNode: '4 GB' is not a Kubernetes quantity (like 4Gi, 1280Mi, 2 or 500m)"),
                arguments(
                        base + "capacity: {nodes: 1, memoryPerNode: 4Gi, cpuPerNode: 2, reservedPerNode: 4Gi}\n",
                        "p.yaml:3:11: capacity.reservedPerNode: is not below memoryPerNode: nothing would be left for the stack"),
                arguments(
                        base + "capacity: {memoryPerNode: 4Gi, cpuPerNode: 2}\n",
                        "p.yaml:3:11: capacity.nodes: write how many nodes the profile is sized for (1 or more)"),
                arguments("description: d\n", "p.yaml:1:1: name: missing; write the profile's name"));
    }

    @ParameterizedTest
    @MethodSource("badProfiles")
    void badProfileIsBadInputWithItsLocation(String yaml, String expected) {
        assertThatThrownBy(() -> ProfileCatalog.parse(yaml, "p.yaml", ConfigFixtures.PHASE_IDS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessage(expected);
    }

    @Test
    void profileNameMustMatchItsFileName(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("qa.yaml"), "name: dev\ndescription: d\n");
        assertThatThrownBy(() -> ProfileCatalog.fromDirectory(directory, ConfigFixtures.PHASE_IDS))
                .hasMessage(
                        directory.resolve("qa.yaml") + ":1:7: name: 'dev' does not match the file name; write 'qa'");
    }

    @Test
    void missingClasspathProfileIsReported() {
        assertThatThrownBy(() -> ProfileCatalog.fromClasspath(
                        getClass().getClassLoader(), "fixtures/config/nowhere", ConfigFixtures.PHASE_IDS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "fixtures/config/nowhere/profiles/dev.yaml: not on the classpath; the charts-values jar must be "
                                + "packaged with obs-bootstrap (rebuild it)");
    }
}
