package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sessions of finished table copies for the next ones, so a database of many small tables
 * does not pay a login per table: source sessions, and destination sessions prepared for loading. A source
 * session reads one table in one transaction that imports a consistent point and ends with that table's
 * copy ({@link #release}), so it holds the table's lock no longer than the copy: PostgreSQL keeps every lock
 * to the end of the transaction. While it is handed out, the pool knows its backend pid and the table it
 * reads ({@link #holders}). A session comes back only after work that succeeded; at most {@code keep} of
 * each kind wait. Thread-safe; closing closes the waiting sessions.
 */
final class SessionPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionPool.class);

    private final DatabaseConnection source;
    private final Duration lockWait;
    private final int keep;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Connection> sources = new ArrayDeque<>();
    private final Map<DatabaseConnection, Deque<Connection>> destinations = new HashMap<>();
    private final Map<Connection, DatabaseConnection> destinationOf = new HashMap<>();
    private final Map<Connection, Integer> pids = new HashMap<>();
    private final Map<Integer, TableRef> holding = new HashMap<>();
    private boolean closed;

    SessionPool(DatabaseConnection source, Duration lockWait, int keep) {
        this.source = source;
        this.lockWait = lockWait;
        this.keep = keep;
    }

    /** A source session inside a new transaction reading {@code point}, to read {@code table}. */
    Connection source(ExportedSnapshot point, TableRef table) {
        Connection c = take(sources);
        if (c == null) {
            c = ExportedSnapshot.openSession(source, lockWait);
        }
        try {
            point.begin(c);
            int pid = c.unwrap(PGConnection.class).getBackendPID();
            lock.lock();
            try {
                pids.put(c, pid);
                holding.put(pid, table);
            } finally {
                lock.unlock();
            }
            return c;
        } catch (SQLException e) {
            close(c);
            throw PgErrors.translate(e, source, "importing snapshot " + point.id());
        }
    }

    /** The backend pids of the source sessions handed out, with the table each one reads. */
    Map<Integer, TableRef> holders() {
        lock.lock();
        try {
            return Map.copyOf(holding);
        } finally {
            lock.unlock();
        }
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

    /**
     * Returns a session after work that succeeded ({@code reusable}), else closes it. A source session's
     * transaction ends first, releasing its locks.
     */
    void release(Connection c, boolean reusable) {
        boolean isSource;
        lock.lock();
        try {
            Integer pid = pids.remove(c);
            if (pid != null) {
                holding.remove(pid);
            }
            isSource = !destinationOf.containsKey(c);
        } finally {
            lock.unlock();
        }
        if (isSource && reusable && !endTransaction(c)) {
            reusable = false;
        }
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

    /** Commits the read-only transaction of a source session; false when the session is no longer usable. */
    private static boolean endTransaction(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("COMMIT");
            return true;
        } catch (SQLException e) {
            log.atDebug().setCause(e).log("ending a source session's transaction failed; closing the session");
            return false;
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
            pids.clear();
            holding.clear();
        } finally {
            lock.unlock();
        }
    }
}
