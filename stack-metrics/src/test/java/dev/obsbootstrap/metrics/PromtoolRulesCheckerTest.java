package dev.obsbootstrap.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.validate.ConfigTools;
import dev.obsbootstrap.core.validate.ManifestFile;
import dev.obsbootstrap.core.validate.StaticReport;
import dev.obsbootstrap.core.validate.StaticValidation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The metrics phase's checker with the real promtool (Debian's prometheus package, which .ci/run installs, ships it):
 * a rule whose expression does not parse is refused with promtool's own words. Without promtool on PATH only the note is
 * checked, and the test says so.
 */
class PromtoolRulesCheckerTest {
    private static ManifestFile fixture(String name) throws IOException {
        try (InputStream in = PromtoolRulesCheckerTest.class.getResourceAsStream("/fixtures/validate/" + name)) {
            return new ManifestFile(
                    name,
                    "observability",
                    new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static StaticReport check(ConfigTools tools, String name) throws IOException {
        return new StaticValidation("1.31.0", Optional.empty(), tools).check(List.of(fixture(name)));
    }

    @Test
    void promtoolRefusesABrokenRuleWhenItIsOnPath() throws IOException {
        ConfigTools tools = ConfigTools.onPath(List.of(new PromtoolRulesChecker()));

        StaticReport report = check(tools, "broken-rule.yaml");

        boolean promtool =
                report.tools().stream().anyMatch(run -> run.tool().equals("promtool check rules") && run.ran());
        if (!promtool) {
            System.err.println(
                    "promtoolRefusesABrokenRule: promtool is not on PATH (Debian's prometheus package installs it); "
                            + "only the skip note was checked");
            assertThat(report.tools())
                    .singleElement()
                    .satisfies(
                            run -> assertThat(run.summary())
                                    .isEqualTo(
                                            "skipped: promtool is not on PATH, so 1 rule groups of PrometheusRule was not checked"));
            return;
        }
        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("component-config");
            assertThat(finding.subject()).isEqualTo("PrometheusRule observability/broken key 'spec'");
            assertThat(finding.message())
                    .startsWith("promtool check rules refuses it:")
                    .contains("parse error");
        });
    }

    /** A PrometheusRule named {@code name} whose one rule has this expression. */
    private static String rule(String name, String expr) {
        return """
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: %s
                spec:
                  groups:
                    - name: %s
                      rules:
                        - alert: Fixture
                          expr: %s
                          for: 5m
                """.formatted(name, name, expr);
    }

    private static StaticReport checkRules(String... rules) {
        ManifestFile file = new ManifestFile("rules.yaml", "observability", String.join("", rules));
        return new StaticValidation("1.31.0", Optional.empty(), ConfigTools.onPath(List.of(new PromtoolRulesChecker())))
                .check(List.of(file));
    }

    private static boolean promtoolOnPath(StaticReport report, String test) {
        boolean ran = report.tools().stream().anyMatch(run -> run.tool().equals("promtool check rules") && run.ran());
        if (!ran) {
            System.err.println(test + ": promtool is not on PATH (Debian's prometheus package installs it); skipped");
        }
        return ran;
    }

    @Test
    void amongSeveralRuleGroupsCheckedInOneRunTheBrokenOneIsStillNamedAlone() {
        StaticReport report = checkRules(
                rule("first", "up == 0"),
                rule("broken", "sum(rate(http_requests_total[5m]) by (job)"),
                rule("third", "vector(1)"));
        if (!promtoolOnPath(report, "amongSeveralRuleGroups")) {
            return;
        }

        assertThat(report.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo("PrometheusRule observability/broken key 'spec'");
            assertThat(finding.message())
                    .startsWith("promtool check rules refuses it:")
                    .contains("parse error")
                    .doesNotContain("first", "third");
        });
        assertThat(report.tools())
                .singleElement()
                .satisfies(run ->
                        assertThat(run.summary()).endsWith("3 rule groups of PrometheusRules checked, 1 refused"));
    }

    @Test
    void severalGoodRuleGroupsAreAllAccepted() {
        StaticReport report = checkRules(rule("first", "up == 0"), rule("second", "vector(1)"));
        if (!promtoolOnPath(report, "severalGoodRuleGroups")) {
            return;
        }

        assertThat(report.findings()).isEmpty();
        assertThat(report.tools())
                .singleElement()
                .satisfies(run ->
                        assertThat(run.summary()).endsWith("2 rule groups of PrometheusRules checked, all accepted"));
    }

    @Test
    void theMetricsPhaseBringsTheChecker() {
        assertThat(new MetricsPhase().configCheckers())
                .extracting(c -> c.tool())
                .containsExactly("promtool check rules");
    }
}
