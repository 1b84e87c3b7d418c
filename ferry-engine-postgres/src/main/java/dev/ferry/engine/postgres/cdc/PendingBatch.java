package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.TableRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The source transactions in the open destination transaction: how many committed, the end LSN and
 * commit time of the last one, rows per table, and the commit time of the oldest one received (for
 * the lag). Decides when the destination transaction should commit: at {@code maxRows} rows or
 * {@code maxMillis} after the first transaction began, always at a source transaction's end. Pure;
 * not thread-safe.
 */
final class PendingBatch {
    private final long maxRows;
    private final long maxMillis;
    private final Map<TableRef, Long> rows = new HashMap<>();
    private long rowCount;
    private int committed;
    private long lastEndLsn;
    private Instant lastCommitTime;
    private Instant oldestCommitTime;
    private long startedMillis;

    PendingBatch(long maxRows, long maxMillis) {
        if (maxRows < 1 || maxMillis < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        this.maxRows = maxRows;
        this.maxMillis = maxMillis;
    }

    /** A source transaction began arriving (it belongs to this batch from now on). */
    void begin(Instant commitTime, long nowMillis) {
        if (oldestCommitTime == null) {
            oldestCommitTime = commitTime;
            startedMillis = nowMillis;
        }
    }

    void countRow(TableRef table) {
        rows.merge(table, 1L, Long::sum);
        rowCount++;
    }

    /** The source transaction that began last ended at {@code endLsn}. */
    void committed(long endLsn, Instant commitTime) {
        committed++;
        lastEndLsn = endLsn;
        lastCommitTime = commitTime;
    }

    /** True when no whole source transaction is waiting to be committed on the destination. */
    boolean isEmpty() {
        return committed == 0;
    }

    boolean shouldCommit(long nowMillis) {
        return committed > 0 && (rowCount >= maxRows || nowMillis - startedMillis >= maxMillis);
    }

    long lastEndLsn() {
        return lastEndLsn;
    }

    Instant lastCommitTime() {
        return lastCommitTime;
    }

    /** The source commit time of the oldest transaction received and not yet applied, or null. */
    Instant oldestCommitTime() {
        return oldestCommitTime;
    }

    Map<TableRef, Long> rowsByTable() {
        return Map.copyOf(rows);
    }

    /** Empties the batch after a destination commit or rollback. */
    void reset() {
        rows.clear();
        rowCount = 0;
        committed = 0;
        lastEndLsn = 0;
        lastCommitTime = null;
        oldestCommitTime = null;
    }
}
