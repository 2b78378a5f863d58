package dev.obsbootstrap.core.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * A component's readiness endpoint answers 200 ({@code /-/ready}, {@code /ready}, a health extension's {@code /}).
 * Generic: the stack module that owns the component gives its path, name, label and the hint for its usual causes.
 * {@link #everyReplica} asks every ready pod behind the Service, for components whose replicas each do the work (an
 * HA server, a collector): the Service would route around a broken one, the probe does not.
 */
public final class HttpReadyProbe implements Probe {
    private final String name;
    private final String proves;
    private final Duration deadline;
    private final String endpoint;
    private final String path;
    private final String component;
    private final String notReadyHint;
    private final boolean everyReplica;

    /**
     * @param component    how users know the component, for messages (the name its own docs use)
     * @param notReadyHint the likely causes when it answers but is not ready, in the stack's terms
     */
    public HttpReadyProbe(
            String name,
            String proves,
            Duration deadline,
            String endpoint,
            String path,
            String component,
            String notReadyHint) {
        this.name = Objects.requireNonNull(name, "name");
        this.proves = Objects.requireNonNull(proves, "proves");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.path = Objects.requireNonNull(path, "path");
        this.component = Objects.requireNonNull(component, "component");
        this.notReadyHint = Objects.requireNonNull(notReadyHint, "notReadyHint");
        this.everyReplica = false;
    }

    private HttpReadyProbe(HttpReadyProbe one) {
        this.name = one.name;
        this.proves = one.proves;
        this.deadline = one.deadline;
        this.endpoint = one.endpoint;
        this.path = one.path;
        this.component = one.component;
        this.notReadyHint = one.notReadyHint;
        this.everyReplica = true;
    }

    /** The same check against every ready pod behind the endpoint's Service (the pod proxy), each by name. */
    public HttpReadyProbe everyReplica() {
        return new HttpReadyProbe(this);
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
        if (!everyReplica) {
            return check(context, ProbeHttp.url(context, endpoint, path), component);
        }
        List<ProbeContext.Replica> replicas = context.replicas(endpoint);
        if (replicas.size() == 1) {
            ProbeAttempt one = check(context, ProbeHttp.resolve(replicas.get(0).url(), path), component);
            return new ProbeAttempt(
                    one.passed(),
                    one.observed(),
                    one.hint(),
                    Evidence.of("replicas", "1: " + replicas.get(0).name()));
        }
        List<String> ready = new ArrayList<>();
        for (ProbeContext.Replica replica : replicas) {
            ProbeAttempt one =
                    check(context, ProbeHttp.resolve(replica.url(), path), component + " replica " + replica.name());
            if (!one.passed()) {
                return ProbeAttempt.fail(
                        one.observed() + (ready.isEmpty() ? "" : " (ready: " + String.join(", ", ready) + ")"),
                        one.hint(),
                        Evidence.of(
                                "replicas",
                                replicas.size() + ": "
                                        + String.join(
                                                ", ",
                                                replicas.stream()
                                                        .map(ProbeContext.Replica::name)
                                                        .toList())));
            }
            ready.add(replica.name());
        }
        return ProbeAttempt.pass(
                component + ": all " + replicas.size() + " ready replica(s) answer " + path + " with 200: "
                        + String.join(", ", ready),
                Evidence.of("replicas", replicas.size() + ": " + String.join(", ", ready)));
    }

    private ProbeAttempt check(ProbeContext context, HttpUrl url, String component) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, url);
        if (!reply.answered()) {
            return ProbeAttempt.fail(
                    component + " did not answer: " + reply.describe(),
                    component + " is not reachable at endpoint '" + endpoint
                            + "': is its pod running and its Service selecting it? " + notReadyHint);
        }
        if (reply.is(200)) {
            return ProbeAttempt.pass(component + " ready: " + reply.describe());
        }
        return ProbeAttempt.fail(component + " is not ready: " + reply.describe(), notReadyHint);
    }
}
