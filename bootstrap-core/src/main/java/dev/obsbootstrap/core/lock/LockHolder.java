package dev.obsbootstrap.core.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The run that holds (or last held) the stack's lock, as the Lease records it.
 *
 * @param since    when it acquired the lock
 * @param renewed  when it last renewed it
 * @param duration how long the lock holds without a renewal
 */
public record LockHolder(RunIdentity identity, Instant since, Instant renewed, Duration duration) {
    public LockHolder {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(renewed, "renewed");
        Objects.requireNonNull(duration, "duration");
    }

    /** The holder stopped renewing: past its last renewal plus the lease duration, by {@code now}. */
    public boolean expired(Instant now) {
        return now.isAfter(renewed.plus(duration));
    }

    /** When the lock may be taken over if the holder does not renew it. */
    public Instant expires() {
        return renewed.plus(duration);
    }

    /** "run obs-1a2b by alice@ci-7 pid 4242 since 2026-12-06T10:00:00Z (renewed 4s ago)". */
    public String describe(Instant now) {
        long ago = Math.max(0, Duration.between(renewed, now).toSeconds());
        return "run " + identity.runId() + " by " + identity.describe() + " since "
                + since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (renewed " + ago + "s ago)";
    }
}
