package dev.ferry.control.retention;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Duration;

/**
 * How long job events, finished operations and lag history are kept ({@code maxAge}, default 30 days; the lag history
 * at most {@link #LAG_HISTORY}), and how many events each job keeps at most ({@code maxEventsPerJob}, default 10,000;
 * the newest stay).
 */
public record RetentionPolicy(Duration maxAge, int maxEventsPerJob) {
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(Duration.ofDays(30), 10_000);
    /** The longest a job's lag history is kept, whatever {@code maxAge} says: a sample every 10 s adds up. */
    public static final Duration LAG_HISTORY = Duration.ofDays(7);

    /** How long lag samples are kept: {@code maxAge}, at most {@link #LAG_HISTORY}. */
    public Duration lagHistoryAge() {
        return maxAge.compareTo(LAG_HISTORY) < 0 ? maxAge : LAG_HISTORY;
    }

    public RetentionPolicy {
        if (maxAge == null || maxAge.compareTo(Duration.ofHours(1)) < 0) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The retention must be at least 1h; events and operations younger than that are always kept");
        }
        if (maxEventsPerJob < 100) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Keep at least 100 events per job (asked for %d)".formatted(maxEventsPerJob));
        }
    }
}
