package dev.obsbootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Library logs go through SLF4J -> java.util.logging -> LibraryLogs: silent by default, redacted lines with --debug. */
class LibraryLogsTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8);

    @AfterEach
    void quietAgain() {
        LibraryLogs.configure(false, System.err);
    }

    @Test
    void withoutDebugALibrarySaysNothing() {
        LibraryLogs.configure(false, err);

        LoggerFactory.getLogger("io.netty.channel.nio.NioEventLoop")
                .error("event loop closed", new IllegalStateException("boom"));
        LoggerFactory.getLogger("io.fabric8.kubernetes.client.Config").info("trying the kubeconfig");

        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void withDebugFabric8sDebugLinesAndOthersInfoLinesAppearRedacted() {
        LibraryLogs.configure(true, err);

        LoggerFactory.getLogger("io.fabric8.kubernetes.client.Config")
                .debug("using token: abcdef0123456789 from the kubeconfig");
        LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector").debug("netty's debug chatter");
        LoggerFactory.getLogger("io.vertx.core.impl.VertxImpl").warn("blocked thread");

        String lines = captured.toString(StandardCharsets.UTF_8);
        assertThat(lines)
                .contains("library: io.fabric8.kubernetes.client.Config: using token: <redacted>")
                .contains("library: io.vertx.core.impl.VertxImpl: blocked thread")
                .doesNotContain("abcdef0123456789")
                .doesNotContain("netty's debug chatter");
    }
}
