package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link HelmIgnore} against the tables of the code it ports: Helm's {@code TestIgnore} and {@code TestParseFail}
 * (https://github.com/helm/helm/blob/v3.21.0/pkg/ignore/rules_test.go) and Go's {@code matchTests}
 * (https://github.com/golang/go/blob/go1.24.0/src/path/filepath/match_test.go). {@code ChartArchiveTest} holds the
 * whole against Helm itself.
 */
class HelmIgnoreTest {
    /**
     * Helm's table; "directory" is what its testdata holds under that name (cargo and mast are directories). The empty
     * name is written '' and the pattern's spaces are literal.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "helm.txt | helm.txt | false | true",
                "helm.* | helm.txt | false | true",
                "helm.* | rudder.txt | false | false",
                "*.txt | tiller.txt | false | true",
                "*.txt | cargo/a.txt | false | true",
                "cargo/*.txt | cargo/a.txt | false | true",
                "cargo/*.* | cargo/a.txt | false | true",
                "cargo/*.txt | mast/a.txt | false | false",
                "ru[c-e]?er.txt | rudder.txt | false | true",
                "templates/.?* | templates/.dotfile | false | true",
                ".* | . | true | false",
                ".* | ./ | true | false",
                ".* | .joonix | false | true",
                ".* | helm.txt | false | false",
                ".* | '' | true | false",
                "cargo/ | cargo | true | true",
                "cargo/ | cargo/ | true | true",
                "cargo/ | mast/ | true | false",
                "helm.txt/ | helm.txt | false | false",
                "!helm.txt | helm.txt | false | false",
                "!helm.txt | tiller.txt | false | true",
                "!*.txt | cargo | true | true",
                "!cargo/ | mast/ | true | true",
                "/a.txt | a.txt | false | true",
                "/a.txt | cargo/a.txt | false | false",
                "/cargo/a.txt | cargo/a.txt | false | true",
            })
    void helmsOwnTable(String pattern, String name, boolean directory, boolean ignored) throws Exception {
        HelmIgnore rules = HelmIgnore.parse(pattern);

        assertThat(rules.ignores(name, directory)).isEqualTo(ignored);
    }

    @ParameterizedTest
    @CsvSource({"foo/**/bar", "[z-"})
    void whatHelmRefusesToParse(String rule) {
        assertThatThrownBy(() -> HelmIgnore.parse(rule)).isInstanceOf(HelmIgnore.BadRule.class);
    }

    @ParameterizedTest
    @CsvSource({"'#ignore\n\n\t#ignore\nfoo\nbar/*\n', bar/x", "'\uFEFFfoo\r\n', foo", "'  foo  \t', foo"})
    void commentsBlankLinesAByteOrderMarkCarriageReturnsAndSpacesAreReadAsHelmReadsThem(String text, String path)
            throws Exception {
        assertThat(HelmIgnore.parse(text).ignores(path, false)).isTrue();
        assertThat(HelmIgnore.parse(text).ignores("other", false)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"templates/.x.yaml, true", "templates/x.yaml, false", "templates/sub/.x, false", ".x, false"})
    void helmsDefaultRuleLeavesOutDotFilesRightUnderTemplates(String path, boolean ignored) {
        assertThat(HelmIgnore.defaults().ignores(path, false)).isEqualTo(ignored);
    }

    @ParameterizedTest
    @CsvSource({"//x", "'/x\n//y'"})
    void aRuleWithTwoLeadingSlashesIsLeftToHelmWhoseMatcherChangesItFromOneCallToTheNext(String text) {
        assertThatThrownBy(() -> HelmIgnore.parse(text))
                .isInstanceOf(HelmIgnore.BadRule.class)
                .hasMessageContaining("two slashes");
    }

    /** Go's table: pattern, name, match, and whether Go reports ErrBadPattern. */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(
            delimiter = ' ',
            value = {
                "abc abc YES",
                "* abc YES",
                "*c abc YES",
                "a* a YES",
                "a* abc YES",
                "a* ab/c NO",
                "a*/b abc/b YES",
                "a*/b a/c/b NO",
                "a*b*c*d*e*/f axbxcxdxe/f YES",
                "a*b*c*d*e*/f axbxcxdxexxx/f YES",
                "a*b*c*d*e*/f axbxcxdxe/xxx/f NO",
                "a*b*c*d*e*/f axbxcxdxexxx/fff NO",
                "a*b?c*x abxbbxdbxebxczzx YES",
                "a*b?c*x abxbbxdbxebxczzy NO",
                "ab[c] abc YES",
                "ab[b-d] abc YES",
                "ab[e-g] abc NO",
                "ab[^c] abc NO",
                "ab[^b-d] abc NO",
                "ab[^e-g] abc YES",
                "a\\*b a*b YES",
                "a\\*b ab NO",
                "a?b a☺b YES",
                "a[^a]b a☺b YES",
                "a???b a☺b NO",
                "a[^a][^a][^a]b a☺b NO",
                "[a-ζ]* α YES",
                "*[a-ζ] A NO",
                "a?b a/b NO",
                "a*b a/b NO",
                "[\\]a] ] YES",
                "[\\-] - YES",
                "[x\\-] x YES",
                "[x\\-] - YES",
                "[x\\-] z NO",
                "[\\-x] x YES",
                "[\\-x] - YES",
                "[\\-x] a NO",
                "[]a] ] BAD_PATTERN",
                "[-] - BAD_PATTERN",
                "[x-] x BAD_PATTERN",
                "[x-] - BAD_PATTERN",
                "[x-] z BAD_PATTERN",
                "[-x] x BAD_PATTERN",
                "[-x] - BAD_PATTERN",
                "[-x] a BAD_PATTERN",
                "\\ a BAD_PATTERN",
                "[a-b-c] a BAD_PATTERN",
                "[ a BAD_PATTERN",
                "[^ a BAD_PATTERN",
                "[^bc a BAD_PATTERN",
                "a[ a BAD_PATTERN",
                "a[ ab BAD_PATTERN",
                "a[ x BAD_PATTERN",
                "a/b[ x BAD_PATTERN",
                "*x xxx YES",
            })
    void goFilepathMatchTable(String pattern, String name, HelmIgnore.Match expected) {
        assertThat(HelmIgnore.match(pattern.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'', .", "a/b/, b", "///, /", "a, a", "a/b, b"})
    void goBase(String path, String base) {
        assertThat(HelmIgnore.goBase(path)).isEqualTo(base);
    }
}
