package dev.ferry.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One point of a continuous job's replication lag over time: when it was measured, how far behind the
 * destination was in time and in bytes of source changes not yet applied. Immutable.
 */
public record LagSample(Instant time, Duration lag, long bytes) {
    public LagSample {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(lag, "lag");
        if (lag.isNegative() || bytes < 0) {
            throw new IllegalArgumentException("lag and bytes must not be negative: " + lag + ", " + bytes);
        }
    }
}
