package dev.ferry.engine.mysql.validate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Up to {@code size} validation sessions on one server, opened when first needed and reused. Every session reads in
 * autocommit (one short statement per range, no snapshot held), in UTC with the baseline SQL mode, and waits at most
 * {@link #LOCK_WAIT_SECONDS} for a metadata lock, so a DDL statement never queues long behind validation. Never
 * LOCK TABLES nor FLUSH TABLES WITH READ LOCK. Thread-safe.
 */
final class Sessions implements AutoCloseable {
    /** How long a validation read waits for a table's metadata lock before giving up. */
    static final int LOCK_WAIT_SECONDS = 2;
    private static final int NO_SUCH_TABLE = 1146;

    /** Work on one session. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final MySqlConnector connector;
    private final DatabaseConnection server;
    private final String database;
    private final Semaphore permits;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all = new ArrayList<>();
    private volatile Flavor flavor;
    private boolean closed;

    Sessions(MySqlConnector connector, DatabaseConnection server, String database, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("at least one session is needed");
        }
        this.connector = connector;
        this.server = server;
        this.database = database;
        this.permits = new Semaphore(size);
    }

    DatabaseConnection server() {
        return server;
    }

    /** The server's flavor: known inside {@link #run}, where a session is open. */
    Flavor flavor() {
        return flavor;
    }

    /** Runs {@code work} on a free session; SQL failures are mapped as the engine maps them, for {@code doing}. */
    <T> T run(String doing, Work<T> work) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting to " + doing);
        }
        Connection c = null;
        boolean healthy = false;
        try {
            c = take();
            T result = work.run(c);
            healthy = true;
            return result;
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE) {
                throw new FerryException(ErrorCode.NOT_FOUND, "Cannot %s on MySQL/MariaDB at %s:%d: %s"
                        .formatted(doing, server.host(), server.port(), SqlErrors.serverMessage(e)), e);
            }
            throw SqlErrors.map(e, server, doing);
        } finally {
            give(c, healthy);
            permits.release();
        }
    }

    private Connection take() throws SQLException {
        synchronized (this) {
            if (closed) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "This validation is closed");
            }
            Connection c = idle.pollFirst();
            if (c != null) {
                return c;
            }
        }
        Connection c = connector.open(server, database, MySqlConnector.Role.SOURCE);
        try {
            ServerVersion version = ServerVersion.of(c);
            flavor = version.flavor();
            Sql.execute(c, "SET SESSION lock_wait_timeout = " + LOCK_WAIT_SECONDS);
            if (version.flavor() == Flavor.MYSQL && version.major() >= 800) {
                // information_schema.TABLES would otherwise show cached statistics (AUTO_INCREMENT, TABLE_ROWS).
                Sql.execute(c, "SET SESSION information_schema_stats_expiry = 0");
            }
            c.setAutoCommit(true);
            // A keyless table is one range: its hash may take longer than the stall timeout allows.
            MySqlConnector.allowLongSilence(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        synchronized (this) {
            all.add(c);
        }
        return c;
    }

    private void give(Connection c, boolean healthy) {
        if (c == null) {
            return;
        }
        synchronized (this) {
            if (healthy && !closed) {
                idle.addFirst(c);
                return;
            }
            all.remove(c);
        }
        quietlyClose(c);
    }

    @Override
    public void close() {
        List<Connection> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(all);
            all.clear();
            idle.clear();
        }
        open.forEach(Sessions::quietlyClose);
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // The session is gone either way.
        }
    }
}
