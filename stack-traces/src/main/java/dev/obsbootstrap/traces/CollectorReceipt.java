package dev.obsbootstrap.traces;

import dev.obsbootstrap.core.probe.Evidence;
import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.ProbeAttempt;
import java.util.Optional;

/** What a collector replica's answer to one OTLP/HTTP export means for the metrics and logs round trips. */
final class CollectorReceipt {
    private CollectorReceipt() {}

    /**
     * Empty when the replica took the data (200); otherwise the failed attempt. A 404 means no pipeline of this signal
     * uses the otlp receiver: collector 0.158 registers /v1/metrics and /v1/logs only for such a pipeline
     * (receiver/otlpreceiver/otlp.go).
     *
     * @param what   what was sent, for messages ("gauge", "log record")
     * @param signal the pipeline ("metrics", "logs")
     */
    static Optional<ProbeAttempt> refusal(
            HttpReply reply, String replica, String what, String signal, Evidence evidence) {
        if (!reply.answered()) {
            return Optional.of(ProbeAttempt.fail(
                    "collector replica " + replica + " did not answer the " + what + ": " + reply.describe(),
                    "the collector's OTLP/HTTP receiver (port 4318) is not reachable: is the collector running?",
                    evidence));
        }
        if (!reply.is(200)) {
            return Optional.of(ProbeAttempt.fail(
                    "collector replica " + replica + " refused the " + what + ": " + reply.describe(),
                    reply.is(404)
                            ? "no " + signal + " pipeline uses the otlp receiver, so /v1/" + signal
                                    + " is not served: the collector values need a " + signal + " pipeline"
                            : "the collector's " + signal + " pipeline refuses data (" + reply.excerpt()
                                    + "): check its memory_limiter and exporter",
                    evidence));
        }
        return Optional.empty();
    }
}
