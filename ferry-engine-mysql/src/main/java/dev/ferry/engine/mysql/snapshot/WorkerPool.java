package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot's connections, each inside the same consistent-snapshot transaction, and so the permits of every
 * copy of the snapshot: however many tables and chunks run at once, at most {@link #size()} read the source. A
 * copy borrows one and gives it back; a connection returned closed (aborted after a failure) leaves the pool for
 * good. Borrowers wait while all connections are out and are served highest priority first (the largest tables),
 * then in arrival order. Thread-safe.
 */
final class WorkerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all;
    private final PriorityQueue<Ticket> waiting = new PriorityQueue<>();
    private long arrivals;
    private int live;
    private boolean closed;

    WorkerPool(List<Connection> connections) {
        if (connections.isEmpty()) {
            throw new IllegalArgumentException("a snapshot needs at least one connection");
        }
        this.all = List.copyOf(connections);
        this.idle.addAll(connections);
        this.live = connections.size();
    }

    int size() {
        return all.size();
    }

    /** A waiting borrower: higher priority first, then first come. */
    private record Ticket(long priority, long arrival) implements Comparable<Ticket> {
        @Override
        public int compareTo(Ticket o) {
            int byPriority = Long.compare(o.priority, priority);
            return byPriority != 0 ? byPriority : Long.compare(arrival, o.arrival);
        }
    }

    /** Waits for an idle connection; among waiters, the highest {@code priority} is served first. */
    Connection borrow(long priority) {
        lock.lock();
        Ticket ticket = new Ticket(priority, arrivals++);
        waiting.add(ticket);
        try {
            while (idle.isEmpty() || waiting.peek() != ticket) {
                if (closed) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, "The source snapshot is closed");
                }
                if (live == 0) {
                    // The source went away (a restart, the network): transient, the copy goes on from a new snapshot.
                    throw new FerryException(ErrorCode.UNAVAILABLE,
                            "Every connection of the source snapshot failed; the copy goes on from a new snapshot");
                }
                available.await();
            }
            return idle.pop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting for a source snapshot connection", e);
        } finally {
            waiting.remove(ticket);
            available.signalAll();
            lock.unlock();
        }
    }

    void giveBack(Connection c) {
        boolean dead;
        try {
            dead = c.isClosed();
        } catch (SQLException e) {
            dead = true;
        }
        lock.lock();
        try {
            if (dead || closed) {
                live--;
            } else {
                idle.push(c);
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection, ending the snapshot transactions. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            idle.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        List<Exception> failures = new ArrayList<>();
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            log.atDebug().addKeyValue("failures", failures.size()).log("some snapshot connections did not close cleanly");
        }
    }
}
