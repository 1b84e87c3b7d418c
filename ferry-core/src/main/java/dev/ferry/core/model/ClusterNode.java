package dev.ferry.core.model;

import java.time.Duration;
import java.time.Instant;

/**
 * A Ferry server sharing the store with others, as it last reported itself: its name, the address of its API,
 * its Ferry version, how many jobs it runs at most, when it started and when it last renewed its row; how long its
 * leases outlive its last heartbeat ({@code leaseTimeout}, null when a server of an older version wrote the row);
 * whether someone asked it to drain ({@code drainRequested}), and whether it acknowledged that it no longer takes jobs
 * ({@code draining}).
 */
public record ClusterNode(String name, String address, String version, int maxJobs, Instant startTime,
        Instant heartbeatTime, Duration leaseTimeout, boolean drainRequested, boolean draining) {
    public ClusterNode {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        if (maxJobs < 1) {
            throw new IllegalArgumentException("a node runs at least one job: " + maxJobs);
        }
    }
}
