package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.Closing;
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

    private final MySqlConnector connector;
    private final CopySettings settings;

    public SnapshotOpener(MySqlConnector connector, CopySettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    public MySqlSnapshot open(DatabaseConnection source, String database, SnapshotOptions options) {
        int parallelism = Math.max(1, options.parallelism());
        Connection control = null;
        java.util.Map<Connection, Set<TableRef>> tableLockSessions = new java.util.LinkedHashMap<>();
        WorkerPool pool = null;
        TableReadLock[] tableLock = new TableReadLock[1];
        ConsistentPoint.Opened opened = null;
        boolean done = false;
        try {
            control = connector.open(source, database, MySqlConnector.Role.SOURCE);
            Flavor flavor = ServerVersion.of(control).flavor();
            List<Catalog.TableEntry> tables = Catalog.baseTables(control, database, options.selection());
            Set<TableRef> nonTransactional = tables.stream().filter(t -> !t.transactional()).map(t -> t.info().ref())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            boolean binlog = BinlogReader.binlogEnabled(control);
            for (Set<TableRef> group : TableReadLock.groups(nonTransactional)) {
                tableLockSessions.put(connector.open(source, database, MySqlConnector.Role.SOURCE), group);
            }
            var point = new ConsistentPoint(connector, source, database, flavor, binlog, options);
            opened = point.open(parallelism, control, w -> {
                if (!tableLockSessions.isEmpty()) {
                    for (var entry : tableLockSessions.entrySet()) {
                        Sql.execute(entry.getKey(), "SET SESSION lock_wait_timeout = " + ConsistentPoint.lockWaitSeconds(options));
                        Sql.execute(entry.getKey(), TableReadLock.lockStatement(entry.getValue()));
                    }
                    tableLock[0] = new TableReadLock(tableLockSessions);
                }
            });
            if (tableLock[0] != null) {
                tableLockSessions.clear();
            }
            Optional<Position> position = opened.position();
            List<String> notes = new java.util.ArrayList<>();
            if (opened.globalLock()) {
                notes.add("global read lock held for %d ms while %d worker connection(s) opened the snapshot%s".formatted(
                        opened.lockMillis(), opened.workers().size(), position.map(p -> " at " + p.text()).orElse("")));
                log.atInfo().addKeyValue("database", database).addKeyValue("lockMs", opened.lockMillis())
                        .addKeyValue("workers", opened.workers().size()).addKeyValue("position", position.map(Position::text).orElse(""))
                        .addKeyValue("lockedTables", nonTransactional.size()).log("consistent snapshot opened");
            } else {
                if (tableLock[0] != null) {
                    tableLock[0].close();
                    tableLock[0] = null;
                }
                tableLockSessions.keySet().forEach(c -> Closing.quietly(c, "a snapshot connection"));
                tableLockSessions.clear();
                notes.add("no RELOAD privilege for FLUSH TABLES WITH READ LOCK: a single snapshot connection copies every "
                        + "table in turn (slower); grant RELOAD to the source user for a parallel copy");
                log.atWarn().addKeyValue("database", database).addKeyValue("position", position.map(Position::text).orElse(""))
                        .addKeyValue("unlockedTables", nonTransactional.stream().map(TableRef::toString).toList())
                        .log("no RELOAD privilege for FLUSH TABLES WITH READ LOCK: one snapshot connection copies every table"
                                + " in turn, and non-transactional tables are read as they are when copied");
            }
            control.close();
            control = null;
            pool = new WorkerPool(epoch(0, opened, java.util.Map.of()));
            opened = null;
            SourceSchema schema;
            Connection reader = pool.borrow(Long.MAX_VALUE);
            try {
                schema = SchemaReader.read(reader, database, tables, options.selection());
            } finally {
                pool.giveBack(reader);
            }
            var view = new MySqlSnapshot.View(database, position, tables.stream().map(Catalog.TableEntry::info).toList(), schema,
                    options.forReplication(), List.copyOf(notes));
            var loads = new LoadSession(connector, settings.binlog(), settings.load(), options.fence());
            // Chunks reported under an earlier snapshot of a continuous job do not match this snapshot's position.
            var copy = new ChunkedCopy(source, pool, loads, settings, !options.forReplication());
            int parallel = pool.size();
            java.util.concurrent.atomic.AtomicInteger epochs = new java.util.concurrent.atomic.AtomicInteger();
            var started = new java.util.concurrent.atomic.AtomicReference<MySqlSnapshot>();
            WorkerPool workers = pool;
            java.util.function.Supplier<WorkerPool.Epoch> nextPoint = () -> {
                try (Connection c = connector.open(source, database, MySqlConnector.Role.SOURCE)) {
                    // The definitions are read under the global read lock, so that they are those of the new point:
                    // a DDL committed later is in the binlog after the point's position. The tables whose copies
                    // start over are also read (no rows) before the lock ends, so that the new point's transaction
                    // holds their metadata locks from the start: a DDL on one of them now waits where the watcher
                    // sees it, instead of slipping in before the copy's first read and missing the new definition.
                    java.util.Map<TableRef, dev.ferry.engine.mysql.schema.TableSchema> read = new java.util.HashMap<>();
                    java.util.Set<TableRef> held = started.get() == null ? java.util.Set.of() : started.get().tablesInFlight();
                    ConsistentPoint.Opened next = point.open(parallel, c, w -> {
                        read.putAll(SchemaReader.read(w.getFirst(), database, tables, options.selection()).tables());
                        for (TableRef t : held) {
                            Sql.execute(w.getFirst(), "SELECT 1 FROM " + D.quote(t.schema(), t.table()) + " LIMIT 0");
                        }
                    });
                    held.forEach(workers::touch);
                    return epoch(epochs.incrementAndGet(), next, read);
                } catch (SQLException e) {
                    throw SqlErrors.map(e, source, "open a new consistent snapshot of database " + D.quote(database));
                }
            };
            MySqlSnapshot snapshot = new MySqlSnapshot(view, pool, tableLock[0], copy, connector);
            started.set(snapshot);
            snapshot.watch(source, options, nextPoint, tables);
            done = true;
            return snapshot;
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "open a consistent snapshot of database " + D.quote(database));
        } finally {
            if (!done) {
                Closing.quietly(control, "a snapshot connection");
                tableLockSessions.keySet().forEach(c -> Closing.quietly(c, "a snapshot connection"));
                if (tableLock[0] != null) {
                    tableLock[0].close();
                }
                if (pool != null) {
                    pool.close();
                } else if (opened != null) {
                    opened.workers().forEach(c -> Closing.quietly(c, "a snapshot connection"));
                }
            }
        }
    }

    /** The opened point as the pool's epoch {@code number}, with each worker's server thread id. */
    private static WorkerPool.Epoch epoch(int number, ConsistentPoint.Opened opened,
            java.util.Map<TableRef, dev.ferry.engine.mysql.schema.TableSchema> schemas) throws SQLException {
        java.util.Map<Connection, Long> ids = new java.util.HashMap<>();
        for (Connection w : opened.workers()) {
            ids.put(w, Sql.queryLong(w, "SELECT CONNECTION_ID()"));
        }
        return new WorkerPool.Epoch(number, opened.workers(), ids, opened.position(), schemas);
    }
}
