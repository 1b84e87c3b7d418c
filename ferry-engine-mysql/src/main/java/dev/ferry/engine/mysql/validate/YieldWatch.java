package dev.ferry.engine.mysql.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.fault.LockYieldWatch;
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
 * Thread-safe.
 */
final class YieldWatch extends LockYieldWatch<Long, YieldWatch.Running> {
    private static final Logger log = LoggerFactory.getLogger(YieldWatch.class);
    private static final String MDL_WAIT = "Waiting for table metadata lock";
    private static final String PENDING = """
            SELECT t.PROCESSLIST_ID, m.OBJECT_SCHEMA, m.OBJECT_NAME, t.PROCESSLIST_INFO
              FROM performance_schema.metadata_locks m
              JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
             WHERE m.LOCK_STATUS = 'PENDING' AND m.OBJECT_TYPE = 'TABLE' AND t.PROCESSLIST_ID <> CONNECTION_ID()""";

    /** A statement reading {@code table}, running on the validation connection with id {@code connection}. */
    static final class Running extends LockYieldWatch.Running<Long> {
        private final TableRef table;
        private final Pattern named;

        private Running(long connection, TableRef table) {
            super(connection);
            this.table = table;
            this.named = Pattern.compile("(^|[^a-z0-9_$])" + Pattern.quote(table.table().toLowerCase(Locale.ROOT))
                    + "($|[^a-z0-9_$])");
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
    /** Whether performance_schema.metadata_locks could be read; false after it failed once. */
    private boolean locksReadable = true;

    YieldWatch(MySqlConnector connector, DatabaseConnection server, String database, int lockWaitSeconds) {
        super(database, Duration.ofSeconds(lockWaitSeconds));
        this.connector = connector;
        this.server = server;
        this.database = database;
    }

    /** Registers a statement about to read {@code table} on connection {@code connection}; pass it to {@link #end}. */
    Running start(long connection, TableRef table) {
        return register(new Running(connection, table));
    }

    @Override
    protected Connection open() throws SQLException {
        return connector.open(server, database, MySqlConnector.Role.SOURCE);
    }

    private record Waiter(long id, String schema, String table, String statement) {}

    @Override
    protected void watchOnce(Connection c) throws SQLException {
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
     * Kills {@code r}'s query ({@code KILL QUERY} leaves the connection usable; a kill that finds the connection idle
     * is forgotten by the server when its next statement starts).
     */
    private void kill(Connection c, Running r, Waiter w) throws SQLException {
        String waiter = "session %d on %s: %s".formatted(w.id(), r.table, StatementShape.of(w.statement(), true));
        giveWay(r, waiter, () -> {
            try {
                Sql.execute(c, "KILL QUERY " + r.session());
            } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.NO_SUCH_THREAD) {
                    throw e;
                }
            }
        });
    }
}
