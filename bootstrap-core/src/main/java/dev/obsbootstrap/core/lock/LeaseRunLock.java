package dev.obsbootstrap.core.lock;

import dev.obsbootstrap.core.cluster.KubeErrors;
import dev.obsbootstrap.core.error.ClusterException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link RunLock} as a {@code coordination.k8s.io/v1} Lease in the stack namespace, the object Kubernetes' own leader
 * election uses. Taking and renewing it are compare-and-swap writes (create, or replace with the resourceVersion just
 * read), so of two runs racing for it exactly one wins. The holder renews every third of the lease duration from a
 * daemon thread; a run killed with SIGKILL stops renewing, and the next run takes the lock over once the lease has
 * expired, or at once when the holder was a process of the same host that no longer exists.
 *
 * <p>Expiry compares the holder's last renewal with this machine's clock (as client-go's leader election compares
 * with its own observation time), so clocks more than a lease duration apart could take over a live run's lock early:
 * keep the machines that run obs-bootstrap against one cluster on NTP.
 */
public final class LeaseRunLock implements RunLock {
    public static final String NAME = "obs-bootstrap-lock";
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    private static final String PREFIX = "obs-bootstrap.dev/";
    private static final String RUN_ID = PREFIX + "run-id";
    private static final String USER = PREFIX + "user";
    private static final String HOST = PREFIX + "host";
    private static final String PID = PREFIX + "pid";

    private final KubernetesClient client;
    private final String namespace;
    private final Duration duration;
    private final Clock clock;

    public LeaseRunLock(KubernetesClient client, String namespace) {
        this(client, namespace, DEFAULT_DURATION, Clock.systemUTC());
    }

