package dev.ferry.engine.postgres.copy;

import dev.ferry.core.spi.engine.CopyProgress;
import java.time.Clock;

/** Forwards copy progress at most every {@code intervalMillis}, so a fast loop does not flood the listener. Not thread-safe. */
final class ProgressThrottle {
    private final CopyProgress target;
    private final Clock clock;
    private final long intervalMillis;
    private long last;

    ProgressThrottle(CopyProgress target, Clock clock, long intervalMillis) {
        this.target = target;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
        this.last = clock.millis();
    }

    /** Reports when the interval has passed since the last report. */
    void update(long rows, long bytes) {
        long now = clock.millis();
        if (now - last >= intervalMillis) {
            last = now;
            target.copied(rows, bytes);
        }
    }

    /** Reports the final totals unconditionally. */
    void finish(long rows, long bytes) {
        last = clock.millis();
        target.copied(rows, bytes);
    }
}
