package dev.obsbootstrap.core.values;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.Profile;
import dev.obsbootstrap.core.config.StackTopology;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The digest an unchanged up trusts instead of rendering: equal only when the render is, so every input a render
 * reads changes it, and what it cannot encode leaves it out (then the phase renders).
 */
class ValuesInputsTest {
    private static final String CODE = "fingerprint-1";

    private final StackTopology topology = ValuesRendererTest.topology();
    private final ComponentSpec store = new ValuesRendererTest().withTemplate("context");
    private final ValuesRenderer renderer = new ValuesRenderer();

    @Test
    void theSameInputsGiveTheSameDigestAndTheSameValues() {
        BootstrapConfig one = config(Map.of("replicas", 2), Map.of());
        BootstrapConfig other = config(Map.of("replicas", 2), Map.of());

        assertThat(digest(store, one, "1.31.0", CODE)).isEqualTo(digest(store, other, "1.31.0", CODE));
        assertThat(renderer.render(store, one, topology, "1.31.0").yaml())
                .isEqualTo(renderer.render(store, other, topology, "1.31.0").yaml());
    }

    /** Each variation renders other values than the base, and its digest differs: no input of the render is left out. */
    @Test
    void everyInputTheRenderReadsChangesTheDigest() {
        BootstrapConfig base = config(Map.of("replicas", 2), Map.of());
        String baseValues = renderer.render(store, base, topology, "1.31.0").yaml();
        String baseDigest = digest(store, base, "1.31.0", CODE);

        Map<String, Variation> variations = new LinkedHashMap<>();
        variations.put("a profile setting", new Variation(store, config(Map.of("replicas", 3), Map.of()), "1.31.0"));
        variations.put(
                "the user's values",
                new Variation(store, config(Map.of("replicas", 2), Map.of("store", Map.of("extra", 1))), "1.31.0"));
        variations.put("the cluster's version", new Variation(store, base, "1.32.0"));
        variations.put(
                "another template", new Variation(new ValuesRendererTest().withTemplate("overrides"), base, "1.31.0"));
        variations.forEach((what, variation) -> {
            assertThat(renderer.render(variation.component(), variation.config(), topology, variation.kubeVersion())
                            .yaml())
                    .as("%s renders other values", what)
                    .isNotEqualTo(baseValues);
            assertThat(digest(variation.component(), variation.config(), variation.kubeVersion(), CODE))
                    .as("%s changes the digest", what)
                    .isNotEqualTo(baseDigest);
        });
        assertThat(digest(store, base, "1.31.0", "fingerprint-2"))
                .as("another build may render differently")
                .isNotEqualTo(baseDigest);
    }

    @Test
    void numbersOfDifferentTypesAreDifferentInputs() {
        assertThat(digest(store, config(Map.of("replicas", 2), Map.of("store", Map.of("x", 1))), "1.31.0", CODE))
                .isNotEqualTo(digest(
                        store, config(Map.of("replicas", 2), Map.of("store", Map.of("x", 1.0))), "1.31.0", CODE));
        assertThat(digest(store, config(Map.of("replicas", 2), Map.of("store", Map.of("x", "1"))), "1.31.0", CODE))
                .isNotEqualTo(digest(
                        store, config(Map.of("replicas", 2), Map.of("store", Map.of("x", 1))), "1.31.0", CODE));
    }

    @Test
    void anInputOfAnUnknownTypeOrAMissingTemplateHasNoDigest() {
        BootstrapConfig odd = config(Map.of("replicas", 2), Map.of("store", Map.of("timeout", Duration.ofSeconds(5))));

        assertThat(ValuesInputs.digest(store, odd, topology, "1.31.0", CODE)).isEmpty();
        assertThat(ValuesInputs.digest(
                        ValuesTestConfigs.fixtureComponent("store", "fixtures/values/ghost.yaml.j2"),
                        config(Map.of("replicas", 2), Map.of()),
                        topology,
                        "1.31.0",
                        CODE))
                .isEqualTo(Optional.empty());
    }

    private record Variation(ComponentSpec component, BootstrapConfig config, String kubeVersion) {}

    private String digest(ComponentSpec component, BootstrapConfig config, String kubeVersion, String code) {
        return ValuesInputs.digest(component, config, topology, kubeVersion, code)
                .orElseThrow();
    }

    private static BootstrapConfig config(Map<String, Object> storeSettings, Map<String, Map<String, Object>> values) {
        Profile profile = ValuesTestConfigs.profile(
                "ci",
                true,
                Map.of(
                        "store",
                        Map.of(
                                "replicas",
                                storeSettings.get("replicas"),
                                "resources",
                                Map.of("requests", Map.of("memory", "64Mi")))));
        return ValuesTestConfigs.exampleConfig(profile, values);
    }
}
