package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The source transactions in the open destination transaction: how many ended, the end position and commit
 * time of the last one, rows per table, and the time of the oldest one received (for the lag). Decides when
 * the destination transaction should commit: at {@code maxRows} rows or {@code maxMillis} after the first
 * transaction began, always at a source transaction's end. Pure; not thread-safe.
 */
final class PendingBatch {
    private final long maxRows;
    private final long maxMillis;
    private final Map<TableRef, Long> rows = new HashMap<>();
    private long rowCount;
    private int ended;
    private BinlogPosition last;
    private Instant lastCommitTime;
    private Instant oldestTime;
    private long startedMillis;

    PendingBatch(long maxRows, long maxMillis) {
        if (maxRows < 1 || maxMillis < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        this.maxRows = maxRows;
        this.maxMillis = maxMillis;
    }

    /** A source transaction began arriving; {@code time} is its event time on the source. */
    void begin(Instant time, long nowMillis) {
        if (oldestTime == null) {
            oldestTime = time;
        }
        if (ended == 0 && rowCount == 0) {
            startedMillis = nowMillis;
        }
    }

    void countRows(TableRef table, long n) {
        rows.merge(table, n, Long::sum);
        rowCount += n;
    }

    /** The source transaction that began last ended at {@code end}. */
    void ended(BinlogPosition end, Instant commitTime) {
        ended++;
        last = end;
        lastCommitTime = commitTime;
    }

    /** True when no whole source transaction waits to be committed on the destination. */
    boolean isEmpty() {
        return ended == 0;
    }

    boolean shouldCommit(long nowMillis) {
        return ended > 0 && (rowCount >= maxRows || nowMillis - startedMillis >= maxMillis);
    }

    BinlogPosition last() {
        return last;
    }

    Instant lastCommitTime() {
        return lastCommitTime;
    }

    /** The source time of the oldest transaction received and not yet applied, or null. */
    Instant oldestTime() {
        return oldestTime;
    }

    Map<TableRef, Long> rowsByTable() {
        return Map.copyOf(rows);
    }

    /** Empties the batch after a destination commit or rollback. */
    void reset() {
        rows.clear();
        rowCount = 0;
        ended = 0;
        last = null;
        lastCommitTime = null;
        oldestTime = null;
    }
}
