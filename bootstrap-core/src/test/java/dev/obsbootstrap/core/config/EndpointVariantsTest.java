package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A component in two layouts (one binary, or scalable with its own Services): the catalog lists the endpoints the
 * second serves in place of the first ({@code endpointVariants}), a config section says which one it chose, and the
 * topology moves those endpoints to the chosen component's Services.
 */
class EndpointVariantsTest {
    private static final String CATALOG = """
            components:
              store: {chart: {repository: https://charts.example.org, name: store, version: 1.0.0}, release: "{stack}-store", fullname: "{stack}-store", values: v/store.yaml.j2}
              store-scalable: {chart: {repository: https://charts.example.org, name: store-scalable, version: 2.0.0}, release: "{stack}-store-scalable", fullname: "{stack}-store", values: v/store-scalable.yaml.j2}
            endpoints:
              store: {component: store, service: "{stack}-store", port: 3200}
              store-ingest: {component: store, service: "{stack}-store", port: 4317}
              store-admin: {component: store, service: "{stack}-store", port: 3200, path: /admin}
            endpointVariants:
              store-scalable:
                store: {service: "{stack}-store-query-frontend", port: 3200}
                store-ingest: {service: "{stack}-store-distributor", port: 4317}
            """;

    @Test
    void theEndpointsMoveToTheChosenComponentsServicesOnlyWhenASectionChoosesIt() {
        ComponentCatalog catalog = ComponentCatalog.parse(CATALOG, "cat.yaml");
        BootstrapConfig plain = ConfigFixtures.defaults();
        BootstrapConfig scalable = choosing(plain, "store-scalable");

        StackTopology one = catalog.topology(plain);
        StackTopology other = catalog.topology(scalable);

        assertThat(plain.chosenComponents()).isEmpty();
        assertThat(scalable.chosenComponents()).containsExactly("store-scalable");
        assertThat(one.endpoint("store").hostPort()).isEqualTo("obs-store.observability.svc:3200");
        assertThat(other.endpoint("store").hostPort()).isEqualTo("obs-store-query-frontend.observability.svc:3200");
        assertThat(other.endpoint("store").component()).isEqualTo("store-scalable");
        assertThat(other.endpoint("store-ingest").hostPort()).isEqualTo("obs-store-distributor.observability.svc:4317");
        assertThat(other.endpoint("store-admin").clusterUrl())
                .as("an endpoint without a variant stays where it is")
                .isEqualTo("http://obs-store.observability.svc:3200/admin");
        assertThat(catalog.endpointVariants().get("store-scalable")).containsOnlyKeys("store", "store-ingest");
    }

    static Stream<Arguments> badVariants() {
        String head = CATALOG.substring(0, CATALOG.indexOf("endpointVariants:"));
        return Stream.of(
                arguments(
                        head + "endpointVariants:\n  store-scalabel:\n    store: {service: s, port: 1}\n",
                        "cat.yaml:9:3: endpointVariants.store-scalabel: unknown component 'store-scalabel'; did you"
                                + " mean 'store-scalable'?"),
                arguments(
                        head + "endpointVariants:\n  store-scalable:\n    stor: {service: s, port: 1}\n",
                        "cat.yaml:10:5: endpointVariants.store-scalable.stor: no endpoint 'stor' to stand in for; did"
                                + " you mean 'store'?"),
                arguments(
                        head + "endpointVariants:\n  store:\n    store: {service: s, port: 1}\n",
                        "cat.yaml:10:5: endpointVariants.store.store: 'store' already serves this endpoint; a variant"
                                + " names another component"),
                arguments(
                        head + "endpointVariants:\n  store-scalable:\n    store: {service: s, port: 0, component: x}\n",
                        "2 problems in the configuration:\n  cat.yaml:10:34: endpointVariants.store-scalable.store.component:"
                                + " unknown key; expected one of: service, port, path\n  cat.yaml:10:31: endpointVariants.store-scalable.store.port: 0"
                                + " is not a port (1-65535)"));
    }

    @ParameterizedTest
    @MethodSource("badVariants")
    void aBadVariantIsBadInputWithItsLocation(String yaml, String expected) {
        assertThatThrownBy(() -> ComponentCatalog.parse(yaml, "cat.yaml"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageStartingWith(expected);
    }

    /** The config with one more section, which chose {@code component}. */
    private static BootstrapConfig choosing(BootstrapConfig config, String component) {
        Map<String, BootstrapConfig.Section> sections = new LinkedHashMap<>(config.sections());
        sections.put(
                "test-layout", new BootstrapConfig.Section(Map.of(), Map.of(), List.of(), Map.of(), Set.of(component)));
        return new BootstrapConfig(
                config.source(),
                config.profile(),
                config.cluster(),
                config.phases(),
                config.charts(),
                config.values(),
                sections);
    }
}
