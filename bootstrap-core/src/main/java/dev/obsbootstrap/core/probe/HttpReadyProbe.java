package dev.obsbootstrap.core.probe;

import okhttp3.HttpUrl;

import java.time.Duration;
import java.util.Objects;

/**
 * A component's readiness endpoint answers 200 (Prometheus and Alertmanager {@code /-/ready}, Loki and Tempo
 * {@code /ready}, the collector's health_check extension {@code /}). Generic: the stack module that owns the
 * component gives its name, label and the hint for its usual causes.
 */
public final class HttpReadyProbe implements Probe {
    private final String name;
    private final String proves;
    private final Duration deadline;
    private final String endpoint;
    private final String path;
    private final String component;
    private final String notReadyHint;

    /**
     * @param component    how users know the component, for messages ("Loki", "Alertmanager")
     * @param notReadyHint the likely causes when it answers but is not ready, in the stack's terms
     */
    public HttpReadyProbe(String name, String proves, Duration deadline, String endpoint, String path, String component, String notReadyHint) {
        this.name = Objects.requireNonNull(name, "name");
        this.proves = Objects.requireNonNull(proves, "proves");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.path = Objects.requireNonNull(path, "path");
        this.component = Objects.requireNonNull(component, "component");
        this.notReadyHint = Objects.requireNonNull(notReadyHint, "notReadyHint");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String proves() {
        return proves;
    }

    @Override
    public Duration deadline() {
        return deadline;
    }

    @Override
    public ProbeAttempt attempt(ProbeContext context) throws InterruptedException {
        HttpUrl url = ProbeHttp.url(context, endpoint, path);
        HttpReply reply = ProbeHttp.get(context, url);
        if (!reply.answered()) {
            return ProbeAttempt.fail(component + " did not answer: " + reply.describe(),
                    component + " is not reachable at endpoint '" + endpoint + "': is its pod running and its Service selecting it? " + notReadyHint);
        }
        if (reply.is(200)) {
            return ProbeAttempt.pass(component + " ready: " + reply.describe());
        }
        return ProbeAttempt.fail(component + " is not ready: " + reply.describe(), notReadyHint);
    }
}
