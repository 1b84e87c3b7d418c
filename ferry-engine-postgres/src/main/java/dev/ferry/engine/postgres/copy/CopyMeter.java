package dev.ferry.engine.postgres.copy;

import dev.ferry.core.spi.engine.CopyProgress;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Adds up the rows and bytes of one table's copy, from one or several range copies at once, and
 * forwards the totals at most every {@code intervalMillis} so fast loops do not flood the listener.
 * Thread-safe; a caller never waits for another caller's report.
 */
public final class CopyMeter {
    private final CopyProgress target;
    private final Clock clock;
    private final long intervalMillis;
    private final LongAdder rows = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final ReentrantLock reporting = new ReentrantLock();
    private volatile long last;

    public CopyMeter(CopyProgress target, Clock clock, long intervalMillis) {
        this.target = target;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
        this.last = clock.millis();
    }

    /** Counts a batch and reports the totals when the interval has passed since the last report. */
    public void add(long batchRows, long batchBytes) {
        rows.add(batchRows);
        bytes.add(batchBytes);
        long now = clock.millis();
        if (now - last >= intervalMillis && reporting.tryLock()) {
            try {
                if (now - last >= intervalMillis) {
                    last = now;
                    target.copied(rows.sum(), bytes.sum());
                }
            } finally {
                reporting.unlock();
            }
        }
    }

    /** Reports the final totals unconditionally ({@code rows} as the destination counted them). */
    public void finish(long finalRows) {
        reporting.lock();
        try {
            last = clock.millis();
            target.copied(finalRows, bytes.sum());
        } finally {
            reporting.unlock();
        }
    }

    public long bytes() {
        return bytes.sum();
    }
}
