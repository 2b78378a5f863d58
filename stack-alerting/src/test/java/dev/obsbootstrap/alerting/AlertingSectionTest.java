package dev.obsbootstrap.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.obsbootstrap.alerting.AlertingSettings.Receiver;
import dev.obsbootstrap.alerting.AlertingSettings.ReceiverType;
import dev.obsbootstrap.alerting.AlertingSettings.Route;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ConfigFixtures;
import dev.obsbootstrap.core.error.ConfigException;
import dev.obsbootstrap.core.error.ExitCode;
import dev.obsbootstrap.core.secret.SecretRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code alerting:} section read through the real loader: the alerting phase is on this module's classpath, so
 * {@link ConfigFixtures#schema()} finds its section the way the CLI does.
 */
class AlertingSectionTest {
    private static final String HEAD = "apiVersion: obs-bootstrap/v1\n";
    private static final String FULL = HEAD + """
            alerting:
              receivers:
                - {name: team-webhook, type: webhook, url: {fromEnv: TEAM_WEBHOOK_URL}}
                - {name: slack-oncall, type: slack, channel: "#oncall", apiUrl: {secret: {name: slack, key: url}}, sendResolved: true}
                - {name: pager, type: pagerduty, routingKey: {fromEnv: PD_ROUTING_KEY}}
                - name: mail
                  type: email
                  to: ops@example.com
                  from: am@example.com
                  smarthost: "smtp.example.com:587"
                  authUsername: am
                  authPassword: {fromEnv: SMTP_PASSWORD}
              route: {receiver: team-webhook, groupBy: [alertname, namespace]}
              routes:
                - {matchers: ['severity="critical"'], receiver: pager, continue: true}
                - {matchers: ['team=~"db|storage"', 'severity!="info"'], receiver: slack-oncall}
                - {matchers: ['alertname="Watchdog"'], receiver: null}
                - {matchers: [severity=warning], receiver: mail}
            """;

    @Test
    void aConfigWithoutAlertingRoutesEverythingToTheNullReceiver() {
        BootstrapConfig config = ConfigFixtures.defaults();

        assertThat(AlertingSettings.of(config))
                .isEqualTo(new AlertingSettings(List.of(), "null", List.of(), List.of("alertname", "namespace")));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void fullSectionParsesIntoTheExpectedRecords() {
        BootstrapConfig config = ConfigFixtures.parse(FULL);

        assertThat(AlertingSettings.of(config))
                .isEqualTo(new AlertingSettings(
                        List.of(
                                new Receiver(
                                        "team-webhook",
                                        ReceiverType.WEBHOOK,
                                        Map.of(),
                                        Map.of("url", new SecretRef.FromEnv("TEAM_WEBHOOK_URL"))),
                                new Receiver(
                                        "slack-oncall",
                                        ReceiverType.SLACK,
                                        Map.of("channel", "#oncall", "sendResolved", "true"),
                                        Map.of("apiUrl", new SecretRef.FromSecret("slack", "url"))),
                                new Receiver(
                                        "pager",
                                        ReceiverType.PAGERDUTY,
                                        Map.of(),
                                        Map.of("routingKey", new SecretRef.FromEnv("PD_ROUTING_KEY"))),
                                new Receiver(
                                        "mail",
                                        ReceiverType.EMAIL,
                                        Map.of(
                                                "to",
                                                "ops@example.com",
                                                "from",
                                                "am@example.com",
                                                "smarthost",
                                                "smtp.example.com:587",
                                                "authUsername",
                                                "am"),
                                        Map.of("authPassword", new SecretRef.FromEnv("SMTP_PASSWORD")))),
                        "team-webhook",
                        List.of(
                                new Route(List.of("severity=\"critical\""), "pager", true),
                                new Route(List.of("team=~\"db|storage\"", "severity!=\"info\""), "slack-oncall", false),
                                new Route(List.of("alertname=\"Watchdog\""), "null", false),
                                new Route(List.of("severity=warning"), "mail", false)),
                        List.of("alertname", "namespace")));
        assertThat(AlertingSettings.of(config).receiver("pager"))
                .map(Receiver::type)
                .contains(ReceiverType.PAGERDUTY);
        assertThat(config.warnings()).isEmpty();
    }

    /** Templates see each credential's Secret key and where it comes from, never a value. */
    @Test
    void theTemplatesViewCarriesOnlySecretKeysAndReferenceDescriptions() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + """
                alerting:
                  receivers:
                    - {name: team-slack, type: slack, channel: "#alerts", apiUrl: {fromEnv: SLACK_WEBHOOK_URL}}
                    - {name: oncall-pagerduty, type: pagerduty, routingKey: {secret: {name: pagerduty, key: routing-key}}}
                    - {name: mail, type: email, to: a@example.com, from: b@example.com, smarthost: 'mx:25', authUsername: am, authPassword: {fromEnv: SMTP_PASSWORD}, requireTls: true}
                  route: {receiver: team-slack}
                  routes:
                    - {matchers: ['severity="critical"'], receiver: oncall-pagerduty, continue: true}
                    - {matchers: [team=mail], receiver: mail}
                """);

        Map<String, Object> view = config.sections().get("alerting").templateView();
        assertThat(view.get("receivers"))
                .isEqualTo(List.of(
                        Map.of(
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
                                        "env:SLACK_WEBHOOK_URL"))),
                        Map.of(
                                "name",
                                "oncall-pagerduty",
                                "type",
                                "pagerduty",
                                "settings",
                                Map.of(),
                                "credentials",
                                List.of(Map.of(
                                        "field",
                                        "routingKey",
                                        "secretKey",
                                        "oncall-pagerduty-routingKey",
                                        "reference",
                                        "secret:pagerduty/routing-key"))),
                        Map.of(
                                "name",
                                "mail",
                                "type",
                                "email",
                                "settings",
                                Map.of(
                                        "to",
                                        "a@example.com",
                                        "from",
                                        "b@example.com",
                                        "smarthost",
                                        "mx:25",
                                        "auth_username",
                                        "am",
                                        "require_tls",
                                        "true"),
                                "credentials",
                                List.of(Map.of(
                                        "field",
                                        "authPassword",
                                        "secretKey",
                                        "mail-authPassword",
                                        "reference",
                                        "env:SMTP_PASSWORD")))));
        assertThat(view.get("routes"))
                .isEqualTo(List.of(
                        Map.of(
                                "matchers",
                                List.of("severity=\"critical\""),
                                "receiver",
                                "oncall-pagerduty",
                                "continue",
                                true),
                        Map.of("matchers", List.of("team=mail"), "receiver", "mail", "continue", false)));
        assertThat(view)
                .containsEntry("defaultReceiver", "team-slack")
                .containsEntry("credentialsSecret", ReceiverCredentialsSecret.NAME);
    }

    @Test
    void setReachesIntoListItems() {
        String file = HEAD + """
                alerting:
                  receivers:
                    - {name: hook, type: webhook, url: {fromEnv: HOOK_URL}}
                  route: {receiver: hook}
                """;
        BootstrapConfig config = ConfigFixtures.parse(
                file,
                "alerting.receivers[0].url.fromEnv=OTHER_URL",
                "alerting.receivers[1]={name: pager, type: pagerduty, routingKey: {secret: {name: pd, key: key}}}",
                "alerting.routes[0]={matchers: [severity=critical], receiver: pager}");

        AlertingSettings alerting = AlertingSettings.of(config);
        assertThat(alerting.receivers()).extracting(Receiver::name).containsExactly("hook", "pager");
        assertThat(alerting.receiver("hook").orElseThrow().credentials())
                .containsExactly(entry("url", new SecretRef.FromEnv("OTHER_URL")));
        assertThat(alerting.routes()).containsExactly(new Route(List.of("severity=critical"), "pager", false));
    }

    @Test
    void receiverNoRouteUsesIsAWarning() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + """
                alerting:
                  receivers:
                    - {name: hook, type: webhook, url: {fromEnv: HOOK_URL}}
                    - {name: mail, type: email, to: a@example.com, from: b@example.com, smarthost: 'mx:25'}
                  route: {receiver: hook}
                """);
        assertThat(config.warnings())
                .containsExactly("test.yaml: alerting.receivers: receiver 'mail' is defined but no "
                        + "route sends alerts to it; name it in alerting.route or alerting.routes");
    }

    @Test
    void unquotedNullRouteReceiverMeansTheNullReceiver() {
        BootstrapConfig config = ConfigFixtures.parse(
                HEAD + "alerting: {route: {receiver: null}, routes: [{matchers: [a=b], receiver: null}]}\n");
        assertThat(AlertingSettings.of(config).defaultReceiver()).isEqualTo(AlertingSettings.NULL_RECEIVER);
        assertThat(AlertingSettings.of(config).routes()).containsExactly(new Route(List.of("a=b"), "null", false));
    }

    @Test
    void anEmptyReceiverListReadsAsAbsent() {
        BootstrapConfig config = ConfigFixtures.parse(HEAD + "alerting:\n  receivers: []\n");
        assertThat(AlertingSettings.of(config)).isEqualTo(AlertingSettings.of(ConfigFixtures.defaults()));
    }

    @Test
    void receiverSettingsBecomeAlertmanagerFieldNames() {
        assertThat(AlertingSection.snakeCase("authUsername")).isEqualTo("auth_username");
        assertThat(AlertingSection.snakeCase("smarthost")).isEqualTo("smarthost");
        assertThat(AlertingSection.snakeCase("requireTls")).isEqualTo("require_tls");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                arguments(
                        "literal webhook url",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - name: team
                                      type: webhook
                                      url: https://hooks.example.com/T0/B0/very-secret
                                """,
                        "test.yaml:6:12: alerting.receivers[0].url: a credential must not be written into the config; "
                                + "reference it with {fromEnv: VARIABLE} (read from the environment of obs-bootstrap) or "
                                + "{secret: {name: SECRET, key: KEY}} (an existing Secret in the stack namespace)"),
                arguments(
                        "literal email password",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: mail, type: email, to: ops@example.com, from: am@example.com,
                                       smarthost: 'smtp.example.com:587', authUsername: am, authPassword: hunter2}
                                """,
                        "test.yaml:5:75: alerting.receivers[0].authPassword: a credential must not be written into the "
                                + "config; reference it with {fromEnv: VARIABLE} (read from the environment of obs-bootstrap) "
                                + "or {secret: {name: SECRET, key: KEY}} (an existing Secret in the stack namespace)"),
                arguments(
                        "credential with both references",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: pager, type: pagerduty, routingKey: {fromEnv: PD_KEY, secret: {name: pd, key: k}}}
                                """,
                        "test.yaml:4:50: alerting.receivers[0].routingKey: give either fromEnv or secret, not both"),
                arguments(
                        "misspelled credential key",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: pager, type: pagerduty, routingKey: {fromEnf: PD_KEY}}
                                """,
                        "2 problems in the configuration:\n"
                                + "  test.yaml:4:51: alerting.receivers[0].routingKey.fromEnf: unknown key; did you mean 'fromEnv'?\n"
                                + "  test.yaml:4:50: alerting.receivers[0].routingKey: expected {fromEnv: VARIABLE} or "
                                + "{secret: {name: SECRET, key: KEY}}"),
                arguments(
                        "unknown receiver type",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: oncall, type: slak, channel: '#oncall', apiUrl: {fromEnv: SLACK_URL}}
                                """,
                        "test.yaml:4:28: alerting.receivers[0].type: unknown receiver type 'slak'; did you mean 'slack'?"),
                arguments(
                        "slack receiver without channel",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: oncall, type: slack, apiUrl: {fromEnv: SLACK_URL}}
                                """,
                        "test.yaml:4:7: alerting.receivers[0].channel: missing; a slack receiver needs it"),
                arguments(
                        "email receiver with a bad smarthost",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: mail, type: email, to: ops@example.com, from: am@example.com, smarthost: smtp.example.com}
                                """,
                        "test.yaml:4:87: alerting.receivers[0].smarthost: 'smtp.example.com' is not host:port; write it "
                                + "like smtp.example.com:587"),
                arguments(
                        "field of another receiver type",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: hook, type: webhook, url: {fromEnv: HOOK_URL}, channel: '#x'}
                                """,
                        "test.yaml:4:61: alerting.receivers[0].channel: unknown key; expected one of: name, type, "
                                + "sendResolved, url"),
                arguments(
                        "receiver name not DNS-safe",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: Team_Hook, type: webhook, url: {fromEnv: HOOK_URL}}
                                """,
                        "test.yaml:4:14: alerting.receivers[0].name: 'Team_Hook' is not a valid name: use at most 63 "
                                + "lowercase letters, digits and '-', starting and ending with a letter or digit"),
                arguments(
                        "duplicate receiver names",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: pager, type: pagerduty, routingKey: {fromEnv: PD_KEY}}
                                    - {name: pager, type: webhook, url: {fromEnv: HOOK_URL}}
                                  route: {receiver: pager}
                                """,
                        "test.yaml:5:14: alerting.receivers[1].name: duplicate receiver name 'pager' (first at "
                                + "test.yaml:4:14); receiver names must be unique"),
                arguments(
                        "unknown route receiver",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: pager, type: pagerduty, routingKey: {fromEnv: PD_KEY}}
                                  route: {receiver: pagr}
                                """,
                        "test.yaml:5:21: alerting.route.receiver: unknown receiver 'pagr'; did you mean 'pager'?"),
                arguments(
                        "unknown child route receiver",
                        HEAD + """
                                alerting:
                                  routes:
                                    - {matchers: ['severity="critical"'], receiver: team-pager}
                                """,
                        "test.yaml:4:53: alerting.routes[0].receiver: unknown receiver 'team-pager'; expected one of: null"),
                arguments(
                        "bad matcher",
                        HEAD + """
                                alerting:
                                  routes:
                                    - {matchers: ['severity=="critical"', 'team=~"(db"'], receiver: 'null'}
                                """,
                        "2 problems in the configuration:\n"
                                + "  test.yaml:4:19: alerting.routes[0].matchers[0]: 'severity==\"critical\"' has an unbalanced quote; "
                                + "quote the whole value or none of it, like severity=\"critical\"\n"
                                + "  test.yaml:4:43: alerting.routes[0].matchers[1]: '(db' is not a valid regular expression: "
                                + "Unclosed group near index 3"),
                arguments(
                        "child route without matchers",
                        HEAD + """
                                alerting:
                                  routes:
                                    - {receiver: 'null'}
                                """,
                        "test.yaml:4:7: alerting.routes[0].matchers: missing; a child route needs at least one matcher, "
                                + "like ['severity=\"critical\"']"),
                arguments(
                        "group by a bad label",
                        HEAD + "alerting: {route: {groupBy: [alert-name]}}\n",
                        "test.yaml:2:29: alerting.route.groupBy: 'alert-name' is not a label name: use letters, digits "
                                + "and '_', not starting with a digit (or '...' to group by every label)"),
                arguments(
                        "the reserved receiver name",
                        HEAD + """
                                alerting:
                                  receivers:
                                    - {name: 'null', type: webhook, url: {fromEnv: HOOK_URL}}
                                """,
                        "test.yaml:4:14: alerting.receivers[0].name: 'null' is the built-in receiver that drops alerts; "
                                + "choose another name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badSectionIsBadInputWithLocationPathAndFix(String name, String yaml, String expectedMessage) {
        assertThatThrownBy(() -> ConfigFixtures.parse(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(e.getMessage()).isEqualTo(expectedMessage);
        });
    }

    @Test
    void setIntoAMissingListItemNamesTheArgument() {
        assertThatThrownBy(() -> ConfigFixtures.loader()
                        .load(Optional.empty(), Optional.empty(), List.of("alerting.receivers[1].name=x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "--set alerting.receivers[1].name=x: alerting.receivers[1]: the list has 0 items; set an existing "
                                + "index or [0] to append one");
    }

    @Test
    void literalCredentialInSetIsNeverEchoed() {
        List<String> sets = List.of(
                "alerting.receivers=[{name: hook, type: webhook, url: https://hooks.example.com/s3cr3t, sendResolved: maybe}]",
                "alerting.route.receiver=hook");
        assertThatThrownBy(() -> ConfigFixtures.loader().load(Optional.empty(), Optional.empty(), sets))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "--set alerting.receivers=<redacted>: alerting.receivers[0].sendResolved: expected true or false")
                .hasMessageContaining(
                        "--set alerting.receivers=<redacted>: alerting.receivers[0].url: a credential must not be written")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void literalCredentialInFileIsNeverEchoed() {
        String yaml = HEAD + "alerting: {receivers: [{name: p, type: pagerduty, routingKey: 0123456789abcdef}]}\n";
        assertThatThrownBy(() -> ConfigFixtures.parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerting.receivers[0].routingKey: a credential must not be written")
                .hasMessageNotContaining("0123456789abcdef");
    }

    @Test
    void credentialFromSetWithAReferenceIsAccepted() {
        BootstrapConfig config = ConfigFixtures.loader()
                .load(
                        Optional.empty(),
                        Optional.empty(),
                        List.of(
                                "alerting.receivers=[{name: hook, type: webhook, url: {fromEnv: HOOK_URL}}]",
                                "alerting.route.receiver=hook"));
        assertThat(AlertingSettings.of(config).receivers())
                .singleElement()
                .satisfies(r -> assertThat(r.credentials()).containsEntry("url", new SecretRef.FromEnv("HOOK_URL")));
    }
}
