package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.spi.engine.Engine.SnapshotOptions;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens worker connections that all read one consistent point of the source, with its binlog position: under a
 * brief {@code FLUSH TABLES WITH READ LOCK} each worker starts a consistent-snapshot transaction and the position is
 * read. The global lock waits at most the job's lock wait for running statements (writers queue behind it
 * meanwhile), and is tried again with backoff a few times rather than waiting long once. Without the RELOAD
 * privilege one connection opens the point alone (MariaDB reads its position from the transaction itself). Used for
 * the snapshot's first point and again for each new point after the copy gave way to another session. Thread-safe.
 */
final class ConsistentPoint {
    private static final Logger log = LoggerFactory.getLogger(ConsistentPoint.class);
    static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int GLOBAL_LOCK_ATTEMPTS = 6;
    private static final Backoff GLOBAL_LOCK_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8));

    /**
     * What runs while the global read lock is held, given the workers inside their transactions (such as read-locking
     * non-transactional tables, or reading table definitions that no DDL can change meanwhile).
     */
    @FunctionalInterface
    interface UnderLock {
        void run(List<Connection> workers) throws SQLException;
    }

    /** The workers inside their transactions, the position of their point, and how it was taken. */
    record Opened(List<Connection> workers, Optional<Position> position, boolean globalLock, long lockMillis) {}

    private final MySqlConnector connector;
    private final DatabaseConnection source;
    private final String database;
    private final Flavor flavor;
    private final boolean binlog;
    private final SnapshotOptions options;

    ConsistentPoint(MySqlConnector connector, DatabaseConnection source, String database, Flavor flavor, boolean binlog,
            SnapshotOptions options) {
        this.connector = connector;
        this.source = source;
        this.database = database;
        this.flavor = flavor;
        this.binlog = binlog;
        this.options = options;
    }

    /** Seconds Ferry's sessions wait for a lock someone else holds: the job's lock wait, at least one second. */
    static long lockWaitSeconds(SnapshotOptions options) {
        return Math.max(1, (options.reliability().effectiveLockWait().toMillis() + 999) / 1000);
    }

    /** Opens {@code parallelism} workers at one point (one without RELOAD); {@code underLock} runs under the lock. */
    Opened open(int parallelism, Connection control, UnderLock underLock) throws SQLException {
        List<Connection> workers = new ArrayList<>();
        boolean done = false;
        try {
            for (int i = 0; i < parallelism; i++) {
                workers.add(prepareWorker(connector.open(source, database, MySqlConnector.Role.SOURCE)));
            }
            Sql.execute(control, "SET SESSION lock_wait_timeout = " + lockWaitSeconds(options));
            long lockStart = System.nanoTime();
            Opened opened;
            if (globalReadLock(control)) {
                try {
                    for (Connection w : workers) {
                        startSnapshot(w);
                    }
                    Optional<Position> position = binlog ? positionUnderLock(control) : Optional.empty();
                    underLock.run(workers);
                    opened = new Opened(List.copyOf(workers), position, true, 0);
                } finally {
                    Sql.execute(control, "UNLOCK TABLES");
                }
                opened = new Opened(opened.workers(), opened.position(), true, (System.nanoTime() - lockStart) / 1_000_000);
            } else {
                while (workers.size() > 1) {
                    workers.removeLast().close();
                }
                startSnapshot(workers.getFirst());
                Optional<Position> position = binlog ? positionWithoutLock(workers.getFirst()) : Optional.empty();
                opened = new Opened(List.copyOf(workers), position, false, 0);
            }
            done = true;
            return opened;
        } finally {
            if (!done) {
                for (Connection w : workers) {
                    try {
                        w.close();
                    } catch (SQLException e) {
                        log.atDebug().addKeyValue("error", e.getMessage()).log("closing a worker connection failed");
                    }
                }
            }
        }
    }

    private Connection prepareWorker(Connection c) throws SQLException {
        try {
            // A chunk read that queues behind someone's DDL gives up after the lock wait instead of holding every
            // later statement on that table behind it; the copy then reads the table again.
            Sql.execute(c, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                    "SET SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600, SESSION wait_timeout = 604800",
                    "SET SESSION lock_wait_timeout = " + (lockWaitSeconds(options) + 1),
                    flavor == Flavor.MARIADB ? "SET SESSION max_statement_time = 0" : "SET SESSION max_execution_time = 0");
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private static void startSnapshot(Connection c) throws SQLException {
        Sql.execute(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    }

    /** True when the lock is held; false when the user lacks RELOAD. Short waits, retried with backoff. */
    private boolean globalReadLock(Connection control) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                Sql.execute(control, "FLUSH TABLES WITH READ LOCK");
                return true;
            } catch (SQLException e) {
                if (e.getErrorCode() == SqlErrors.SPECIFIC_ACCESS_DENIED) {
                    return false;
                }
                if (e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT) {
                    throw e;
                }
                if (attempt == GLOBAL_LOCK_ATTEMPTS) {
                    throw new FerryException(ErrorCode.UNAVAILABLE, ("Long-running statements on the source %s:%d kept "
                            + "tables busy, so the brief global read lock for a consistent snapshot could not be taken in "
                            + "%d tries of %d s each (Ferry gives up waiting rather than stall the source's writers); "
                            + "retry when they have finished").formatted(source.host(), source.port(), attempt,
                            lockWaitSeconds(options)), e);
                }
                Duration pause = GLOBAL_LOCK_BACKOFF.delay(attempt, ThreadLocalRandom.current());
                log.atInfo().addKeyValue("database", database).addKeyValue("attempt", attempt)
                        .addKeyValue("retryMs", pause.toMillis())
                        .log("the global read lock waited too long for running statements; trying again");
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting to take a consistent snapshot", ie);
                }
            }
        }
    }

    private Optional<Position> positionUnderLock(Connection control) throws SQLException {
        try {
            return BinlogReader.current(control, flavor);
        } catch (SQLException e) {
            if (e.getErrorCode() != SqlErrors.SPECIFIC_ACCESS_DENIED || options.forReplication()) {
                throw e;
            }
            log.atWarn().addKeyValue("server", source.host() + ":" + source.port()).addKeyValue("reason", SqlErrors.serverMessage(e))
                    .log("cannot read the binlog position (grant REPLICATION CLIENT or BINLOG MONITOR); none is reported");
            return Optional.empty();
        }
    }

    private Optional<Position> positionWithoutLock(Connection worker) throws SQLException {
        if (flavor == Flavor.MARIADB) {
            return BinlogReader.ofSnapshot(worker);
        }
        if (options.forReplication()) {
            throw new FerryException(ErrorCode.PERMISSION_DENIED, "MySQL ties a binlog position to a snapshot only under"
                    + " FLUSH TABLES WITH READ LOCK; grant the source user RELOAD (and REPLICATION CLIENT) and retry");
        }
        return Optional.empty();
    }
}