    /** @param duration how long the lock holds without a renewal; it is renewed every third of that */
    public LeaseRunLock(KubernetesClient client, String namespace, Duration duration, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<LockHolder> holder() {
        return read().flatMap(LeaseRunLock::holderOf).filter(h -> !h.expired(clock.instant()));
    }

    /** The holder the Lease names, expired or not (for status). */
    public Optional<LockHolder> lastHolder() {
        return read().flatMap(LeaseRunLock::holderOf);
    }

    @Override
    public void checkFree(RunIdentity me) {
        Optional<LockHolder> holder = read().flatMap(LeaseRunLock::holderOf);
        Instant now = clock.instant();
        if (holder.isPresent() && heldByAnother(holder.get(), me, now)) {
            throw held(holder.get(), now);
        }
    }

    private static boolean heldByAnother(LockHolder holder, RunIdentity me, Instant now) {
        return !holder.identity().runId().equals(me.runId())
                && !holder.expired(now)
                && !holder.identity().deadOnThisHost();
    }

    private LockHeldException held(LockHolder other, Instant now) {
        return new LockHeldException("another obs-bootstrap run holds the lock on namespace " + namespace + ": "
                + other.describe(now) + ". Wait for it to finish; if that run is dead, its lock expires at "
                + other.expires().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " and the next run takes it over"
                + " (Lease " + namespace + "/" + NAME + ")");
    }

    @Override
    public Held acquire(RunIdentity me) {
        // a run of this process counts as live from before its write: registered only after it, a run of this process
        // that read the Lease in between took it over as a finished run's, and both held it
        boolean registered = RunIdentity.LIVE_IN_THIS_PROCESS.add(me.runId());
        try {
            return claim(me);
        } catch (RuntimeException | Error e) {
            if (registered) {
                RunIdentity.LIVE_IN_THIS_PROCESS.remove(me.runId());
            }
            throw e;
        }
    }

    private Held claim(RunIdentity me) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Lease> current = read();
            try {
                if (current.isEmpty()) {
                    ensureNamespace();
                    Lease created = client.leases()
                            .inNamespace(namespace)
                            .resource(lease(
                                    new LeaseBuilder()
                                            .withNewMetadata()
                                            .withName(NAME)
                                            .withNamespace(namespace)
                                            .endMetadata()
                                            .withNewSpec()
                                            .withLeaseTransitions(0)
                                            .endSpec()
                                            .build(),
                                    me,
                                    clock.instant(),
                                    true))
                            .create();
                    return new LeaseHeld(me, created, Optional.empty());
                }
                Lease lease = current.get();
                Optional<LockHolder> holder = holderOf(lease);
                Instant now = clock.instant();
                if (holder.isPresent() && heldByAnother(holder.get(), me, now)) {
                    throw held(holder.get(), now);
                }
                Lease taken = client.leases()
                        .inNamespace(namespace)
                        .resource(lease(lease, me, now, true))
                        .update();
                return new LeaseHeld(
                        me, taken, holder.filter(h -> !h.identity().runId().equals(me.runId())));
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    continue; // another run wrote it between our read and our write: read again and decide again
                }
                throw new ClusterException(
                        "cannot take the run lock (Lease " + namespace + "/" + NAME + "): "
                                + KubeErrors.describe(client, e)
                                + KubeErrors.accessHint(
                                        e,
                                        "your user needs get, create and update on leases.coordination.k8s.io in "
                                                + namespace),
                        e);
            }
        }
        throw new LockHeldException("another obs-bootstrap run took the lock on namespace " + namespace
                + " at the same moment (Lease " + namespace + "/" + NAME + "); try again when it has finished");
    }

    private Optional<Lease> read() {
        try {
            return Optional.ofNullable(
                    client.leases().inNamespace(namespace).withName(NAME).get());
        } catch (KubernetesClientException e) {
            throw new ClusterException(
                    "cannot read the run lock (Lease " + namespace + "/" + NAME + "): "
                            + KubeErrors.describe(client, e)
                            + KubeErrors.accessHint(
                                    e, "your user needs get on leases.coordination.k8s.io in " + namespace),
                    e);
        }
    }

    private void ensureNamespace() {
        if (client.namespaces().withName(namespace).get() == null) {
            try {
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(namespace)
                                .addToLabels("app.kubernetes.io/managed-by", "obs-bootstrap")
                                .endMetadata()
                                .build())
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    /** The Lease with {@code me} as holder, renewed now; a new holder also gets a new acquire time and a transition. */
    private Lease lease(Lease base, RunIdentity me, Instant now, boolean acquiring) {
        Optional<LockHolder> previous = holderOf(base);
        boolean newHolder =
                previous.isEmpty() || !previous.get().identity().runId().equals(me.runId());
        Map<String, String> annotations = new HashMap<>(
                Optional.ofNullable(base.getMetadata().getAnnotations()).orElse(Map.of()));
        annotations.put(RUN_ID, me.runId());
        annotations.put(USER, me.user());
        annotations.put(HOST, me.host());
        annotations.put(PID, Long.toString(me.pid()));
        int transitions =
                Optional.ofNullable(base.getSpec().getLeaseTransitions()).orElse(0);
        return new LeaseBuilder(base)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .editSpec()
                .withHolderIdentity(me.runId() + " " + me.describe())
                .withLeaseDurationSeconds((int) duration.toSeconds())
                .withAcquireTime(
                        acquiring && newHolder
                                ? micro(now)
                                : Optional.ofNullable(base.getSpec().getAcquireTime())
                                        .orElse(micro(now)))
                .withRenewTime(micro(now))
                .withLeaseTransitions(acquiring && newHolder && previous.isPresent() ? transitions + 1 : transitions)
                .endSpec()
                .build();
    }

    static Optional<LockHolder> holderOf(Lease lease) {
        if (lease.getSpec() == null
                || lease.getSpec().getHolderIdentity() == null
                || lease.getSpec().getHolderIdentity().isBlank()) {
            return Optional.empty();
        }
        Map<String, String> annotations =
                Optional.ofNullable(lease.getMetadata().getAnnotations()).orElse(Map.of());
        long pid;
        try {
            pid = Long.parseLong(annotations.getOrDefault(PID, "0"));
        } catch (NumberFormatException e) {
            pid = 0;
        }
        String runId = annotations.getOrDefault(RUN_ID, lease.getSpec().getHolderIdentity());
        RunIdentity identity =
                new RunIdentity(runId, annotations.getOrDefault(USER, "?"), annotations.getOrDefault(HOST, "?"), pid);
        Instant renewed = instant(lease.getSpec().getRenewTime());
        Instant since = lease.getSpec().getAcquireTime() == null
                ? renewed
                : instant(lease.getSpec().getAcquireTime());
        int seconds = Optional.ofNullable(lease.getSpec().getLeaseDurationSeconds())
                .orElse((int) DEFAULT_DURATION.toSeconds());
        return Optional.of(new LockHolder(identity, since, renewed, Duration.ofSeconds(seconds)));
    }

    /** Lease times are MicroTime on the wire: microseconds, UTC. */
    private static ZonedDateTime micro(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? Instant.EPOCH : time.toInstant();
    }

    /** The lock while this run holds it: one daemon thread renews it until {@link #close}. */
    private final class LeaseHeld implements Held {
        private final RunIdentity me;
        private final Optional<LockHolder> tookOverFrom;
        private final Thread renewer;
        private Lease known;
        private Instant lastRenewed;
        private String lostTo = "";
        private boolean closed;

        LeaseHeld(RunIdentity me, Lease lease, Optional<LockHolder> tookOverFrom) {
            this.me = me;
            this.known = lease;
            this.tookOverFrom = tookOverFrom;
            this.lastRenewed = clock.instant();
            this.renewer = new Thread(this::renewUntilClosed, "obs-bootstrap-lock-renewer");
            renewer.setDaemon(true);
            renewer.start();
        }

        @Override
        public Optional<LockHolder> tookOverFrom() {
            return tookOverFrom;
        }

        @Override
        public void checkHeld() {
            String lost;
            synchronized (this) {
                if (lostTo.isEmpty()
                        && Duration.between(lastRenewed, clock.instant()).compareTo(duration) > 0) {
                    renewOnce(); // renewals failed for a whole lease duration: find out now whether it is still ours
                }
                lost = lostTo;
            }
            if (!lost.isEmpty()) {
                throw new LockLostException("this run lost the lock on namespace " + namespace + " (Lease " + NAME
                        + "): " + lost + "; stopping before changing anything else");
            }
        }

        private void renewUntilClosed() {
            long every = Math.max(100, duration.toMillis() / 3);
            while (true) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (closed || !lostTo.isEmpty()) {
                        return;
                    }
                    try {
                        renewOnce();
                    } catch (IllegalStateException clientClosed) {
                        // fabric8's "Client is closed" (kubernetes-client 8.0.0, kubernetes-client-api
                        // .../client/http/StandardHttpClient.java, checkNotClosed): the run is ending and closed its
                        // client before this lock; nothing can be renewed any more, and an uncaught exception would
                        // print a stack trace
                        return;
                    }
                }
            }
        }

        /** One renewal; a failure that is not a lost lock is tried again on the next round. */
        private void renewOnce() {
            Instant now = clock.instant();
            try {
                known = client.leases()
                        .inNamespace(namespace)
                        .resource(lease(known, me, now, false))
                        .update();
                lastRenewed = now;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) {
                    return; // the API server did not answer: try again next round, checkHeld decides after a lease
                    // duration
                }
                try {
                    Optional<Lease> current = read();
                    Optional<LockHolder> holder = current.flatMap(LeaseRunLock::holderOf);
                    if (current.isPresent()
                            && holder.isPresent()
                            && holder.get().identity().runId().equals(me.runId())) {
                        known = current.get(); // only our own earlier write raced: still ours, renew next round
                        return;
                    }
                    lostTo = holder.map(h -> "it was taken over by " + h.describe(now))
                            .orElse("the Lease was deleted or released by someone else");
                } catch (ClusterException unreadable) {
                    // try again next round
                }
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            renewer.interrupt();
            // after Ctrl-C the caller's thread is interrupted, and a blocking client call would refuse to run
            boolean interrupted = Thread.interrupted();
            try {
                renewer.join(2_000); // a renewal in flight would make the release's write conflict
                synchronized (this) {
                    if (lostTo.isEmpty()) {
                        release();
                    }
                }
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                // released or not (an API server that does not answer), this run is over: a later run in this
                // process may take the lock over at once, as a run in another process would once this one exits
                RunIdentity.LIVE_IN_THIS_PROCESS.remove(me.runId());
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Clears the holder, unless someone else holds the Lease by now; never throws (the lease would expire anyway). */
        private void release() {
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    Lease released = new LeaseBuilder(known)
                            .editSpec()
                            .withHolderIdentity(null)
                            .withRenewTime(micro(clock.instant()))
                            .endSpec()
                            .editMetadata()
                            .removeFromAnnotations(RUN_ID)
                            .removeFromAnnotations(PID)
                            .endMetadata()
                            .build();
                    client.leases().inNamespace(namespace).resource(released).update();
                    return;
                } catch (IllegalStateException clientClosed) {
                    return; // fabric8's "Client is closed": nothing can be sent, the lease expires by itself
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        return; // the API server is gone: the lease expires by itself
                    }
                    try {
                        Optional<Lease> current = read();
                        if (current.isEmpty()
                                || holderOf(current.get())
                                        .map(h -> !h.identity().runId().equals(me.runId()))
                                        .orElse(true)) {
                            return; // not ours any more
                        }
                        known = current.get();
                    } catch (ClusterException unreadable) {
                        return;
                    }
                }
            }
        }
    }
}
