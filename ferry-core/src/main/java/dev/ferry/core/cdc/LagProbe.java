package dev.ferry.core.cdc;

import dev.ferry.core.spi.engine.ReplicationListener;
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
}
