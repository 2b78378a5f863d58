package dev.obsbootstrap.traces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigFixtures;
import dev.obsbootstrap.core.config.ConfigProblems;
import dev.obsbootstrap.core.config.NodeReader;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.testing.TestConfigs;
import dev.obsbootstrap.metrics.prometheus.ScrapePoolsProbe;
import dev.obsbootstrap.traces.TracesSettings.TempoLayout;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code traces:} section: the Tempo layout a config chooses, else its profile's, read through the real loader
 * (the traces phase is on this module's classpath, so {@link ConfigFixtures#schema()} finds its section as the CLI
 * does), and what the choice changes: the chart installed, the endpoints' Services, the scrape pools probed.
 */
class TracesSectionTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";

    @Test
    void aConfigWithoutTracesKeepsTheFixtureProfilesMonolithicTempo() {
        BootstrapConfig config = ConfigFixtures.defaults();

        assertThat(TracesSettings.of(config).tempo()).isEqualTo(TempoLayout.MONOLITHIC);
        assertThat(config.chosenComponents()).isEmpty();
        assertThat(new TracesPhase().components(config)).containsExactly("tempo", "opentelemetry-collector");
        assertThat(config.sections().get("traces").templateView()).isEqualTo(Map.of("tempo", "monolithic"));
    }

    /** The config's own choice over the profile's is tested with the real profiles (charts-values TempoLayoutConfigTest). */
    @Test
    void theProfileGivesTheDefault() {
        Profile distributedOnS3 = profile(Map.of("layout", "distributed", "storage", Map.of("type", "s3")));
        Profile withoutSetting = profile(Map.of("storage", Map.of("type", "s3")));

        assertThat(read(distributedOnS3).tempo()).isEqualTo(TempoLayout.DISTRIBUTED);
        assertThat(read(withoutSetting).tempo()).isEqualTo(TempoLayout.MONOLITHIC);
        assertThat(read(profile(Map.of())).tempo()).isEqualTo(TempoLayout.MONOLITHIC);
    }

    @Test
    void aProfileWithAnUnknownLayoutIsBadInputNamingTheProfile() {
        Profile typo = profile(Map.of("layout", "distributd", "storage", Map.of("type", "s3")));

        assertThatThrownBy(() -> read(typo))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageStartingWith("profile test: settings.tempo.layout: unknown Tempo layout 'distributd';"
                        + " did you mean 'distributed'?");
    }

    /** Distributed Tempo serves the tempo endpoints from the query-frontend and distributor Services. */
    @Test
    void distributedTempoInstallsItsChartServesTheEndpointsAndIsScrapedPerComponent() {
        BootstrapConfig config = TestConfigs.builder()
                .section(new TracesSection(), new TracesSettings(TempoLayout.DISTRIBUTED))
                .build();
        StackTopology topology = TestConfigs.topology(config);

        assertThat(config.chosenComponents()).containsExactly("tempo-distributed");
        assertThat(new TracesPhase().components(config))
                .containsExactly("tempo-distributed", "opentelemetry-collector");
        assertThat(topology.endpoint("tempo").hostPort()).isEqualTo("obs-tempo-query-frontend.monitoring.svc:3200");
        assertThat(topology.endpoint("tempo-otlp-grpc").hostPort())
                .isEqualTo("obs-tempo-distributor.monitoring.svc:4317");
        assertThat(TracesPhase.ownPools(topology, TempoLayout.DISTRIBUTED))
                .extracting(ScrapePoolsProbe.Pool::monitor)
                .containsExactly(
                        "obs-tempo-distributor",
                        "obs-tempo-ingester",
                        "obs-tempo-querier",
                        "obs-tempo-query-frontend",
                        "obs-tempo-compactor",
                        "obs-otel-collector");
        assertThat(TracesPhase.ownPools(TestConfigs.topology(), TempoLayout.MONOLITHIC))
                .extracting(ScrapePoolsProbe.Pool::monitor)
                .containsExactly("obs-tempo", "obs-otel-collector");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                arguments(
                        "unknown layout",
                        HEAD + "traces: {tempo: distribued}\n",
                        "test.yaml:2:17: traces.tempo: unknown Tempo layout 'distribued'; did you mean 'distributed'?"
                                + " (monolithic: one Tempo binary; distributed: the tempo-distributed chart on"
                                + " object storage)"),
                arguments(
                        "distributed without object storage",
                        HEAD + "profile: dev\ntraces:\n  tempo: distributed\n",
                        "test.yaml:4:10: traces.tempo: distributed Tempo needs object storage, and profile dev keeps"
                                + " traces on a local volume (settings.tempo.storage.type: local); use a profile with"
                                + " object storage (staging, prod) or traces.tempo: monolithic"),
                arguments(
                        "unknown key in the section",
                        HEAD + "traces: {tmepo: distributed}\n",
                        "test.yaml:2:10: traces.tmepo: unknown key; did you mean 'tempo'?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badSectionIsBadInputWithLocationPathAndFix(String name, String yaml, String expectedMessage) {
        assertThatThrownBy(() -> ConfigFixtures.parse(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(e.getMessage()).isEqualTo(expectedMessage);
        });
    }

    private static Profile profile(Map<String, Object> tempo) {
        return new Profile("test", "test", Map.of(), Duration.ofSeconds(5), false, Map.of(), Map.of("tempo", tempo));
    }

    private static TracesSettings read(Profile profile) {
        ConfigProblems problems = new ConfigProblems();
        TracesSettings settings =
                new TracesSection().read(new NodeReader(problems), Optional.empty(), "traces", profile);
        problems.throwIfAny();
        return settings;
    }
}
