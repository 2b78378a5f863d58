package dev.obsbootstrap.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.testing.FakeCluster;
import dev.obsbootstrap.core.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The run lock on the simulated API server, whose writes check resourceVersion like a real one (409 on a stale write). */
class LeaseRunLockTest {
    private static FakeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = FakeCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** A live process on this host: this test JVM. */
    private static RunIdentity live(String runId) {
        return new RunIdentity(
                runId, "alice", RunIdentity.localHost(), ProcessHandle.current().pid());
    }

    @Test
    void aSecondRunIsRefusedAtOnceNamingTheHolder() {
        LeaseRunLock lock = new LeaseRunLock(cluster.client(), "lock-held");

        try (RunLock.Held held = lock.acquire(live("run-a"))) {
            assertThat(held.tookOverFrom()).isEmpty();
            assertThatThrownBy(() -> lock.checkFree(live("run-b")))
                    .isInstanceOf(LockHeldException.class)
                    .hasMessageContaining(
                            "another obs-bootstrap run holds the lock on namespace lock-held: run run-a by alice@")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("since ")
                    .hasMessageContaining("Lease lock-held/obs-bootstrap-lock");
            assertThatThrownBy(() -> lock.acquire(live("run-b"))).isInstanceOf(LockHeldException.class);
            Lease lease = cluster.client()
                    .leases()
                    .inNamespace("lock-held")
                    .withName(LeaseRunLock.NAME)
                    .get();
            assertThat(lease.getSpec().getHolderIdentity()).startsWith("run-a alice@");
            assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(30);
        }

        assertThat(lock.holder()).as("released at the end").isEmpty();
        try (RunLock.Held next = lock.acquire(live("run-b"))) {
            assertThat(next.tookOverFrom())
                    .as("a released lock is simply taken")
                    .isEmpty();
        }
    }

    @Test
    void aHolderThatStoppedRenewingIsTakenOverWithItsName() {
        Instant start = Instant.parse("2026-12-06T10:00:00Z");
        LeaseRunLock killed = new LeaseRunLock(
                cluster.client(), "lock-stale", Duration.ofSeconds(30), Clock.fixed(start, ZoneOffset.UTC));
        // never closed, never renewed (its fixed clock): it was SIGKILLed. Its renewer thread is stopped at the end,
        // as the killed process's would be, so that it cannot renew on a client the class has closed by then
        RunLock.Held killedHeld = killed.acquire(new RunIdentity("run-killed", "ci", "other-host", 77));
        LeaseRunLock later = new LeaseRunLock(
                cluster.client(),
                "lock-stale",
                Duration.ofSeconds(30),
                Clock.fixed(start.plusSeconds(31), ZoneOffset.UTC));

        assertThat(later.holder()).isEmpty();
        try (RunLock.Held held = later.acquire(live("run-next"))) {
            assertThat(held.tookOverFrom()).hasValueSatisfying(previous -> {
                assertThat(previous.identity().runId()).isEqualTo("run-killed");
                assertThat(previous.identity().host()).isEqualTo("other-host");
            });
            assertThat(cluster.client()
                            .leases()
                            .inNamespace("lock-stale")
                            .withName(LeaseRunLock.NAME)
                            .get()
                            .getSpec()
                            .getLeaseTransitions())
                    .isEqualTo(1);
        } finally {
            killedHeld.close();
        }
    }

    @Test
    void aHolderWhoseProcessOnThisHostIsGoneIsTakenOverAtOnce() {
        long deadPid = deadPid();
        try (RunLock.Held dead = new LeaseRunLock(cluster.client(), "lock-dead-pid")
                        .acquire(new RunIdentity("run-dead", "bob", RunIdentity.localHost(), deadPid));
                RunLock.Held held = new LeaseRunLock(cluster.client(), "lock-dead-pid").acquire(live("run-next"))) {
            assertThat(held.tookOverFrom())
                    .hasValueSatisfying(
                            previous -> assertThat(previous.identity().pid()).isEqualTo(deadPid));
        }
    }

