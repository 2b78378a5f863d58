package dev.obsbootstrap.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obsbootstrap.core.testing.ProbeTesting;
import dev.obsbootstrap.core.testing.RecordingConsole;
import dev.obsbootstrap.core.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProbeRunnerTest {
    private final RecordingConsole console = new RecordingConsole();
    private final ProbeRunner runner = ProbeTesting.runner(console);
    private final EndpointProbeContext context = ProbeTesting.context(
            TestConfigs.config(), Map.of(), Map.of("OBS_GRAFANA_USER", "admin", "OBS_GRAFANA_PASSWORD", "s3cr3t-pa55"));

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** A probe whose tries are scripted: each call returns the next attempt (the last one repeats). */
    private static class ScriptedProbe implements Probe {
        private final String name;
        private final Duration deadline;
        private final List<Object> script;
        final AtomicInteger calls = new AtomicInteger();

        ScriptedProbe(String name, Duration deadline, Object... script) {
            this.name = name;
            this.deadline = deadline;
            this.script = List.of(script);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String proves() {
            return name + " works.";
        }

        @Override
        public Duration deadline() {
            return deadline;
        }

        @Override
        public ProbeAttempt attempt(ProbeContext context) throws Exception {
            Object step = script.get(Math.min(calls.getAndIncrement(), script.size() - 1));
            if (step instanceof Exception e) {
                throw e;
            }
            return (ProbeAttempt) step;
        }
    }

    @Test
    void pollsUntilATryPassesAndRecordsEveryTry() throws Exception {
        ScriptedProbe probe = new ScriptedProbe(
                "eventually",
                Duration.ofSeconds(10),
                ProbeAttempt.fail("503 not ready", "wait"),
                ProbeAttempt.fail("503 not ready", "wait"),
                ProbeAttempt.pass("200 ready"));

        ProbeResult result = runner.run("metrics", List.of(probe), context).get(0);

        assertThat(result.passed()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.phase()).isEqualTo("metrics");
        assertThat(result.probe()).isEqualTo("eventually");
        assertThat(result.proves()).isEqualTo("eventually works.");
        assertThat(result.lastObserved()).isEqualTo("200 ready");
        assertThat(result.hint()).isEmpty();
        assertThat(result.lastError()).isEmpty();
        assertThat(console.lines())
                .anyMatch(l -> l.startsWith("PROGRESS [metrics] eventually: try 1,") && l.endsWith("503 not ready"));
        assertThat(console.lines()).anyMatch(l -> l.startsWith("INFO [metrics] probe eventually passed after 3 tries"));
    }

    @Test
    void failsAtTheDeadlineWithTheLastObservationAndHint() throws Exception {
        ScriptedProbe probe = new ScriptedProbe(
                "never",
                Duration.ofMillis(700),
                ProbeAttempt.fail("503 Ingester not ready", "the ingester is joining the ring"));

        ProbeResult result = runner.run("logs", List.of(probe), context).get(0);

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isGreaterThan(1);
        assertThat(result.lastObserved()).startsWith("503 Ingester not ready").contains("deadline 700ms passed");
        assertThat(result.hint()).isEqualTo("the ingester is joining the ring");
        assertThat(console.lines()).anyMatch(l -> l.startsWith("WARN [logs] probe never FAILED"));
    }

    @Test
    void aTryThatThrowsIsRecordedAsTheLastError() throws Exception {
        ScriptedProbe probe = new ScriptedProbe(
                "throws", Duration.ofMillis(400), new IllegalStateException("expected JSON from GET /x"));

        ProbeResult result = runner.run("metrics", List.of(probe), context).get(0);

        assertThat(result.passed()).isFalse();
        assertThat(result.lastError()).isEqualTo("IllegalStateException: expected JSON from GET /x");
        assertThat(result.lastObserved()).contains("threw IllegalStateException");
    }

    @Test
    void aPassAfterErrorsClearsTheError() throws Exception {
        ScriptedProbe probe = new ScriptedProbe(
                "recovers", Duration.ofSeconds(10), new IllegalStateException("boom"), ProbeAttempt.pass("ok"));

        ProbeResult result = runner.run("metrics", List.of(probe), context).get(0);

        assertThat(result.passed()).isTrue();
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.lastError()).isEmpty();
    }

    @Test
    void aTerminalFailureStopsPollingAtOnce() throws Exception {
        ScriptedProbe probe = new ScriptedProbe(
                "no-url",
                Duration.ofSeconds(30),
                new TerminalProbeFailure("no URL for endpoint 'loki'", "pass --endpoint loki=URL"));

        ProbeResult result = runner.run("logs", List.of(probe), context).get(0);

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.lastObserved()).isEqualTo("no URL for endpoint 'loki'");
        assertThat(result.hint()).isEqualTo("pass --endpoint loki=URL");
    }

    @Test
    void missingEndpointInAnExplicitRunIsTerminal() throws Exception {
        Probe probe = new HttpReadyProbe(
                "loki-ready", "Loki is ready.", Duration.ofSeconds(30), "loki", "/ready", "Loki", "");

        ProbeResult result = runner.run("logs", List.of(probe), context).get(0);

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.lastObserved()).contains("no URL for endpoint 'loki'");
        assertThat(result.hint()).contains("--endpoint loki=URL");
    }

    @Test
    void afterAFailureTheLaterProbesGetOneTryEach() throws Exception {
        ScriptedProbe failing =
                new ScriptedProbe("first", Duration.ofMillis(300), ProbeAttempt.fail("down", "start it"));
        ScriptedProbe later = new ScriptedProbe(
                "second", Duration.ofSeconds(30), ProbeAttempt.fail("also down", "x"), ProbeAttempt.pass("up"));
        ScriptedProbe passing = new ScriptedProbe("third", Duration.ofSeconds(30), ProbeAttempt.pass("fine"));

        List<ProbeResult> results = runner.run("metrics", List.of(failing, later, passing), context);

        assertThat(results).extracting(ProbeResult::probe).containsExactly("first", "second", "third");
        assertThat(results.get(1).passed()).isFalse();
        assertThat(results.get(1).attempts()).isEqualTo(1);
        assertThat(results.get(1).lastObserved()).contains("one try only: first had already failed");
        assertThat(results.get(2).passed()).isTrue();
        assertThat(results.get(2).attempts()).isEqualTo(1);
    }

    @Test
    void secretsNeverReachTheResult() throws Exception {
        context.credentials("grafana"); // the context hands the password out, so it knows to redact it
        ScriptedProbe probe = new ScriptedProbe(
                "leaky",
                Duration.ofMillis(300),
                ProbeAttempt.fail(
                        "sent Authorization: Basic YWRtaW46czNjcjN0 with s3cr3t-pa55",
                        "password=s3cr3t-pa55 was refused"));

        ProbeResult result = runner.run("metrics", List.of(probe), context).get(0);

        assertThat(result.lastObserved())
                .doesNotContain("s3cr3t-pa55")
                .doesNotContain("YWRtaW46czNjcjN0")
                .contains("<redacted>");
        assertThat(result.hint()).doesNotContain("s3cr3t-pa55");
        assertThat(console.text()).doesNotContain("s3cr3t-pa55").doesNotContain("YWRtaW46czNjcjN0");
    }

    @Test
    void anInterruptDuringATryPropagates() throws Exception {
        CountDownLatch inFirstTry = new CountDownLatch(1);
        Probe blocking = new ScriptedProbe("blocking", Duration.ofSeconds(60)) {
            @Override
            public ProbeAttempt attempt(ProbeContext context) throws Exception {
                inFirstTry.countDown();
                Thread.sleep(60_000); // like a slow HTTP call: interruptible
                return ProbeAttempt.pass("never");
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                runner.run("logs", List.of(blocking), context);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        assertThat(inFirstTry.await(10, TimeUnit.SECONDS)).isTrue();
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(worker.isAlive())
                .as("the runner returned after the interrupt")
                .isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class).hasMessageContaining("blocking");
    }

    @Test
    void anInterruptBetweenTriesPropagatesAndIsNotSwallowed() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        CountDownLatch secondTry = new CountDownLatch(2);
        Probe neverPasses = new ScriptedProbe("never", Duration.ofSeconds(60), ProbeAttempt.fail("no", "")) {
            @Override
            public ProbeAttempt attempt(ProbeContext context) throws Exception {
                tries.incrementAndGet();
                secondTry.countDown();
                return ProbeAttempt.fail("no", "");
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                runner.run("logs", List.of(neverPasses), context);
            } catch (Throwable t) {
                thrown.set(t);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        assertThat(secondTry.await(10, TimeUnit.SECONDS)).isTrue();
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(flagAfter.get()).as("interrupt flag restored for the caller").isTrue();
        assertThat(tries.get()).isLessThan(100);
    }

    @Test
    void anAlreadyInterruptedThreadRunsNoTry() {
        ScriptedProbe probe = new ScriptedProbe("p", Duration.ofSeconds(5), ProbeAttempt.pass("ok"));
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> runner.run("metrics", List.of(probe), context))
                .isInstanceOf(InterruptedException.class);
        assertThat(probe.calls.get()).isZero();
    }

    @Test
    void anInterruptDuringAnHttpCallPropagates() throws Exception {
        // a server that accepts and never answers: the call blocks in read until interrupted or timed out
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            EndpointProbeContext explicit = ProbeTesting.context(
                    TestConfigs.config(),
                    Map.of("loki", HttpUrl.get("http://127.0.0.1:" + silent.getLocalPort() + "/")));
            Probe probe = new HttpReadyProbe(
                    "loki-ready", "Loki is ready.", Duration.ofSeconds(60), "loki", "/ready", "Loki", "");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    runner.run("logs", List.of(probe), explicit);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            worker.start();
            try (java.net.Socket accepted = silent.accept()) {
                worker.interrupt();
                worker.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(worker.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        }
    }

    @Test
    void aZeroDeadlineMeansExactlyOneTry() throws Exception {
        ScriptedProbe probe =
                new ScriptedProbe("once", Duration.ZERO, ProbeAttempt.fail("no", "h"), ProbeAttempt.pass("yes"));

        ProbeResult result = runner.run("metrics", List.of(probe), context).get(0);

        assertThat(result.passed()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.lastObserved()).isEqualTo("no");
    }

    @Test
    void pollingBacksOffFromFirstToMax() {
        ProbeRunner.Polling polling = ProbeRunner.Polling.DEFAULT;

        assertThat(polling.after(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(polling.after(4)).isEqualTo(Duration.ofMillis(500));
        assertThat(polling.after(5)).isEqualTo(Duration.ofMillis(750));
        assertThat(polling.after(6)).isEqualTo(Duration.ofMillis(1125));
        assertThat(polling.after(50)).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> new ProbeRunner.Polling(Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
