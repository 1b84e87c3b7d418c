package dev.ferry.core.cdc;

import dev.ferry.core.spi.engine.ReplicationListener;
import java.time.Duration;
import java.time.Instant;

/**
 * An engine's lag report: about once a second, the age of the oldest received-but-unapplied transaction and the
 * distance in bytes from the source's log head to the applied position. Called on the pipeline's coordinating
 * thread only.
 *
 * @param <P> the engine's position type
 */
@FunctionalInterface
public interface LagProbe<P> {
    void maybeReport(long nowMillis, ReplicationListener listener, Instant oldestPending, boolean busy, Instant appliedCommitTime,
            P applied);

    /**
     * The lag at {@code now}: since the oldest pending transaction's commit when one is pending; since the last applied
     * commit when more is arriving ({@code busy}); zero when idle. Never negative (clocks differ). Pure.
     */
    static Duration lag(Instant now, Instant oldestPending, boolean busy, Instant lastAppliedCommit) {
        Instant since = oldestPending != null ? oldestPending : busy ? lastAppliedCommit : null;
        if (since == null) {
            return Duration.ZERO;
        }
        Duration lag = Duration.between(since, now);
        return lag.isNegative() ? Duration.ZERO : lag;
    }
}
