package dev.ferry.core.fault;

/**
 * What a failure means for a job, decided by one classifier per engine ({@code Engine.classify}) and used
 * alike by the full load, change replication and validation.
 */
public enum FailureKind {
    /**
     * Will likely pass if retried: connection refused or reset, server shutdown or restart, too many
     * connections, a read-only failover, deadlock, lock or statement timeout, a stalled connection.
     */
    TRANSIENT,
    /** The destination no longer matches the source (a row to change is missing, a key already exists). */
    DIVERGENCE,
    /**
     * Needs the user to act, and then may be retried: the destination's disk is full, a privilege was
     * revoked, a setting changed.
     */
    USER_FIXABLE,
    /** Retrying cannot help: a bug, an unsupported object, the replication slot lost on failover. */
    FATAL
}
