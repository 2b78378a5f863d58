package dev.obsbootstrap.alerting;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.Json;
import dev.obsbootstrap.core.probe.Probe;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Alertmanager runs the configured routing: the config it loaded ({@code /api/v2/status} config.original) has every
 * receiver the obs-bootstrap config names, and its top route sends to the configured default receiver. Only
 * receiver names are read and reported: config.original also holds receiver secrets.
 */
public final class ReceiversConfiguredProbe implements Probe {
    private final Duration deadline;

    public ReceiversConfiguredProbe(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public String name() {
        return "alertmanager-receivers";
    }

    @Override
    public String proves() {
        return "Alertmanager loaded the configured routing: every configured receiver exists and the top route sends to the default receiver.";
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    /** Every replica must have loaded the same routing: a replica left on an old config routes differently. */
    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        List<ProbeContext.Replica> replicas = context.replicas("alertmanager");
        List<String> loaded = new ArrayList<>();
        for (ProbeContext.Replica replica : replicas) {
            ProbeAttempt one = check(context, ProbeHttp.resolve(replica.url(), "/api/v2/status"));
            if (!one.passed()) {
                return replicas.size() == 1
                        ? one
                        : ProbeAttempt.fail(
                                "Alertmanager replica " + replica.name() + ": " + one.observed(), one.hint());
            }
            loaded.add(replicas.size() == 1 ? one.observed() : replica.name() + ": " + one.observed());
        }
        return ProbeAttempt.pass(String.join("; ", loaded));
    }

    private ProbeAttempt check(ProbeContext context, okhttp3.HttpUrl statusUrl) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, statusUrl);
        if (!reply.answered()) {
            return ProbeAttempt.fail("Alertmanager did not answer: " + reply.describe(), AlertingHints.unreachable());
        }
        if (!reply.is(200)) {
            return ProbeAttempt.fail(
                    "Alertmanager's status failed: " + reply.describe(),
                    "Alertmanager answers but not its API v2: is it still starting?");
        }
        String original = Json.text(reply.json(), "config", "original");
        Map<String, Object> loaded;
        try {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(original);
            loaded = parsed instanceof Map<?, ?> map ? cast(map) : Map.of();
        } catch (YAMLException e) {
            return ProbeAttempt.fail(
                    "Alertmanager's config.original is not YAML ("
                            + e.getClass().getSimpleName() + ")",
                    "unexpected: Alertmanager reports a config it cannot have loaded");
        }
        List<String> present = new ArrayList<>();
        if (loaded.get("receivers") instanceof List<?> receivers) {
            for (Object receiver : receivers) {
                if (receiver instanceof Map<?, ?> r && r.get("name") != null) {
                    present.add(String.valueOf(r.get("name")));
                }
            }
        }
        List<String> expected = RouteMatchers.receiverNames(AlertingSettings.of(context.config()));
        List<String> missing =
                expected.stream().filter(name -> !present.contains(name)).toList();
        String topReceiver = loaded.get("route") instanceof Map<?, ?> route && route.get("receiver") != null
                ? String.valueOf(route.get("receiver"))
                : "";
        String defaultReceiver = AlertingSettings.of(context.config()).defaultReceiver();
        if (missing.isEmpty() && topReceiver.equals(defaultReceiver)) {
            return ProbeAttempt.pass("Alertmanager has receivers " + present + "; top route -> " + topReceiver);
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("missing receivers " + missing + " (loaded: " + present + ")");
        }
        if (!topReceiver.equals(defaultReceiver)) {
            problems.add("top route sends to '" + topReceiver + "', the config's default receiver is '"
                    + defaultReceiver + "'");
        }
        return ProbeAttempt.fail(
                "Alertmanager's loaded config differs: " + String.join("; ", problems),
                "the alertmanager release runs another config than obs-bootstrap rendered: check its values (config.receivers, config.route),"
                        + " that the pod restarted or reloaded after the upgrade (config-reloader), and that no AlertmanagerConfig replaces it");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
