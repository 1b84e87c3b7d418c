package dev.ferry.control.validate;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A cap on how many rows per second validation hashes on each side: each hashed range takes its rows from a budget that
 * refills at the rate (with one second of burst), and waits when it is spent. Unlimited when the rate is null.
 * Thread-safe.
 */
final class RowThrottle {
    private static final long BURST_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Long rowsPerSecond;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private long nextFree;

    RowThrottle(Long rowsPerSecond) {
        this(rowsPerSecond, System::nanoTime);
    }

    RowThrottle(Long rowsPerSecond, LongSupplier nanoTime) {
        this.rowsPerSecond = rowsPerSecond;
        this.nanoTime = nanoTime;
        this.nextFree = nanoTime.getAsLong();
    }

    /** Accounts for {@code rows} just hashed, waiting as long as the rate asks before the next range starts. */
    void spent(long rows) throws InterruptedException {
        long wait = charge(rows);
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Accounts for {@code rows} and returns how long to wait, in nanoseconds (0 when within the rate). */
    long charge(long rows) {
        if (rowsPerSecond == null || rows <= 0) {
            return 0;
        }
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            nextFree = Math.max(nextFree, now) + TimeUnit.SECONDS.toNanos(rows) / rowsPerSecond;
            return Math.max(0, nextFree - now - BURST_NANOS);
        } finally {
            lock.unlock();
        }
    }
}
