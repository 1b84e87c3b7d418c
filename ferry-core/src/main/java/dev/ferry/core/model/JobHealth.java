package dev.ferry.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The health of a running job: its status, since when, how many attempts the current fault has had, the
 * last error (no secrets), and what it concerns (such as {@code shop.public.ledger} or a database), which
 * may be null. {@code OK} carries no attempts or error.
 */
public record JobHealth(HealthStatus status, Instant since, int attempts, String lastError, String subject) {
    public JobHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(since, "since");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    public static JobHealth ok(Instant since) {
        return new JobHealth(HealthStatus.OK, since, 0, null, null);
    }

    public boolean isOk() {
        return status == HealthStatus.OK;
    }
}
