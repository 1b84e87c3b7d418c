package dev.ferry.core.fault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How much time a job may spend riding through transient faults. The budget is spent by wall-clock time
 * during which at least one fault is open, however many workers it hits at once (a source restart fails
 * every worker at the same moment, and that is one fault). Time spent yielding to another session is not
 * a fault and is not counted. Thread-safe.
 */
public final class FaultBudget {
    private final Duration limit;
    private final Clock clock;
    private int open;
    private Instant openedAt;
    private Duration spent = Duration.ZERO;

    public FaultBudget(Duration limit, Clock clock) {
        if (limit == null || limit.isNegative()) {
            throw new IllegalArgumentException("fault budget must be zero or positive");
        }
        this.limit = limit;
        this.clock = clock;
    }

    public Duration limit() {
        return limit;
    }

    /** One worker's fault begins; pair with {@link #closeFault()} when that worker has recovered or given up. */
    public synchronized void openFault() {
        if (open++ == 0) {
            openedAt = clock.instant();
        }
    }

    /** One worker's fault ended. */
    public synchronized void closeFault() {
        if (open == 0) {
            return;
        }
        if (--open == 0) {
            spent = spent.plus(Duration.between(openedAt, clock.instant()));
            openedAt = null;
        }
    }

    /** Time spent in faults so far, including the one open now. */
    public synchronized Duration spent() {
        return openedAt == null ? spent : spent.plus(Duration.between(openedAt, clock.instant()));
    }

    /** Whether the job has spent its budget. */
    public boolean exhausted() {
        return spent().compareTo(limit) >= 0;
    }

    /** What is left of the budget (zero when spent). */
    public Duration remaining() {
        Duration left = limit.minus(spent());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
