package dev.ferry.core.model;

/** How a RUNNING job is doing; a job does not change state for a fault it is riding through. */
public enum HealthStatus {
    /** Working normally. */
    OK,
    /** A transient fault (restart, network loss, failover, deadlock) is being retried within the fault budget. */
    RECONNECTING,
    /** Ferry ended its hold on a source table because another session waited for it; the table is copied again. */
    YIELDING,
    /** Waiting for a condition the user must fix (such as a full destination disk); retried until it clears. */
    PAUSED
}