    /**
     * A run that closes its client before its lock (an error path) must not leave the renewer dying with an uncaught
     * "Client is closed": that printed a stack trace, and failed whichever test awaited with Awaitility at the time.
     */
    @Test
    void aRenewerWhoseClientWasClosedStopsQuietly() throws Exception {
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
        try {
            KubernetesClient own = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(cluster.kubeconfigYaml()))
                    .build();
            RunLock.Held held = new LeaseRunLock(own, "lock-client-closed", Duration.ofMillis(300), Clock.systemUTC())
                    .acquire(live("run-closing"));
            own.close();
            Thread.sleep(600); // several renewal rounds (every 100 ms) on the closed client
            held.close();

            assertThat(uncaught).isEmpty();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    /**
     * fabric8's defaults retry a refused connection ten times with backoff up to 3.2 s (19 s in all); the release
     * gives up after the first refusal either way, so the test need not wait those retries out.
     */
    private static Config withoutRetries(Config config) {
        config.setRequestRetryBackoffLimit(0);
        return config;
    }

    /**
     * A run that ended in this process while the API server did not answer could not release its Lease; its process is
     * alive (it is this one), but the run is over, so the next run here takes the lock over instead of waiting it out.
     */
    @Test
    void aRunOfThisProcessWhoseReleaseNeverArrivedIsTakenOverAtOnce() {
        int port = Integer.parseInt(cluster.serverUrl().replaceAll(".*:", ""));
        try (TcpProxy proxy = TcpProxy.to(port);
                KubernetesClient through = new KubernetesClientBuilder()
                        .withConfig(withoutRetries(Config.fromKubeconfig(
                                cluster.kubeconfigYaml().replace(cluster.serverUrl(), proxy.url()))))
                        .build()) {
            RunLock.Held ended = new LeaseRunLock(through, "lock-same-process").acquire(live("run-ended"));
            proxy.cut();
            ended.close(); // the release cannot reach the API server: the Lease still names run-ended, renewed
            // moments ago
        }
        assertThat(new LeaseRunLock(cluster.client(), "lock-same-process").holder())
                .hasValueSatisfying(
                        holder -> assertThat(holder.identity().runId()).isEqualTo("run-ended"));

        try (RunLock.Held next = new LeaseRunLock(cluster.client(), "lock-same-process").acquire(live("run-next"))) {
            assertThat(next.tookOverFrom())
                    .hasValueSatisfying(
                            previous -> assertThat(previous.identity().runId()).isEqualTo("run-ended"));
        }
    }

    @Test
    void aLiveRunOfThisProcessStillHoldsItsLock() {
        try (RunLock.Held first =
                new LeaseRunLock(cluster.client(), "lock-same-process-live").acquire(live("run-live"))) {
            assertThatThrownBy(() ->
                            new LeaseRunLock(cluster.client(), "lock-same-process-live").acquire(live("run-other")))
                    .isInstanceOf(LockHeldException.class)
                    .hasMessageContaining("run run-live");
        }
    }

    /**
     * Four runs of this process race for one Lease, thirty times over (each round a namespace of its own). A run of
     * this process counts as live only once registered; registering after the winning write let a racer that read
     * the Lease in between take it over as a dead run's, so two runs held it (seen once in the suite; this
     * test found it in one run of three with twenty rounds).
     */
    @Test
    void ofTwoRunsRacingForTheLockExactlyOneGetsIt() throws Exception {
        for (int round = 0; round < 30; round++) {
            String namespace = "lock-race-" + round;
            List<String> winners = new ArrayList<>();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            List<RunLock.Held> held = new ArrayList<>();
            for (String run : List.of("run-1", "run-2", "run-3", "run-4")) {
                String runId = run + "-" + round;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        RunLock.Held lock = new LeaseRunLock(cluster.client(), namespace).acquire(live(runId));
                        synchronized (winners) {
                            winners.add(runId);
                            held.add(lock);
                        }
                    } catch (LockHeldException e) {
                        refused.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join(20_000);
            }
            held.forEach(RunLock.Held::close);

            assertThat(winners).as("round %d", round).hasSize(1);
            assertThat(refused).as("round %d", round).hasValue(3);
        }
    }

    @Test
    void aRunWhoseLockWasTakenOverStopsBeforeItsNextChange() {
        LeaseRunLock slow = new LeaseRunLock(cluster.client(), "lock-lost", Duration.ofMillis(900), Clock.systemUTC());
        RunLock.Held held = slow.acquire(live("run-slow"));
        // another run whose clock says the lease ran out takes it over
        LeaseRunLock other = new LeaseRunLock(
                cluster.client(),
                "lock-lost",
                Duration.ofMillis(900),
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(5)));
        RunLock.Held taken = other.acquire(live("run-other"));

        Awaitility.await("the renewal notices")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThatThrownBy(held::checkHeld)
                        .isInstanceOf(LockLostException.class)
                        .hasMessageContaining("it was taken over by run run-other"));
        held.close();
        assertThat(new LeaseRunLock(cluster.client(), "lock-lost").lastHolder())
                .as("closing a lost lock does not release the new holder's")
                .hasValueSatisfying(h -> assertThat(h.identity().runId()).isEqualTo("run-other"));
        taken.close();
    }

    @Test
    void theHolderRenewsWhileItRuns() {
        LeaseRunLock lock = new LeaseRunLock(cluster.client(), "lock-renew", Duration.ofMillis(600), Clock.systemUTC());
        try (RunLock.Held held = lock.acquire(live("run-long"))) {
            Instant first = lock.lastHolder().orElseThrow().renewed();

            Awaitility.await("renewed")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> lock.lastHolder().orElseThrow().renewed().isAfter(first));
            held.checkHeld();
        }
    }

    private static long deadPid() {
        for (long pid = 4_000_000; pid > 3_000_000; pid -= 7) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
        throw new AssertionError("no free pid found");
    }
}
