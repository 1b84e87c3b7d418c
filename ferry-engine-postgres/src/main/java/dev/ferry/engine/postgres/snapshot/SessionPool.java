package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sessions of finished table copies for the next ones, so a database of many small tables
 * does not pay a login (and a snapshot import) per table: source sessions inside the snapshot, and
 * destination sessions prepared for loading. A session comes back only after work that succeeded; at
 * most {@code keep} of each kind wait. Thread-safe; closing closes the waiting sessions.
 */
final class SessionPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionPool.class);

    private final ExportedSnapshot snapshot;
    private final int keep;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Connection> sources = new ArrayDeque<>();
    private final Map<DatabaseConnection, Deque<Connection>> destinations = new HashMap<>();
    private final Map<Connection, DatabaseConnection> destinationOf = new HashMap<>();
    private boolean closed;

    SessionPool(ExportedSnapshot snapshot, int keep) {
        this.snapshot = snapshot;
        this.keep = keep;
    }

    /** A source session reading the snapshot, inside its transaction. */
    Connection source() {
        Connection waiting = take(sources);
        return waiting != null ? waiting : snapshot.openImporter();
    }

    /** A destination session (database set) with portable text settings and asynchronous commit. */
    Connection destination(DatabaseConnection destination) {
        Connection waiting;
        lock.lock();
        try {
            waiting = take(destinations.computeIfAbsent(destination, d -> new ArrayDeque<>()));
        } finally {
            lock.unlock();
        }
        if (waiting != null) {
            return waiting;
        }
        Connection c = PgConnector.open(destination);
        try {
            SessionSettings.applyPortable(c);
            SessionSettings.applyLoading(c);
        } catch (SQLException e) {
            close(c);
            throw PgErrors.translate(e, destination, "preparing a loading session");
        }
        lock.lock();
        try {
            destinationOf.put(c, destination);
        } finally {
            lock.unlock();
        }
        return c;
    }

    /** Returns a session after work that succeeded ({@code reusable}), else closes it. */
    void release(Connection c, boolean reusable) {
        lock.lock();
        try {
            DatabaseConnection destination = destinationOf.get(c);
            Deque<Connection> queue = destination == null ? sources : destinations.get(destination);
            if (reusable && !closed && queue.size() < keep && isIdle(c)) {
                queue.push(c);
                return;
            }
            destinationOf.remove(c);
        } finally {
            lock.unlock();
        }
        close(c);
    }

    private Connection take(Deque<Connection> queue) {
        lock.lock();
        try {
            return closed ? null : queue.poll();
        } finally {
            lock.unlock();
        }
    }

    private static boolean isIdle(Connection c) {
        try {
            return !c.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.atDebug().setCause(e).log("closing a session failed; the server ends it when it notices");
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            sources.forEach(SessionPool::close);
            sources.clear();
            destinations.values().forEach(q -> q.forEach(SessionPool::close));
            destinations.clear();
            destinationOf.clear();
        } finally {
            lock.unlock();
        }
    }
}
