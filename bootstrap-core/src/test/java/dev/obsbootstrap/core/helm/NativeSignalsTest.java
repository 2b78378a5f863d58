package dev.obsbootstrap.core.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class NativeSignalsTest {
    private static final List<Integer> SIGNALS = List.of(2, 15, 3);

    @Test
    void overlappingHelmCallsLeaveTheJvmsHandlersInPlace() throws Exception {
        assumeTrue(NativeSignals.active(), "no libc sigaction on this platform");
        HelmDriver helm = HelmJavaDriver.templateOnly();
        Map<Integer, Long> before = handlers();
        int calls = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        try {
            List<Future<String>> rendered = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String release = "obs-agent-" + i;
                rendered.add(pool.submit(() -> {
                    start.await();
                    return helm.template(
                            HelmJavaDriverTemplateTest.spec(
                                    "node-agent", FixtureCharts.path("node-agent"), release, ""),
                            HelmJavaDriverTemplateTest.DEFAULT_KUBE);
                }));
            }
            start.countDown();
            for (int i = 0; i < calls; i++) {
                assertThat(rendered.get(i).get(60, TimeUnit.SECONDS)).contains("obs-agent-" + i);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(handlers()).isEqualTo(before);
    }

    @Test
    void aCallThatBeginsWhileGoHasItsHandlerInPlaceDoesNotKeepGosHandler() throws Exception {
        assumeTrue(NativeSignals.active(), "no libc sigaction on this platform");
        Map<Integer, Long> before = handlers();
        CountDownLatch goHandlerInstalled = new CountDownLatch(1);
        CountDownLatch secondCallBegan = new CountDownLatch(1);
        Thread first = new Thread(() -> NativeSignals.preserving(() -> {
            // what Go's signal.Notify does inside helm-java's install path: its own handler instead of the JVM's
            ignore(15);
            goHandlerInstalled.countDown();
            await(secondCallBegan);
            return null;
        }));
        first.start();
        await(goHandlerInstalled);
        NativeSignals.preserving(() -> {
            secondCallBegan.countDown();
            try {
                first.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });

        assertThat(handlers()).isEqualTo(before);
    }

    /** Installs SIG_IGN for {@code signal} (glibc and macOS: the handler is the first field of struct sigaction). */
    private static void ignore(int signal) {
        NativeSignals.LibC libc = Native.load(Platform.C_LIBRARY_NAME, NativeSignals.LibC.class);
        Memory action = new Memory(512);
        action.clear();
        action.setLong(0, 1L);
        assertThat(libc.sigaction(signal, action, null)).isZero();
        assertThat(NativeSignals.handlerAddress(signal)).isEqualTo(1L);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Map<Integer, Long> handlers() {
        Map<Integer, Long> handlers = new java.util.TreeMap<>();
        SIGNALS.forEach(signal -> handlers.put(signal, NativeSignals.handlerAddress(signal)));
        return handlers;
    }
}
