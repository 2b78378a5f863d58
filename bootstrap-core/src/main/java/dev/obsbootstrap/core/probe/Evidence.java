package dev.obsbootstrap.core.probe;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a probe sent and where it found it, from this run only: ids, timestamps (the server's clock where the probe
 * read it), the route each endpoint was reached by, and the write-to-read latency (the time from the write being
 * acknowledged to the first read that returned it, on this process's monotonic clock, as the servers' own
 * canaries measure it). Facts keep their insertion order; keys are short kebab-case.
 *
 * @param facts       key -> value, in the order they were added
 * @param writeToRead {@link #NOT_MEASURED} when the probe writes nothing (a health check)
 */
public record Evidence(Map<String, String> facts, Duration writeToRead) {
    public static final Duration NOT_MEASURED = Duration.ofMillis(-1);
    private static final Evidence NONE = new Evidence(Map.of(), NOT_MEASURED);

    public Evidence {
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(writeToRead, "writeToRead");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public static Evidence none() {
        return NONE;
    }

    public static Evidence of(String key, String value) {
        return NONE.and(key, value);
    }

    /** A copy with one more fact (an existing key is replaced in place). */
    public Evidence and(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(facts);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Evidence(copy, writeToRead);
    }

    /** A copy with every fact of {@code other} added; this one's latency unless only {@code other} measured one. */
    public Evidence and(Evidence other) {
        Map<String, String> copy = new LinkedHashMap<>(facts);
        copy.putAll(other.facts());
        return new Evidence(copy, measured() ? writeToRead : other.writeToRead());
    }

    public Evidence latency(Duration latency) {
        return new Evidence(facts, Objects.requireNonNull(latency, "latency"));
    }

    public boolean measured() {
        return !writeToRead.isNegative();
    }

    public boolean isEmpty() {
        return facts.isEmpty() && !measured();
    }
}
