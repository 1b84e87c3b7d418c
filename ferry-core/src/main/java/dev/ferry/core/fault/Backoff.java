package dev.ferry.core.fault;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt {@code n} (from 1) waits a random time between half and
 * all of {@code min(max, initial * 2^(n-1))}, so many workers hit by one restart do not retry in step.
 */
public record Backoff(Duration initial, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(15));

    public Backoff {
        if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
    }

    /** How long to wait before attempt {@code attempt} (1 is the first retry). */
    public Duration delay(int attempt, RandomGenerator random) {
        int shift = Math.min(Math.max(0, attempt - 1), 30);
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << shift);
        if (ceiling <= 0) {
            ceiling = max.toMillis();
        }
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }
}
