package dev.ferry.engine.mysql.validate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Up to {@code size} validation sessions on one server, opened when first needed and reused. Every session reads in
 * autocommit (one short statement per range, no snapshot held), in UTC with the baseline SQL mode, and waits at most
 * {@link #LOCK_WAIT_SECONDS} for a metadata lock, so a DDL statement never queues long behind validation. Never
 * LOCK TABLES nor FLUSH TABLES WITH READ LOCK. A statement reading a table that another session waits for gives way
 * ({@link YieldWatch}) and runs again a little later. Thread-safe.
 */
final class Sessions implements AutoCloseable {
    /** How long a validation read waits for a table's metadata lock before giving up. */
    static final int LOCK_WAIT_SECONDS = 2;
    private static final int NO_SUCH_TABLE = 1146;
    /** ER_QUERY_INTERRUPTED: the statement's query was killed ({@code KILL QUERY}). */
    static final int QUERY_INTERRUPTED = 1317;
    /** ER_LOCK_WAIT_TIMEOUT: a lock (also a metadata lock) was not granted within the lock wait. */
    static final int LOCK_WAIT_TIMEOUT = 1205;
    /** The first pause after giving way; each next one is twice as long, up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration MAX_PAUSE = Duration.ofSeconds(8);
    /** How long one piece of work keeps giving way before it fails. */
    static final Duration MAX_YIELDING = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

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
    private final Map<Connection, Long> ids = new ConcurrentHashMap<>();
    private final YieldWatch watch;
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
        this.watch = new YieldWatch(connector, server, database, LOCK_WAIT_SECONDS);
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
        return run(doing, null, work);
    }

    /**
     * As {@link #run(String, Work)}, for work that reads {@code table} (null: none in particular). Such work gives
     * way to a session waiting for the table's metadata lock ({@link YieldWatch}) and runs again after a pause (half
     * a second, doubling up to {@link #MAX_PAUSE}), also when it then waits for the lock longer than the lock wait
     * (the session given way to holds it), for at most {@link #MAX_YIELDING} in all; then it fails with
     * {@code UNAVAILABLE}. A table locked when the work starts still fails after the lock wait.
     */
    <T> T run(String doing, TableRef table, Work<T> work) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting to " + doing);
        }
        try {
            boolean yielded = false;
            long yieldingSince = 0;
            Duration pause = FIRST_PAUSE;
            for (int attempt = 1; ; attempt++) {
                Connection c = null;
                YieldWatch.Running running = null;
                boolean healthy = false;
                String yieldedTo;
                try {
                    c = take();
                    if (table != null) {
                        running = watch.start(ids.get(c), table);
                    }
                    T result = work.run(c);
                    healthy = true;
                    return result;
                } catch (SQLException e) {
                    yieldedTo = running != null && running.yieldedTo() != null && e.getErrorCode() == QUERY_INTERRUPTED
                            ? running.yieldedTo()
                            : running != null && yielded && e.getErrorCode() == LOCK_WAIT_TIMEOUT ? "the session given way to"
                            : null;
                    if (yieldedTo == null) {
                        if (e.getErrorCode() == NO_SUCH_TABLE) {
                            throw new FerryException(ErrorCode.NOT_FOUND, "Cannot %s on MySQL/MariaDB at %s:%d: %s"
                                    .formatted(doing, server.host(), server.port(), SqlErrors.serverMessage(e)), e);
                        }
                        throw SqlErrors.map(e, server, doing);
                    }
                } finally {
                    if (running != null) {
                        watch.end(running);
                    }
                    give(c, healthy);
                }
                long now = System.nanoTime();
                if (!yielded) {
                    yielded = true;
                    yieldingSince = now;
                }
                if (Duration.ofNanos(now - yieldingSince).plus(pause).compareTo(MAX_YIELDING) > 0) {
                    throw new FerryException(ErrorCode.UNAVAILABLE, ("Validation of database %s on MySQL/MariaDB at %s:%d "
                            + "gave way %d times in %d s to sessions waiting for the metadata lock of table %s (a DDL or "
                            + "LOCK TABLES) while it tried to %s: the table kept being changed; validate it again later")
                            .formatted(database, server.host(), server.port(), attempt,
                                    Duration.ofNanos(now - yieldingSince).toSeconds(), table, doing));
                }
                log.atInfo().addKeyValue("database", database).addKeyValue("table", table.toString())
                        .addKeyValue("waiter", yieldedTo).addKeyValue("pauseMillis", pause.toMillis())
                        .log("validation gave way to a session waiting for a metadata lock; reading again after a pause");
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting to " + doing, e);
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        } finally {
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
            ids.put(c, Sql.queryLong(c, "SELECT CONNECTION_ID()"));
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
        ids.remove(c);
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
        ids.clear();
        watch.close();
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // The session is gone either way.
        }
    }
}
