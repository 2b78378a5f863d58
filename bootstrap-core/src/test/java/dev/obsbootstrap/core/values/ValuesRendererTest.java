package dev.obsbootstrap.core.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ChartRef;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.InstallMode;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.ServiceEndpoint;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesRendererTest {
    private static final String FIXTURES = "fixtures/values/";

    private final ValuesRenderer renderer = new ValuesRenderer();
    private final Profile profile = ValuesTestConfigs.profile(
            "ci",
            true,
            Map.of(
                    "store",
                    Map.of(
                            "replicas",
                            2,
                            "resources",
                            ordered("requests", Map.of("memory", "64Mi"), "limits", Map.of("memory", "128Mi")))));
    private final StackTopology topology = topology();

    @Test
    void rendersEveryContextKeyFromPlainMaps() {
        RenderedValues rendered = render("context", ValuesTestConfigs.exampleConfig(profile, Map.of()));

        Map<String, Object> values = rendered.values();
        assertThat(rendered.componentId()).isEqualTo("store");
        assertThat(values)
                .containsEntry("namespace", "observability")
                .containsEntry("profileName", "ci")
                .containsEntry("profile", "ci")
                .containsEntry("tracesOn", true)
                .containsEntry("replicas", 2)
                .containsEntry("collectorUrl", "http://obs-otel-collector.observability.svc:4318")
                .containsEntry("tempoGrpc", "obs-tempo.observability.svc:4317")
                .containsEntry("lokiUid", "obs-loki")
                .containsEntry("storeRelease", "obs-store")
                .containsEntry("self", "obs-store")
                .containsEntry("chart", "store@1.0.0")
                .containsEntry("kubeVersion", "1.31.0")
                .containsEntry("secret", "obs-alertmanager-receivers")
                .containsEntry("config", "line one\nline two\n");
        assertThat(values.get("resources"))
                .isEqualTo(Map.of("requests", Map.of("memory", "64Mi"), "limits", Map.of("memory", "128Mi")));
        assertThat(values.get("logs")).isEqualTo(Map.of("collector", "alloy", "authEnabled", true, "tenant", "obs"));
    }

    @Test
    void aSectionsViewReachesTemplatesUnderItsKey() {
        RenderedValues rendered = render("context", ValuesTestConfigs.exampleConfig(profile, Map.of()));

        assertThat(rendered.values().get("receivers"))
                .isEqualTo(List.of(Map.of(
                        "name",
                        "team-slack",
                        "type",
                        "slack",
                        "settings",
                        Map.of("channel", "#alerts"),
                        "credentials",
                        List.of(Map.of(
                                "field",
                                "apiUrl",
                                "secretKey",
                                "team-slack-apiUrl",
                                "reference",
                                "env:SLACK_WEBHOOK_URL")))));
        assertThat(rendered.values().get("routes"))
                .isEqualTo(List.of(Map.of(
                        "matchers", List.of("severity=\"critical\""), "receiver", "team-slack", "continue", true)));
    }

    @Test
    void writesBlockStyleYamlWithLiteralBlocksAndKeepsDatesAsStrings() {
        RenderedValues rendered = render("context", ValuesTestConfigs.exampleConfig(profile, Map.of()));

        assertThat(rendered.values()).containsEntry("schemaFrom", "2024-04-01");
        assertThat(rendered.yaml())
                .contains("schemaFrom: '2024-04-01'\n")
                .contains("config: |\n  line one\n  line two\n")
                .contains("resources:\n  requests:\n    memory: 64Mi\n")
                .contains("receivers:\n  - name: team-slack\n")
                .doesNotContain("{\"");
    }

    @Test
    void renderingTwiceGivesTheSameText() {
        BootstrapConfig config = ValuesTestConfigs.exampleConfig(profile, Map.of());

        assertThat(render("context", config).yaml())
                .isEqualTo(render("context", config).yaml());
    }

    @Test
    void anUnknownVariableIsAnErrorNamingTemplateLineAndPath() {
        assertThatThrownBy(() -> render("unknown-variable", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageStartingWith(
                        "fixtures/values/unknown-variable.yaml.j2:4: unknown variable 'profile.settings.stor.size'")
                .hasMessageContaining("(profile.settings has: store)");
    }

    @Test
    void anUnknownVariableFailsEvenWhenAFilterWouldTurnItIntoText() {
        assertThatThrownBy(() -> render("unknown-variable-in-filter", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "fixtures/values/unknown-variable-in-filter.yaml.j2:3: unknown variable 'profile.settings.store.resorces'")
                .hasMessageContaining("(profile.settings.store has: replicas, resources)");
    }

    @Test
    void anUnknownTopLevelVariableFailsEvenBehindDefault() {
        assertThatThrownBy(() -> render("unknown-root", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/unknown-root.yaml.j2:3: unknown variable 'confg.namespace'")
                .hasMessageContaining("(the context has: component, config, kubeVersion, profile, topology)");
    }

    @Test
    void aTypoInASetVariableIsNamed() {
        assertThatThrownBy(() -> render("unknown-set-variable", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "fixtures/values/unknown-set-variable.yaml.j2:3: unknown variable 'stor.replicas'");
    }

    @Test
    void anUnknownVariableInsideALoopIsNamedToo() {
        assertThatThrownBy(() -> render("loop-variable", ValuesTestConfigs.exampleConfig(profile, Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/loop-variable.yaml.j2:3: unknown variable 'route.reciever'");
    }

    @Test
    void anUnknownFilterIsAnErrorEvenBehindDefault() {
        assertThatThrownBy(() -> render("unknown-filter", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/unknown-filter.yaml.j2:3: unknown filter 'shout'");
    }

    @Test
    void anUnknownFunctionIsAnError() {
        assertThatThrownBy(() -> render("unknown-function", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/unknown-function.yaml.j2:3: unknown function 'shout'");
    }

    /**
     * A render reads its template and its variables only, so equal inputs render equal values (ValuesInputs): what
     * jinjava offers that reads the clock, chance or another template is refused where it is used.
     */
    @Test
    void theClockChanceAndOtherTemplatesAreRefused() {
        BootstrapConfig config = ValuesTestConfigs.minimalConfig(profile);

        assertThatThrownBy(() -> render("clock", config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/clock.yaml.j2:2:")
                .hasMessageContaining("the function 'today' is not available in values templates");
        assertThatThrownBy(() -> render("chance", config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/chance.yaml.j2:2:")
                .hasMessageContaining("the filter 'random' is not available in values templates");
        assertThatThrownBy(() -> render("include", config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/include.yaml.j2:2:")
                .hasMessageContaining("the tag 'include' is not available in values templates");
    }

    @Test
    void anUnknownTestIsAnError() {
        assertThatThrownBy(() -> render("unknown-test", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/unknown-test.yaml.j2:2: unknown test 'shouting'");
    }

    /** The strictness lives in our configuration: stock jinjava renders the same templates to empty strings. */
    @Test
    void stockJinjavaWouldHaveRenderedEmptyStrings() {
        Map<String, Object> context = TemplateContext.of(
                topology.component("store"), ValuesTestConfigs.minimalConfig(profile), topology, "1.31.0");
        Jinjava stock = new Jinjava();

        assertThat(stock.render(fixture("unknown-variable"), context)).contains("  size: \n");
        assertThat(stock.render(fixture("unknown-filter"), context)).contains("  name: quiet\n");
        // failOnUnknownTokens alone only checks an expression's final result
        Jinjava failOnUnknownTokens = new Jinjava(
                JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
        assertThat(failOnUnknownTokens.render(fixture("unknown-variable-in-filter"), context))
                .contains("  resources: null\n");
    }

    @Test
    void invalidYamlIsReportedAtTheTemplateLineThatProducedIt() {
        assertThatThrownBy(() -> render("bad-yaml", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "fixtures/values/bad-yaml.yaml.j2:5: the rendered values are not valid YAML: mapping values are not allowed here")
                .hasMessageContaining("(rendered line 5: \"name: obs-store: oops\")");
    }

    /** "last one wins" would hide which of two settings a template meant. */
    @Test
    void aKeyWrittenTwiceIsAnError() {
        assertThatThrownBy(() -> render("duplicate-key", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "fixtures/values/duplicate-key.yaml.j2:4: the rendered values are not valid YAML: found duplicate key replicas");
    }

    @Test
    void anUnclosedTagNamesItsLine() {
        assertThatThrownBy(() -> render("unclosed-tag", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("fixtures/values/unclosed-tag.yaml.j2:3: ")
                .hasMessageContaining("endif");
    }

    @Test
    void valuesMustBeAMapping() {
        assertThatThrownBy(() -> render("list-document", ValuesTestConfigs.minimalConfig(profile)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "fixtures/values/list-document.yaml.j2: the rendered values must be a YAML mapping");
    }

    @Test
    void aMissingTemplateNamesTheCatalogEntry() {
        ComponentSpec missing = ValuesTestConfigs.fixtureComponent("ghost", FIXTURES + "ghost.yaml.j2");

        assertThatThrownBy(() -> renderer.render(missing, ValuesTestConfigs.minimalConfig(profile), topology, "1.31.0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "values template fixtures/values/ghost.yaml.j2 of component 'ghost' is not on the classpath: "
                                + "check the component's 'values' entry in the catalog");
    }

    @Test
    void overridesMergeMapsReplaceListsAndScalarsAndKeepExplicitNulls() {
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("limits", null);
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("replicas", 3);
        store.put("args", List.of("--c"));
        store.put("resources", resources);
        store.put("sidecar", null);
        store.put("extra", Map.of("new", true));
        BootstrapConfig config = ValuesTestConfigs.exampleConfig(profile, Map.of("store", Map.of("store", store)));

        RenderedValues rendered = renderer.render(withTemplate("overrides"), config, topology, "1.31.0");

        @SuppressWarnings("unchecked")
        Map<String, Object> merged = (Map<String, Object>) rendered.values().get("store");
        assertThat(merged.keySet()).containsExactly("replicas", "args", "resources", "sidecar", "image", "extra");
        assertThat(merged)
                .containsEntry("replicas", 3)
                .containsEntry("args", List.of("--c"))
                .containsEntry("sidecar", null)
                .containsEntry("image", Map.of("tag", "1.0"))
                .containsEntry("extra", Map.of("new", true));
        Map<String, Object> expectedResources = new LinkedHashMap<>();
        expectedResources.put("requests", Map.of("memory", "64Mi"));
        expectedResources.put("limits", null);
        assertThat(merged.get("resources")).isEqualTo(expectedResources);
        assertThat(rendered.yaml()).contains("  sidecar: null\n").contains("    limits: null\n");
    }

    @Test
    void overridesOfOtherComponentsDoNotLeakIn() {
        BootstrapConfig config =
                ValuesTestConfigs.exampleConfig(profile, Map.of("other", Map.of("store", Map.of("replicas", 9))));

        RenderedValues rendered = renderer.render(withTemplate("overrides"), config, topology, "1.31.0");

        assertThat(rendered.values().get("store"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("replicas", 1);
    }

    @Test
    void renderedValuesAreReadOnly() {
        RenderedValues rendered = render("context", ValuesTestConfigs.exampleConfig(profile, Map.of()));

        assertThatThrownBy(() -> rendered.values().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> logs = (Map<String, Object>) rendered.values().get("logs");
        assertThatThrownBy(() -> logs.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    private RenderedValues render(String fixture, BootstrapConfig config) {
        return renderer.render(withTemplate(fixture), config, topology, "1.31.0");
    }

    private static Map<String, Object> ordered(String key1, Object value1, String key2, Object value2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key1, value1);
        map.put(key2, value2);
        return map;
    }

    ComponentSpec withTemplate(String fixture) {
        ComponentSpec store = topology.component("store");
        return new ComponentSpec(
                store.id(),
                store.chart(),
                store.release(),
                store.fullname(),
                FIXTURES + fixture + ".yaml.j2",
                store.mode(),
                store.operatorWorkloads());
    }

    private static String fixture(String name) {
        try (InputStream in =
                ValuesRendererTest.class.getClassLoader().getResourceAsStream(FIXTURES + name + ".yaml.j2")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static StackTopology topology() {
        String ns = ValuesTestConfigs.NAMESPACE;
        ComponentSpec store = ValuesTestConfigs.fixtureComponent("store", FIXTURES + "context.yaml.j2");
        ComponentSpec collector = new ComponentSpec(
                "opentelemetry-collector",
                new ChartRef("https://charts.example.test", "opentelemetry-collector", "0.170.0"),
                "obs-otel",
                "obs-otel-collector",
                "obs-bootstrap/values/opentelemetry-collector.yaml.j2",
                InstallMode.HELM_RELEASE,
                List.of());
        return new StackTopology(
                ns,
                Map.of("store", store, "opentelemetry-collector", collector),
                Map.of(
                        "otel-collector",
                        new ServiceEndpoint(
                                "otel-collector", "opentelemetry-collector", ns, "obs-otel-collector", 4318, ""),
                        "tempo-otlp-grpc",
                        new ServiceEndpoint("tempo-otlp-grpc", "tempo", ns, "obs-tempo", 4317, "")),
                Map.of("loki", "obs-loki", "tempo", "obs-tempo"));
    }
}
