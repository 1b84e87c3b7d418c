package dev.ferry.control.node;

import dev.ferry.control.runner.NodeFigures;
import dev.ferry.control.runner.Placement;
import dev.ferry.control.runner.Runners;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.JobLease;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads which nodes share the store and which node holds each job's lease, and records what an operator asks of a node:
 * drain it, let it take jobs again, forget a dead one.
 */
public final class NodeService {
    /** The lease timeout assumed for a node whose row does not say (written by a server of an older version). */
    static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(20);

    private final Store store;
    private final Runners runners;
    private final Clock clock;
    private final Placement placement;

    public NodeService(Store store, Runners runners, Clock clock) {
        this.placement = new Placement(store);
        this.store = store;
        this.runners = runners;
        this.clock = clock;
    }

    /** The nodes that registered in the store (none with the embedded store), by name, with their jobs and state. */
    public List<NodeStatus> list() {
        List<JobLease> leases = store.listLeases();
        return store.listNodes().stream().map(node -> {
            Duration age = Duration.between(node.heartbeatTime(), clock.instant());
            Duration heartbeatAge = age.isNegative() ? Duration.ZERO : age;
            List<String> jobs = leases.stream().filter(l -> l.node().equals(node.name())).map(JobLease::job).toList();
            return new NodeStatus(node, heartbeatAge, jobs, NodeStatus.stateOf(node, heartbeatAge, jobs));
        }).toList();
    }

    /** The node of that name; {@code NOT_FOUND} otherwise. */
    public NodeStatus get(String name) {
        return list().stream().filter(s -> s.node().name().equals(name)).findFirst()
                .orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND, ("No node named %s shares this store; "
                        + "list them with: ferry nodes list").formatted(name)));
    }

    /**
     * Asks the node to stop taking jobs and hand the ones it runs to the other nodes (it sees the request within a
     * heartbeat). Refused when the node is dead, when no other live node takes jobs (its jobs would wait with nowhere to
     * go; stop the node instead, or start another first), or when it runs a job that can run only there (see
     * {@link Placement}). Also refused, unless {@code force}, when the other live nodes have fewer free job slots
     * ({@code --max-jobs} less the jobs they hold) than the node runs jobs: the rest would wait for room. Returns the
     * node as it stands now.
     */
    public NodeStatus drain(String name, boolean force) {
        NodeStatus node = get(name);
        if (node.state() == NodeState.DEAD) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Node %s is dead (no heartbeat for %ds): its jobs move "
                    + "to the other nodes already. Remove it from the list with: ferry nodes forget %s")
                    .formatted(name, node.heartbeatAge().toSeconds(), name));
        }
        if (node.node().drainRequested()) {
            return node;
        }
        boolean another = list().stream().anyMatch(s -> !s.node().name().equals(name) && s.state() == NodeState.ALIVE);
        if (!another) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Node %s cannot drain: no other live node takes jobs, "
                    + "so its jobs would have nowhere to go. Start another node on this store (or undrain one) first, or "
                    + "stop this node, which keeps its jobs until it starts again").formatted(name));
        }
        int room = list().stream().filter(s -> !s.node().name().equals(name) && s.state() == NodeState.ALIVE)
                .mapToInt(s -> Math.max(0, s.node().maxJobs() - s.jobs().size())).sum();
        if (!force && node.jobs().size() > room) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Node %s cannot drain: it runs %d job(s) and the other "
                    + "live nodes have room for %d more (their --max-jobs less the jobs they hold), so %d would wait for "
                    + "room. Start another node or raise --max-jobs, or drain anyway with --force (the jobs that do not "
                    + "fit wait, replication paused, until a node has room)")
                    .formatted(name, node.jobs().size(), room, node.jobs().size() - room));
        }
        for (String job : node.jobs()) {
            var pin = placement.pin(job).filter(p -> p.node().equals(name));
            if (pin.isPresent()) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Node %s cannot drain: job %s can run only there (its "
                        + "%s %s is a managed instance that node created). Stop the job, or promote it, first")
                        .formatted(name, job, pin.get().side(), pin.get().profile()));
            }
        }
        requestDrain(name, true);
        return get(name);
    }

    /** Lets a drained (or draining) node take jobs again; it resumes within a heartbeat. Returns the node now. */
    public NodeStatus undrain(String name) {
        get(name);
        requestDrain(name, false);
        return get(name);
    }

    private void requestDrain(String name, boolean drain) {
        if (!store.requestNodeDrain(name, drain)) {
            throw new FerryException(ErrorCode.NOT_FOUND, "Node %s stopped and left the store just now".formatted(name));
        }
    }

    /**
     * Removes a dead node's row from the list; refused for a node that is alive (a node that stops cleanly removes its
     * own row). Its jobs are not touched: the other nodes resumed them when its leases expired.
     */
    public void forget(String name) {
        NodeStatus node = get(name);
        if (node.state() != NodeState.DEAD) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Node %s is %s (last heartbeat %.1fs ago): only a dead "
                    + "node can be forgotten. Stop it, and it leaves the list by itself")
                    .formatted(name, node.state(), node.heartbeatAge().toMillis() / 1000.0));
        }
        store.removeNode(name);
    }

    /** What this node does now, when it shares the store with others. */
    public Optional<NodeFigures> thisNode() {
        return runners.nodeFigures();
    }

    /** The lease on the job, when a node holds one. */
    public Optional<JobLease> lease(String job) {
        return store.listLeases().stream().filter(l -> l.job().equals(job)).findFirst();
    }
}
