package dev.obsbootstrap.logs;

import dev.obsbootstrap.core.probe.HttpReply;
import dev.obsbootstrap.core.probe.ProbeContext;
import dev.obsbootstrap.core.probe.ProbeHttp;
import java.time.Instant;
import java.util.Optional;
import okhttp3.Headers;

/**
 * Loki's clock, read from the Date header of its {@code /ready} (through the gateway: the node's clock). Loki refuses
 * entries more than creation_grace_period (10m) ahead of its own clock and older than reject_old_samples_max_age
 * (grafana/loki v3.7.6 pkg/validation/validate.go, limits.go), so pushed timestamps and query windows come from
 * here, never from this machine's clock, which may be minutes off.
 */
final class LokiClock {
    private LokiClock() {}

    /** Loki's now, or empty when Loki did not answer (the caller reports that). */
    static Optional<Instant> now(ProbeContext context, Headers headers) throws InterruptedException {
        HttpReply reply = ProbeHttp.get(context, ProbeHttp.url(context, "loki", "/ready"), headers);
        if (!reply.answered()) {
            return Optional.empty();
        }
        return Optional.of(reply.serverTime().orElse(Instant.now()));
    }

    static String nanos(Instant instant) {
        return Long.toString(instant.getEpochSecond() * 1_000_000_000L + instant.getNano());
    }
}
