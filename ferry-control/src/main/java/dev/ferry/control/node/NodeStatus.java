package dev.ferry.control.node;

import dev.ferry.core.model.ClusterNode;
import java.time.Duration;
import java.util.List;

/**
 * A node as the operations view shows it: its row, how old its last heartbeat is, the jobs it holds leases on, and its
 * state.
 */
public record NodeStatus(ClusterNode node, Duration heartbeatAge, List<String> jobs, NodeState state) {
    public NodeStatus {
        jobs = List.copyOf(jobs);
    }

    /** The state of {@code node} whose heartbeat is {@code age} old and who holds {@code jobs}. */
    static NodeState stateOf(ClusterNode node, Duration age, List<String> jobs) {
        Duration timeout = node.leaseTimeout() == null ? NodeService.DEFAULT_LEASE_TIMEOUT : node.leaseTimeout();
        if (age.compareTo(timeout) > 0) {
            return NodeState.DEAD;
        }
        if (!node.drainRequested()) {
            return NodeState.ALIVE;
        }
        return node.draining() && jobs.isEmpty() ? NodeState.DRAINED : NodeState.DRAINING;
    }
}
