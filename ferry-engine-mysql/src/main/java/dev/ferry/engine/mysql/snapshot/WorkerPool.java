package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.Closing;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The snapshot's connections, each inside the same consistent-snapshot transaction, and so the permits of every
 * copy of the snapshot: however many tables and chunks run at once, at most {@link #size()} read the source. A
 * copy borrows one and gives it back; a connection returned closed (aborted after a failure) leaves the pool for
 * good. Borrowers wait while all connections are out and are served highest priority first (the largest tables),
 * then in arrival order.
 *
 * <p>Points. The connections of one consistent point form an {@link Epoch}. When the copy gives way to another
 * session, the current epoch is {@linkplain #retire() retired} (its transactions end, releasing their metadata
 * locks), borrowers wait, and a new epoch at a later point is {@linkplain #install installed}. A borrower that
 * names the epoch it works in gets {@link PointEnded} once that epoch is over, so one table copy never mixes rows
 * of two points. Thread-safe.
 */
final class WorkerPool implements AutoCloseable {

    /**
     * The connections of one consistent point, their server thread ids, the point's binlog position, and the table
     * definitions read at that point (empty when they were read with the snapshot itself, or without a global lock).
     */
    record Epoch(int number, List<Connection> connections, Map<Connection, Long> threadIds, Optional<Position> position,
            Map<TableRef, dev.ferry.engine.mysql.schema.TableSchema> schemas) {
        Epoch {
            connections = List.copyOf(connections);
            threadIds = Map.copyOf(threadIds);
            schemas = Map.copyOf(schemas);
        }
    }

    /** The consistent point a copy worked in ended (the copy gave way to another session); the copy starts over. */
    static final class PointEnded extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        PointEnded(int epoch) {
            super("consistent point " + epoch + " of the snapshot ended");
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final PriorityQueue<Ticket> waiting = new PriorityQueue<>();
    private final Set<TableRef> touched = new HashSet<>();
    private final int size;
    private Epoch epoch;
    private boolean renewing;
    private RuntimeException renewalFailure;
    private long arrivals;
    private int live;
    private boolean closed;

    WorkerPool(Epoch first) {
        if (first.connections().isEmpty()) {
            throw new IllegalArgumentException("a snapshot needs at least one connection");
        }
        this.size = first.connections().size();
        install(first);
    }

    int size() {
        return size;
    }

    /** A waiting borrower: higher priority first, then first come. */
    private record Ticket(long priority, long arrival) implements Comparable<Ticket> {
        @Override
        public int compareTo(Ticket o) {
            int byPriority = Long.compare(o.priority, priority);
            return byPriority != 0 ? byPriority : Long.compare(arrival, o.arrival);
        }
    }

    /** The current epoch, waiting while a new one opens. */
    Epoch epoch() {
        lock.lock();
        try {
            while (renewing) {
                check();
                available.await();
            }
            check();
            return epoch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting for a new consistent snapshot", e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code number} is still the epoch connections are handed out from. */
    boolean current(int number) {
        lock.lock();
        try {
            return !renewing && epoch.number() == number;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for an idle connection of the current epoch; among waiters, the highest {@code priority} first. */
    Connection borrow(long priority) {
        return borrow(priority, -1);
    }

    /**
     * Waits for an idle connection of epoch {@code number} (any epoch when negative); throws {@link PointEnded}
     * once that epoch is over.
     */
    Connection borrow(long priority, int number) {
        lock.lock();
        Ticket ticket = new Ticket(priority, arrivals++);
        waiting.add(ticket);
        try {
            while (renewing || idle.isEmpty() || waiting.peek() != ticket) {
                check();
                if (number >= 0 && (renewing || epoch.number() != number)) {
                    throw new PointEnded(number);
                }
                if (!renewing && live == 0) {
                    // The source went away (a restart, the network): transient, the copy goes on from a new snapshot.
                    throw new FerryException(ErrorCode.UNAVAILABLE,
                            "Every connection of the source snapshot failed; the copy goes on from a new snapshot");
                }
                available.await();
            }
            if (number >= 0 && epoch.number() != number) {
                throw new PointEnded(number);
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

    private void check() {
        if (closed) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "The source snapshot is closed");
        }
        if (renewalFailure != null) {
            throw renewalFailure;
        }
    }

    void giveBack(Connection c) {
        boolean dead;
        try {
            dead = c.isClosed();
        } catch (SQLException e) {
            dead = true;
        }
        boolean old;
        lock.lock();
        try {
            old = !epoch.connections().contains(c) || renewing;
            if (!old) {
                if (dead || closed) {
                    live--;
                } else {
                    idle.push(c);
                }
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
        if (old) {
            Closing.quietly(c, "a snapshot connection");
        }
    }

    /** Records that the current epoch's transactions read {@code table} (they hold its metadata lock until they end). */
    void touch(TableRef table) {
        lock.lock();
        try {
            touched.add(table);
        } finally {
            lock.unlock();
        }
    }

    /** The tables the current epoch's transactions read. */
    Set<TableRef> touched() {
        lock.lock();
        try {
            return Set.copyOf(touched);
        } finally {
            lock.unlock();
        }
    }

    /** The server thread ids of the current epoch's connections (Ferry's own sessions, never waited for). */
    Set<Long> threadIds() {
        lock.lock();
        try {
            return Set.copyOf(epoch.threadIds().values());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the current epoch: borrowers wait from now on, idle connections close, and the ones out close when they
     * come back. Returns the retired epoch, whose transactions the caller ends on the server.
     */
    Epoch retire() {
        List<Connection> closing;
        Epoch retired;
        lock.lock();
        try {
            renewing = true;
            retired = epoch;
            closing = new ArrayList<>(idle);
            idle.clear();
            touched.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        closing.forEach(c -> Closing.quietly(c, "a snapshot connection"));
        return retired;
    }

    /** Hands out {@code next}'s connections from now on. */
    void install(Epoch next) {
        List<Connection> refused = List.of();
        lock.lock();
        try {
            if (closed) {
                refused = next.connections();
            } else {
                epoch = next;
                idle.clear();
                idle.addAll(next.connections());
                live = next.connections().size();
                renewing = false;
                available.signalAll();
            }
        } finally {
            lock.unlock();
        }
        refused.forEach(c -> Closing.quietly(c, "a snapshot connection"));
    }

    /** No new epoch could be opened: every borrower fails with {@code failure}. */
    void failRenewal(RuntimeException failure) {
        lock.lock();
        try {
            renewalFailure = failure;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection, ending the snapshot transactions. */
    @Override
    public void close() {
        List<Connection> all;
        lock.lock();
        try {
            closed = true;
            idle.clear();
            all = epoch == null ? List.of() : epoch.connections();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        all.forEach(c -> Closing.quietly(c, "a snapshot connection"));
    }
}
