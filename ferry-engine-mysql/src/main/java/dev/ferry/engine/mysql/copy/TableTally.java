package dev.ferry.engine.mysql.copy;

import dev.ferry.core.spi.engine.CopyProgress;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Rows and bytes of one table, added to by all of its chunk copies at once, and the one door to the table's
 * {@link CopyProgress}: totals at most every 250 ms, each finished chunk, and the final totals, one call at a
 * time. Thread-safe.
 */
public final class TableTally {
    private static final long INTERVAL_MS = 250;

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final CopyProgress progress;
    private long rows;
    private long bytes;
    private long lastReport;

    /** @param keptRows rows already in the destination table (a resumed copy), counted in every report */
    public TableTally(Clock clock, CopyProgress progress, long keptRows) {
        this.clock = clock;
        this.progress = progress;
        this.rows = keptRows;
        this.lastReport = clock.millis();
    }

    void add(long moreRows, long moreBytes) {
        lock.lock();
        try {
            rows += moreRows;
            bytes += moreBytes;
            long now = clock.millis();
            if (now - lastReport >= INTERVAL_MS) {
                lastReport = now;
                progress.copied(rows, bytes);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A chunk is committed on the destination: tells the progress, whose failure fails the copy. */
    public void chunkDone(String chunk, long chunkRows, long chunkBytes) {
        lock.lock();
        try {
            progress.chunkCopied(chunk, chunkRows, chunkBytes);
        } finally {
            lock.unlock();
        }
    }

    /** Reports the final totals. */
    public void finish() {
        lock.lock();
        try {
            progress.copied(rows, bytes);
        } finally {
            lock.unlock();
        }
    }

    public long rows() {
        lock.lock();
        try {
            return rows;
        } finally {
            lock.unlock();
        }
    }

    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
