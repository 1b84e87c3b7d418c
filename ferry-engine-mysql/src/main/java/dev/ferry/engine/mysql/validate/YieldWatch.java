package dev.ferry.engine.mysql.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.StatementShape;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, on one extra connection, for sessions that wait for the metadata lock of a table a validation statement
 * reads: the statement holds the table's shared metadata lock until it ends, so a DDL on the table waits for it, and
 * every later statement on the table queues behind that DDL. A waiter is a pending table lock in
 * {@code performance_schema.metadata_locks} on the table (where that schema is on and the lock instrument enabled,
 * which names the table exactly), or else a session in the state "Waiting for table metadata lock" of the process
 * list whose statement names the table (the process list does not say which table is waited for; it needs the
 * PROCESS privilege to show other users' sessions). The statement gives way at once: it is marked
 * {@linkplain Running#yieldedTo() yielded} and its query killed ({@code KILL QUERY}, which ends the statement and
 * releases the lock, and leaves the connection usable); the caller waits a little and runs it again. Polls every
 * quarter of the lock wait (at most 250 ms) on its own virtual thread while a statement runs, until closed.
 * Thread-safe.
 */
final class YieldWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(YieldWatch.class);
    private static final String MDL_WAIT = "Waiting for table metadata lock";
    private static final String PENDING = """
            SELECT t.PROCESSLIST_ID, m.OBJECT_SCHEMA, m.OBJECT_NAME, t.PROCESSLIST_INFO
              FROM performance_schema.metadata_locks m
              JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
             WHERE m.LOCK_STATUS = 'PENDING' AND m.OBJECT_TYPE = 'TABLE' AND t.PROCESSLIST_ID <> CONNECTION_ID()""";

    /** A statement reading {@code table}, running on the validation connection with id {@code connection}. */
    static final class Running {
        private final long connection;
        private final TableRef table;
        private final Pattern named;
        private final ReentrantLock lock = new ReentrantLock();
        private boolean ended;
        private volatile String yieldedTo;

        private Running(long connection, TableRef table) {
            this.connection = connection;
            this.table = table;
            this.named = Pattern.compile("(^|[^a-z0-9_$])" + Pattern.quote(table.table().toLowerCase(Locale.ROOT))
                    + "($|[^a-z0-9_$])");
        }

        /** The waiting statement (its shape) this one was killed for; null while it was not. */
        String yieldedTo() {
            return yieldedTo;
        }

        private boolean namedIn(String statement) {
            if (statement == null) {
                return false;
            }
            String text = statement.toLowerCase(Locale.ROOT);
            return named.matcher(text).find() || text.contains(Dialect.MYSQL.quote(table.table().toLowerCase(Locale.ROOT)));
        }
    }

    private final MySqlConnector connector;
    private final DatabaseConnection server;
    private final String database;
    private final Duration poll;
    private final ConcurrentMap<Long, Running> running = new ConcurrentHashMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean stopped;
    private Thread thread;
    /** Whether performance_schema.metadata_locks could be read; false after it failed once. */
    private boolean locksReadable = true;

    YieldWatch(MySqlConnector connector, DatabaseConnection server, String database, int lockWaitSeconds) {
        this.connector = connector;
        this.server = server;
        this.database = database;
        this.poll = Duration.ofMillis(Math.max(50, Math.min(250, lockWaitSeconds * 1000L / 4)));
    }

    /** Registers a statement about to read {@code table} on connection {@code connection}; pass it to {@link #end}. */
    Running start(long connection, TableRef table) {
        Running r = new Running(connection, table);
        running.put(connection, r);
        lifecycle.lock();
        try {
            if (thread == null && !stopped) {
                thread = Thread.ofVirtual().name("ferry-validation-yield-" + database).start(this::run);
            }
        } finally {
            lifecycle.unlock();
        }
        return r;
    }

    /** The statement ended (either way): it is no longer killed for a waiter. */
    void end(Running r) {
        r.lock.lock();
        try {
            r.ended = true;
            running.remove(r.connection, r);
        } finally {
            r.lock.unlock();
        }
    }

    private void run() {
        Connection c = null;
        try {
            while (!stopped) {
                try {
                    if (!running.isEmpty()) {
                        if (c == null) {
                            c = connector.open(server, database, MySqlConnector.Role.SOURCE);
                        }
                        watchOnce(c);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    log.atWarn().addKeyValue("database", database).addKeyValue("error", e.getMessage())
                            .log("watching for sessions waiting on validation's metadata locks failed; trying again");
                    closeQuietly(c);
                    c = null;
                }
                Thread.sleep(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(c);
        }
    }

    private record Waiter(long id, String schema, String table, String statement) {}

    private void watchOnce(Connection c) throws SQLException {
        if (locksReadable) {
            try {
                for (Waiter w : Sql.query(c, PENDING, rs -> new Waiter(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4)))) {
                    for (Running r : running.values()) {
                        if (!running.containsKey(w.id()) && r.table.schema().equals(w.schema())
                                && r.table.table().equals(w.table())) {
                            kill(c, r, w);
                        }
                    }
                }
            } catch (SQLException e) {
                // performance_schema is off or not readable by this user: the process list is the evidence left.
                locksReadable = false;
                log.atDebug().addKeyValue("database", database).addKeyValue("error", e.getMessage())
                        .log("performance_schema.metadata_locks cannot be read; watching the process list only");
            }
        }
        List<Waiter> waiters = Sql.query(c, "SELECT ID, DB, INFO FROM information_schema.PROCESSLIST WHERE STATE = ?"
                + " AND ID <> CONNECTION_ID()", rs -> new Waiter(rs.getLong(1), rs.getString(2), null, rs.getString(3)),
                MDL_WAIT);
        for (Waiter w : waiters) {
            for (Running r : running.values()) {
                if (!running.containsKey(w.id()) && r.namedIn(w.statement())) {
                    kill(c, r, w);
                }
            }
        }
    }

    /**
     * Kills {@code r}'s query unless it ended or was killed already. Holding {@code r}'s lock, the connection cannot
     * start its next statement meanwhile: a kill that arrives after the statement ended finds the connection idle,
     * and the server forgets it when the next statement starts.
     */
    private void kill(Connection c, Running r, Waiter w) throws SQLException {
        String waiter = "session %d: %s".formatted(w.id(), StatementShape.of(w.statement(), true));
        r.lock.lock();
        try {
            if (r.ended || r.yieldedTo != null) {
                return;
            }
            // Marked first: the statement may fail before the kill returns.
            r.yieldedTo = waiter;
            try {
                Sql.execute(c, "KILL QUERY " + r.connection);
            } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.NO_SUCH_THREAD) {
                    r.yieldedTo = null;
                    throw e;
                }
            }
        } finally {
            r.lock.unlock();
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("table", r.table.toString())
                .addKeyValue("waiter", waiter).log("a validation statement gave way to a session waiting for its lock");
    }

    @Override
    public void close() {
        Thread t;
        lifecycle.lock();
        try {
            stopped = true;
            t = thread;
        } finally {
            lifecycle.unlock();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing the validation watcher connection failed");
        }
    }
}
