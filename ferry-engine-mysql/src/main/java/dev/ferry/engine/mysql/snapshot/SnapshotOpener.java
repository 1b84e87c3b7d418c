package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine.SnapshotOptions;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.catalog.Catalog;
import dev.ferry.engine.mysql.copy.LoadSession;
import dev.ferry.engine.mysql.schema.SchemaReader;
import dev.ferry.engine.mysql.schema.SourceSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a consistent snapshot of one source database. With the RELOAD privilege: worker connections are
 * opened first, then under {@code FLUSH TABLES WITH READ LOCK} each starts a consistent-snapshot transaction,
 * the binlog position is read, non-transactional tables are read-locked on a separate session, and the
 * global lock is released (milliseconds). Without it: one snapshot connection serves every copy in turn.
 */
public final class SnapshotOpener {
    private static final Logger log = LoggerFactory.getLogger(SnapshotOpener.class);
    private static final Dialect D = Dialect.MYSQL;
    /** How long FLUSH TABLES WITH READ LOCK may wait for running statements; writers wait meanwhile. */
    private static final int LOCK_WAIT_SECONDS = 30;
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;

    private final MySqlConnector connector;
    private final CopySettings settings;

    public SnapshotOpener(MySqlConnector connector, CopySettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    public MySqlSnapshot open(DatabaseConnection source, String database, SnapshotOptions options) {
        int parallelism = Math.max(1, options.parallelism());
        List<Connection> workers = new ArrayList<>();
        Connection control = null;
        Connection tableLockSession = null;
        WorkerPool pool = null;
        TableReadLock tableLock = null;
        boolean done = false;
        try {
            control = connector.open(source, database, MySqlConnector.Role.SOURCE);
            Flavor flavor = ServerVersion.of(control).flavor();
            List<Catalog.TableEntry> tables = Catalog.baseTables(control, database, options.selection());
            Set<TableRef> nonTransactional = tables.stream().filter(t -> !t.transactional()).map(t -> t.info().ref())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            boolean binlog = BinlogReader.binlogEnabled(control);
            for (int i = 0; i < parallelism; i++) {
                workers.add(prepareWorker(connector.open(source, database, MySqlConnector.Role.SOURCE), flavor));
            }
            if (!nonTransactional.isEmpty()) {
                tableLockSession = connector.open(source, database, MySqlConnector.Role.SOURCE);
            }
            Sql.execute(control, "SET SESSION lock_wait_timeout = " + LOCK_WAIT_SECONDS);
            Optional<Position> position;
            List<String> notes = new java.util.ArrayList<>();
            Clock clock = settings.clock();
            long lockStart = clock.millis();
            if (globalReadLock(control)) {
                for (Connection w : workers) {
                    startSnapshot(w);
                }
                position = binlog ? positionUnderLock(control, flavor, source, options) : Optional.empty();
                if (tableLockSession != null) {
                    Sql.execute(tableLockSession, nonTransactional.stream().map(t -> D.quote(t.schema(), t.table()) + " READ")
                            .collect(Collectors.joining(", ", "LOCK TABLES ", "")));
                    tableLock = new TableReadLock(tableLockSession, nonTransactional);
                    tableLockSession = null;
                }
                Sql.execute(control, "UNLOCK TABLES");
                notes.add("global read lock held for %d ms while %d worker connection(s) opened the snapshot%s".formatted(
                        clock.millis() - lockStart, workers.size(),
                        position.map(p -> " at " + p.text()).orElse("")));
                log.atInfo().addKeyValue("database", database).addKeyValue("lockMs", clock.millis() - lockStart)
                        .addKeyValue("workers", workers.size()).addKeyValue("position", position.map(Position::text).orElse(""))
                        .addKeyValue("lockedTables", nonTransactional.size()).log("consistent snapshot opened");
            } else {
                while (workers.size() > 1) {
                    workers.removeLast().close();
                }
                startSnapshot(workers.getFirst());
                position = binlog ? positionWithoutLock(workers.getFirst(), flavor, options) : Optional.empty();
                notes.add("no RELOAD privilege for FLUSH TABLES WITH READ LOCK: a single snapshot connection copies every "
                        + "table in turn (slower); grant RELOAD to the source user for a parallel copy");
                log.atWarn().addKeyValue("database", database).addKeyValue("position", position.map(Position::text).orElse(""))
                        .addKeyValue("unlockedTables", nonTransactional.stream().map(TableRef::toString).toList())
                        .log("no RELOAD privilege for FLUSH TABLES WITH READ LOCK: one snapshot connection copies every table"
                                + " in turn, and non-transactional tables are read as they are when copied");
            }
            control.close();
            control = null;
            pool = new WorkerPool(workers);
            SourceSchema schema;
            Connection reader = pool.borrow(Long.MAX_VALUE);
            try {
                schema = SchemaReader.read(reader, database, tables, options.selection());
            } finally {
                pool.giveBack(reader);
            }
            var view = new MySqlSnapshot.View(database, position, tables.stream().map(Catalog.TableEntry::info).toList(), schema,
                    options.forReplication(), List.copyOf(notes));
            var loads = new LoadSession(connector, settings.binlog(), settings.useLoadData());
            // Chunks reported under an earlier snapshot of a continuous job do not match this snapshot's position.
            var copy = new ChunkedCopy(source, pool, loads, settings, !options.forReplication());
            MySqlSnapshot snapshot = new MySqlSnapshot(view, pool, tableLock, copy, connector);
            done = true;
            return snapshot;
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "open a consistent snapshot of database " + D.quote(database));
        } finally {
            if (!done) {
                closeQuietly(control);
                closeQuietly(tableLockSession);
                if (tableLock != null) {
                    tableLock.close();
                }
                if (pool != null) {
                    pool.close();
                } else {
                    workers.forEach(SnapshotOpener::closeQuietly);
                }
            }
        }
    }

    private static Connection prepareWorker(Connection c, Flavor flavor) throws SQLException {
        try {
            Sql.execute(c, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                    "SET SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600, SESSION wait_timeout = 604800",
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

    /** True when the lock is held; false when the user lacks RELOAD. */
    private static boolean globalReadLock(Connection control) throws SQLException {
        try {
            Sql.execute(control, "FLUSH TABLES WITH READ LOCK");
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.SPECIFIC_ACCESS_DENIED) {
                return false;
            }
            if (e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("A long-running statement on the source kept its"
                        + " tables busy for %d s, so the brief global read lock for the snapshot could not be taken; retry"
                        + " when it has finished").formatted(LOCK_WAIT_SECONDS), e);
            }
            throw e;
        }
    }

    private static Optional<Position> positionUnderLock(Connection control, Flavor flavor, DatabaseConnection source,
            SnapshotOptions options) throws SQLException {
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

    private static Optional<Position> positionWithoutLock(Connection worker, Flavor flavor, SnapshotOptions options)
            throws SQLException {
        if (flavor == Flavor.MARIADB) {
            return BinlogReader.ofSnapshot(worker);
        }
        if (options.forReplication()) {
            throw new FerryException(ErrorCode.PERMISSION_DENIED, "MySQL ties a binlog position to a snapshot only under"
                    + " FLUSH TABLES WITH READ LOCK; grant the source user RELOAD (and REPLICATION CLIENT) and retry");
        }
        return Optional.empty();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing a connection failed");
        }
    }
}
