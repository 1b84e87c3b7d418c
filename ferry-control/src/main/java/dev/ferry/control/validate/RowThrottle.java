package dev.ferry.control.validate;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cap on how many rows per second validation hashes on each side: each hashed range takes its rows from a budget that
 * refills at the rate, and waits when it is spent. Unlimited when the rate is null. Thread-safe.
 */
final class RowThrottle {
    private final Long rowsPerSecond;
    private final ReentrantLock lock = new ReentrantLock();
    private long nextFree = System.nanoTime();

    RowThrottle(Long rowsPerSecond) {
        this.rowsPerSecond = rowsPerSecond;
    }

    /** Accounts for {@code rows} just hashed, waiting as long as the rate asks before the next range starts. */
    void spent(long rows) throws InterruptedException {
        if (rowsPerSecond == null || rows <= 0) {
            return;
        }
        long waitNanos;
        lock.lock();
        try {
            long now = System.nanoTime();
            long cost = TimeUnit.SECONDS.toNanos(rows) / rowsPerSecond;
            nextFree = Math.max(nextFree, now) + cost;
            waitNanos = nextFree - now - TimeUnit.SECONDS.toNanos(1); // one second of burst
        } finally {
            lock.unlock();
        }
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
