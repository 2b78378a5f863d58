package dev.obsbootstrap.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.YamlTree.MapNode;
import dev.obsbootstrap.core.config.YamlTree.Node;
import dev.obsbootstrap.core.config.YamlTree.ScalarType;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class YamlTreeTest {
    private static MapNode parse(String yaml, ConfigProblems problems) {
        return (MapNode)
                YamlTree.parse(yaml, "t.yaml", Optional.empty(), problems).orElseThrow();
    }

    @Test
    void everyKeyAndValueKnowsItsLine() {
        MapNode root = parse("a:\n  b: 1\n  c: [x, y]\n", new ConfigProblems());
        MapNode a = (MapNode) root.entry("a").orElseThrow().value();
        assertThat(root.entry("a").orElseThrow().keyLocation()).isEqualTo(new SourceLocation("t.yaml", 1, 1));
        assertThat(a.entry("b").orElseThrow().keyLocation()).isEqualTo(new SourceLocation("t.yaml", 2, 3));
        assertThat(a.entry("b").orElseThrow().value().location()).isEqualTo(new SourceLocation("t.yaml", 2, 6));
        assertThat(a.entry("c").orElseThrow().value().location()).isEqualTo(new SourceLocation("t.yaml", 3, 6));
    }

    @Test
    void scalarsResolveAsYaml11() {
        MapNode root = parse(
                "s: 'true'\nb: yes\ni: 0x1F\nf: 1.5\nn: ~\nt: 2026-01-01\nbig: 123456789012345678901234\n",
                new ConfigProblems());
        assertThat(type(root, "s")).isEqualTo(ScalarType.STRING);
        assertThat(type(root, "b")).isEqualTo(ScalarType.BOOL);
        assertThat(type(root, "i")).isEqualTo(ScalarType.INT);
        assertThat(type(root, "n")).isEqualTo(ScalarType.NULL);
        Map<String, Object> values = YamlTree.freeForm(root);
        assertThat(values)
                .containsEntry("s", "true")
                .containsEntry("b", true)
                .containsEntry("i", 31)
                .containsEntry("f", 1.5)
                .containsEntry("n", null)
                // timestamps stay text: Helm values carry them as strings
                .containsEntry("t", "2026-01-01")
                .containsEntry("big", new BigInteger("123456789012345678901234"));
        assertThat(values.keySet()).containsExactly("s", "b", "i", "f", "n", "t", "big");
    }

    @Test
    void listsKeepNullItems() {
        Map<String, Object> values = YamlTree.freeForm(parse("l: [a, null, 3]\n", new ConfigProblems()));
        assertThat((List<?>) values.get("l")).isEqualTo(Arrays.asList("a", null, 3));
    }

    @Test
    void duplicateAndNonStringKeysAreProblems() {
        ConfigProblems problems = new ConfigProblems();
        parse("a: 1\n? [x]\n: 2\na: 3\n", problems);
        assertThat(problems.problems())
                .extracting(p -> p.location() + " " + p.path() + " " + p.message())
                .containsExactly(
                        "t.yaml:2:3  a key must be a plain string, not a map or list",
                        "t.yaml:4:1 a duplicate key (first written at t.yaml:1:1); keep one of them");
    }

    @Test
    void mergeKeyNeedsMaps() {
        ConfigProblems problems = new ConfigProblems();
        parse("a: {<<: [1]}\n", problems);
        assertThat(problems.problems())
                .singleElement()
                .satisfies(p ->
                        assertThat(p.message()).isEqualTo("a merge key needs a map or a list of maps, got a list"));
    }

    @Test
    void setValueNodesAllCarryTheArgumentLocation() {
        SourceLocation location = SourceLocation.ofSet("x={a: [1]}");
        Node node = YamlTree.parse("{a: [1]}", location.source(), Optional.of(location), new ConfigProblems())
                .orElseThrow();
        MapNode map = (MapNode) node;
        assertThat(map.location()).isEqualTo(location);
        assertThat(map.entry("a").orElseThrow().value().location()).isEqualTo(location);
    }

    @Test
    void commentOnlyDocumentIsEmpty() {
        assertThat(YamlTree.parse("# nothing\n", "t.yaml", Optional.empty(), new ConfigProblems()))
                .isEmpty();
    }

    private static ScalarType type(MapNode map, String key) {
        return ((YamlTree.Scalar) map.entry(key).orElseThrow().value()).type();
    }
}
