package dev.ferry.core.fault;

import java.time.Duration;

/**
 * Hears how one piece of work (a database's copy, a replication stream) rides through faults: each attempt
 * that failed and will be retried, a pause for something the user must fix, and the recovery. Called on the
 * retrying thread; must not block for long. Error texts carry no secrets.
 */
public interface FaultListener {
    FaultListener NONE = new FaultListener() {
        @Override
        public void faulted(int attempt, String error, Duration retryIn) {}

        @Override
        public void recovered() {}
    };

    /** A transient fault; attempt {@code attempt} (from 1 for this fault) follows after {@code retryIn}. */
    void faulted(int attempt, String error, Duration retryIn);

    /** The work succeeded again after {@link #faulted} or {@link #paused}. */
    void recovered();

    /**
     * The work waits for the user (the destination's disk is full): it is tried again after {@code retryIn}.
     * By default reported as a fault.
     */
    default void paused(int attempt, String reason, Duration retryIn) {
        faulted(attempt, reason, retryIn);
    }
}
