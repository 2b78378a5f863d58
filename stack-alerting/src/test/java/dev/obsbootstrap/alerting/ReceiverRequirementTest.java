package dev.obsbootstrap.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigFixtures;
import dev.obsbootstrap.core.config.Profile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A profile that requires a real receiver refuses a route tree that ends every alert at 'null' (review B2). */
class ReceiverRequirementTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";

    private static BootstrapConfig requiring(boolean required, String yaml) {
        BootstrapConfig parsed = ConfigFixtures.parse(HEAD + yaml);
        Profile p = parsed.profile();
        Map<String, Object> settings = new LinkedHashMap<>(p.settings());
        settings.put("alertmanager", Map.of("requireReceiver", required));
        Profile profile = new Profile(
                p.name(),
                p.description(),
                p.phaseTimeouts(),
                p.probeDeadline(),
                p.requireMemoryLimits(),
                p.phases(),
                settings);
        return new BootstrapConfig(
                parsed.source(),
                profile,
                parsed.cluster(),
                parsed.phases(),
                parsed.charts(),
                parsed.values(),
                parsed.sections());
    }

    @Test
    void noReceiverIsRefusedWhereTheProfileRequiresOneNamingTheKeysToSet() {
        assertThat(new AlertingPhase().configProblems(requiring(true, "")))
                .singleElement()
                .asString()
                .contains("test.yaml", "'null' receiver", "alerting.receivers", "alerting.allowNoReceivers: true");
    }

    @Test
    void receiversThatNoRouteReachesStillDropEveryAlert() {
        String unrouted = """
                alerting:
                  receivers:
                    - {name: team-webhook, type: webhook, url: {fromEnv: TEAM_WEBHOOK_URL}}
                """;
        assertThat(new AlertingPhase().configProblems(requiring(true, unrouted)))
                .hasSize(1);
    }

    @Test
    void aRoutedReceiverOrAnExplicitAllowanceOrAProfileWithoutTheRequirementPasses() {
        String routed = """
                alerting:
                  receivers:
                    - {name: team-webhook, type: webhook, url: {fromEnv: TEAM_WEBHOOK_URL}}
                  route: {receiver: team-webhook}
                """;
        assertThat(new AlertingPhase().configProblems(requiring(true, routed))).isEmpty();
        assertThat(new AlertingPhase().configProblems(requiring(true, "alerting: {allowNoReceivers: true}\n")))
                .isEmpty();
        assertThat(new AlertingPhase().configProblems(requiring(false, ""))).isEmpty();
    }
}
