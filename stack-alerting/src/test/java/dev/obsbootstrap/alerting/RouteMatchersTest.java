package dev.obsbootstrap.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteMatchersTest {
    private static final AlertingSettings ALERTING = new AlertingSettings(
            List.of(),
            "default",
            List.of(
                    new Route(List.of("severity=\"critical\""), "pager", true),
                    new Route(List.of("team=~\"db|storage\""), "db-team", false),
                    new Route(List.of("severity=\"critical\"", "team=\"web\""), "web-pager", false)),
            List.of());

    @Test
    void parsesTheFourOperatorsQuotedOrNot() {
        assertThat(RouteMatchers.parse("severity=\"critical\""))
                .isEqualTo(new RouteMatchers.LabelMatcher("severity", "=", "critical"));
        assertThat(RouteMatchers.parse(" team =~ \"db|storage\" "))
                .isEqualTo(new RouteMatchers.LabelMatcher("team", "=~", "db|storage"));
        assertThat(RouteMatchers.parse("env!=prod")).isEqualTo(new RouteMatchers.LabelMatcher("env", "!=", "prod"));
        assertThat(RouteMatchers.parse("x!~\"a.*\"").matches(Map.of("x", "abc")))
                .isFalse();
        assertThatThrownBy(() -> RouteMatchers.parse("severity is critical"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("severity is critical");
        assertThatThrownBy(() -> RouteMatchers.parse("a=~\"(\""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid regular expression");
    }

    @Test
    void regexesAreAnchoredLikeAlertmanagers() {
        assertThat(RouteMatchers.parse("team=~\"db\"").matches(Map.of("team", "db-admins")))
                .isFalse();
        assertThat(RouteMatchers.parse("team=~\"db.*\"").matches(Map.of("team", "db-admins")))
                .isTrue();
    }

    @Test
    void satisfiesSimpleMatchersAndGivesUpOnHardOnes() {
        assertThat(RouteMatchers.satisfy(RouteMatchers.parseAll(List.of("team=~\"db|storage\"", "env!=\"prod\""))))
                .contains(Map.of("team", "db"));
        assertThat(RouteMatchers.satisfy(RouteMatchers.parseAll(List.of("team=~\"d.+\""))))
                .isEmpty();
        assertThat(RouteMatchers.satisfy(RouteMatchers.parseAll(List.of("env!=\"\""))))
                .contains(Map.of("env", "obs-bootstrap-probe"));
    }

    @Test
    void routesLikeAlertmanagerFirstMatchUnlessContinue() {
        assertThat(RouteMatchers.expectedReceivers(ALERTING, Map.of("severity", "critical", "team", "db")))
                .containsExactly("pager", "db-team");
        assertThat(RouteMatchers.expectedReceivers(ALERTING, Map.of("severity", "critical", "team", "web")))
                .containsExactly("pager", "web-pager");
        assertThat(RouteMatchers.expectedReceivers(ALERTING, Map.of("team", "storage")))
                .containsExactly("db-team");
        assertThat(RouteMatchers.expectedReceivers(ALERTING, Map.of("team", "web")))
                .containsExactly("default");
        assertThat(RouteMatchers.receiverNames(ALERTING)).containsExactly("default", "pager", "db-team", "web-pager");
    }

    @Test
    void theRoutingProbePlansOneCasePerSatisfiableRoute() {
        AlertRoutingProbe probe = new AlertRoutingProbe(java.time.Duration.ofSeconds(1), ALERTING);

        assertThat(probe.cases())
                .extracting(AlertRoutingProbe.Case::id)
                .containsExactly("default", "route-0", "route-1", "route-2");
        assertThat(probe.cases().get(1).expectedReceivers()).containsExactly("pager");
        assertThat(probe.cases().get(3).expectedReceivers()).containsExactly("pager", "web-pager");
    }
}
