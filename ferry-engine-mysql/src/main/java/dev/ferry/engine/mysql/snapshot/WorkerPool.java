package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot's connections, each inside the same consistent-snapshot transaction. A copy borrows one and
 * gives it back; a connection returned closed (aborted after a failure) leaves the pool for good. Borrowers
 * wait while all connections are out. Thread-safe.
 */
final class WorkerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all;
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

    /** Waits for an idle connection. */
    Connection borrow() {
        lock.lock();
        try {
            while (idle.isEmpty()) {
                if (closed) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, "The source snapshot is closed");
                }
                if (live == 0) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                            "Every connection of the source snapshot failed; restart the copy to take a new snapshot");
                }
                available.await();
            }
            return idle.pop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting for a source snapshot connection", e);
        } finally {
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
