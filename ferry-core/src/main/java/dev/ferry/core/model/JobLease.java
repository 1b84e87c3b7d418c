package dev.ferry.core.model;

import java.time.Instant;

/**
 * Which node runs a job: the lease it holds in the shared store. {@code epoch} grows each time the lease moves,
 * so a write carrying an older epoch comes from a node that lost the job. {@code heartbeat} is when the owner last
 * renewed the lease (null in a lease a runner carries, where only the epoch matters).
 */
public record JobLease(String job, String node, long epoch, Instant heartbeat) {
    public JobLease {
        if (job == null || job.isBlank() || node == null || node.isBlank()) {
            throw new IllegalArgumentException("a lease names its job and its node");
        }
    }

    /** When the lease lapses unless renewed, given how long a lease lasts without a heartbeat. */
    public Instant expiry(java.time.Duration leaseTimeout) {
        return heartbeat == null ? null : heartbeat.plus(leaseTimeout);
    }
}
