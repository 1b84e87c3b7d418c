package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.cdc.LagProbe;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;

/**
 * Reports replication lag about once a second: the age of the oldest received-but-unapplied source
 * transaction (zero when idle and caught up), and the bytes between the source's current WAL position
 * and the applied one. Owns no connection; not thread-safe, except
 * {@link #lastHead}, which the stream's reader reads.
 */
final class LagMeter {
    static final long INTERVAL_MILLIS = 1_000;

    private final Connection source;
    private final DatabaseConnection sourceDisplay;
    private final Clock clock;
    private long lastReport = Long.MIN_VALUE;
    private volatile long lastHead;

    LagMeter(Connection source, DatabaseConnection sourceDisplay, Clock clock) {
        this.source = source;
        this.sourceDisplay = sourceDisplay;
        this.clock = clock;
    }

    /** Reports when a second has passed since the last report. */
    void maybeReport(long nowMillis, ReplicationListener listener, Instant oldestPending, boolean busy,
            Instant lastAppliedCommit, long appliedLsn) {
        if (lastReport != Long.MIN_VALUE && nowMillis - lastReport < INTERVAL_MILLIS) {
            return;
        }
        lastReport = nowMillis;
        long head = PgErrors.call(sourceDisplay, "reading the source's WAL position", () -> SourceLog.currentWalLsn(source));
        lastHead = head;
        listener.lag(LagProbe.lag(clock.instant(), oldestPending, busy, lastAppliedCommit), bytes(head, appliedLsn));
    }

    /** The source's WAL position at the last report (0 before the first). */
    long lastHead() {
        return lastHead;
    }

    static long bytes(long sourceLsn, long appliedLsn) {
        return Math.max(0, sourceLsn - appliedLsn);
    }
}
