package dev.obsbootstrap.chartsvalues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.values.RenderedValues;
import dev.obsbootstrap.core.values.ValuesRenderer;
import dev.obsbootstrap.core.values.ValuesTestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The values every profile renders for every component, pinned as files under src/test/resources/golden/: a template
 * or profile change shows up as a reviewable diff. Profiles render with the example config (a Slack and a PagerDuty
 * receiver, Loki auth on); "ci-minimal" is the ci profile with no receivers and Loki auth off.
 * Run with -Dgolden.update=true to rewrite the files after an intended change.
 */
class GoldenValuesTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final String MINIMAL = "ci-minimal";
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private final ValuesRenderer renderer = new ValuesRenderer();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String variant : variants()) {
            for (String component : StackFixture.components().keySet()) {
                cases.add(Arguments.of(variant, component));
            }
        }
        return cases.stream();
    }

    private static List<String> variants() {
        List<String> variants = new ArrayList<>(StackFixture.PROFILES);
        variants.add(MINIMAL);
        return variants;
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void valuesMatchTheGoldenFile(String variant, String componentId) throws IOException {
        BootstrapConfig config = MINIMAL.equals(variant)
                ? StackFixture.minimalConfig(StackFixture.profile("ci"))
                : StackFixture.exampleConfig(variant);
        StackTopology topology = StackFixture.topology(ValuesTestConfigs.NAMESPACE, config);

        RenderedValues rendered =
                renderer.render(topology.component(componentId), config, topology, StackFixture.KUBE_VERSION);

        Path golden = GOLDEN.resolve(variant).resolve(componentId + ".yaml");
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, rendered.yaml());
        }
        assertThat(golden)
                .as("golden file %s (create or refresh it with -Dgolden.update=true)", golden)
                .exists();
        assertThat(rendered.yaml())
                .as(
                        "values of %s for %s differ from %s; if the change is intended, rerun with -Dgolden.update=true and review the diff",
                        componentId, variant, golden)
                .isEqualTo(Files.readString(golden));
    }

    /** A golden file nobody renders any more would pin nothing and mislead reviewers. */
    @Test
    void everyGoldenFileBelongsToARenderedCase() throws IOException {
        TreeSet<String> expected = new TreeSet<>();
        for (String variant : variants()) {
            StackFixture.components().keySet().forEach(component -> expected.add(variant + "/" + component + ".yaml"));
        }
        TreeSet<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.walk(GOLDEN)) {
            files.filter(Files::isRegularFile)
                    .forEach(file ->
                            present.add(GOLDEN.relativize(file).toString().replace('\\', '/')));
        }

        if (UPDATE) {
            // the parameterized cases (re)write the expected files; here only the leftovers go
            for (String orphan : present) {
                if (!expected.contains(orphan)) {
                    Files.delete(GOLDEN.resolve(orphan));
                }
            }
            return;
        }
        assertThat(present)
                .as("golden files (refresh with -Dgolden.update=true)")
                .isEqualTo(expected);
    }
}
