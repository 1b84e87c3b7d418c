package dev.ferry.server.metrics;

import dev.ferry.control.node.NodeService;
import dev.ferry.control.node.NodeState;
import dev.ferry.control.node.NodeStatus;
import java.util.List;

/**
 * The metrics of the nodes sharing a PostgreSQL store (none with the embedded store), labelled {@code node}: this node's
 * own figures (jobs held, capacity, failed lease renewals, leases lost, draining) and, for every node the store shows,
 * its heartbeat age and state. The heartbeat age of a node is the same on every node's scrape, so alerting on it
 * needs only one node scraped.
 */
final class NodeMetrics {
    private final NodeService nodes;

    NodeMetrics(NodeService nodes) {
        this.nodes = nodes;
    }

    List<Family> families() {
        var self = nodes.thisNode();
        if (self.isEmpty()) {
            return List.of();
        }
        var figures = self.get();
        String node = figures.node();
        Family held = Family.gauge("ferry_node_jobs_held", "jobs this node holds a lease on and runs").add(figures.jobsHeld(), "node", node);
        Family max = Family.gauge("ferry_node_max_jobs", "how many jobs this node runs at most at once").add(figures.maxJobs(), "node", node);
        Family renewals = Family.counter("ferry_node_lease_renewals_failed_total",
                "renewals of this node's job leases (heartbeats) that failed since it started").add(figures.leaseRenewalsFailed(), "node", node);
        Family lost = Family.counter("ferry_node_leases_lost_total",
                "job leases this node lost to another node since it started (it froze or was cut off past the lease timeout)")
                .add(figures.leasesLost(), "node", node);
        Family draining = Family.gauge("ferry_node_draining", "1 while this node drains (takes no jobs), 0 otherwise")
                .add(figures.draining() ? 1 : 0, "node", node);
        Family age = Family.gauge("ferry_node_heartbeat_age_seconds",
                "seconds since each node sharing the store last renewed its row; past its lease timeout it is dead");
        Family state = Family.gauge("ferry_node_state", "1 for the state each node sharing the store is in, 0 for the others");
        for (NodeStatus s : nodes.list()) {
            String name = s.node().name();
            age.add(s.heartbeatAge().toMillis() / 1000.0, "node", name);
            for (NodeState each : NodeState.values()) {
                state.add(each == s.state() ? 1 : 0, "node", name, "state", each.name());
            }
        }
        return List.of(held, max, renewals, lost, draining, age, state);
    }
}
