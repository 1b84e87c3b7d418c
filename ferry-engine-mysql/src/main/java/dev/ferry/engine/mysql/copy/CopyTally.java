package dev.ferry.engine.mysql.copy;

import dev.ferry.core.spi.engine.CopyProgress;
import java.time.Clock;

/** Rows and bytes copied so far for one table, reported to a {@link CopyProgress} at most every 250 ms. */
final class CopyTally {
    private static final long INTERVAL_MS = 250;

    private final Clock clock;
    private final CopyProgress progress;
    private long rows;
    private long bytes;
    private long lastReport;

    CopyTally(Clock clock, CopyProgress progress) {
        this.clock = clock;
        this.progress = progress;
        this.lastReport = clock.millis();
    }

    void add(long moreRows, long moreBytes) {
        rows += moreRows;
        bytes += moreBytes;
        long now = clock.millis();
        if (now - lastReport >= INTERVAL_MS) {
            lastReport = now;
            progress.copied(rows, bytes);
        }
    }

    /** Reports the final totals. */
    void finish() {
        progress.copied(rows, bytes);
    }

    long rows() {
        return rows;
    }

    long bytes() {
        return bytes;
    }
}
