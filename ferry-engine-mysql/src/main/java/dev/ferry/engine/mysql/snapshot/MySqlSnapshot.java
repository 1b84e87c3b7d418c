package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.schema.SchemaWriter;
import dev.ferry.engine.mysql.schema.SourceSchema;
import dev.ferry.engine.mysql.schema.TableSchema;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine.SnapshotOptions;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.catalog.Catalog;
import dev.ferry.engine.mysql.schema.SchemaReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.Set;

/**
 * A consistent view of one MySQL/MariaDB database: the schema as SHOW CREATE printed it when the snapshot
 * opened, and a pool of connections inside the snapshot transaction that table copies share, chunk by chunk.
 * Thread-safe; closing ends the transactions and releases any table locks.
 */
public final class MySqlSnapshot implements SourceSnapshot {
    /** What the snapshot saw when it opened: the position, the selected tables (largest first) and their schema. */
    record View(String database, Optional<Position> position, List<TableInfo> tables, SourceSchema schema,
            boolean continuous, List<String> notes) {
        View {
            tables = List.copyOf(tables);
        }
    }

    private final View view;
    private final WorkerPool pool;
    private final TableReadLock tableLock;
    private final ChunkedCopy copy;
    private final MySqlConnector connector;
    /** Each table's definition as last read, and the epoch it was read in (a later point may see a new one). */
    private final Map<TableRef, TableSchema> schemas = new ConcurrentHashMap<>();
    private final Map<TableRef, Integer> schemaEpochs = new ConcurrentHashMap<>();
    /** The copies in flight, to tell them when the copy gives way. */
    private final Map<TableRef, CopyProgress> inFlight = new ConcurrentHashMap<>();
    private final Map<TableRef, Catalog.TableEntry> entries = new ConcurrentHashMap<>();
    private ObjectSelection selection;
    private MetadataLockWatcher watcher;

    MySqlSnapshot(View view, WorkerPool pool, TableReadLock tableLock, ChunkedCopy copy, MySqlConnector connector) {
        this.view = view;
        this.pool = pool;
        this.tableLock = tableLock;
        this.copy = copy;
        this.connector = connector;
        view.schema().tables().forEach((ref, ts) -> {
            schemas.put(ref, ts);
            schemaEpochs.put(ref, 0);
        });
    }

    /** Starts watching for sessions that wait for the snapshot's metadata locks (see {@link MetadataLockWatcher}). */
    void watch(DatabaseConnection source, SnapshotOptions options, Supplier<WorkerPool.Epoch> nextPoint,
            List<Catalog.TableEntry> tables) {
        this.selection = options.selection();
        tables.forEach(t -> entries.put(t.info().ref(), t));
        var settings = new MetadataLockWatcher.Settings(options.reliability().effectiveYieldToDdl(),
                options.reliability().effectiveLockWait());
        watcher = new MetadataLockWatcher(connector, source, view.database(), pool, schemas.keySet(), settings, nextPoint,
                new MetadataLockWatcher.Listener() {
                    @Override
                    public void yielded(TableRef table, String waiter) {
                        // Every copy in flight starts over at the new point, not only the one on the waited-for table.
                        inFlight.values().forEach(p -> p.yielded(waiter));
                    }

                    @Override
                    public void blocking(TableRef table, String waiter) {
                        CopyProgress p = inFlight.get(table);
                        if (p != null) {
                            p.blocking(waiter);
                        } else {
                            inFlight.values().stream().findFirst().ifPresent(any -> any.blocking(waiter));
                        }
                    }
                }).start();
    }

    /** The tables whose copies are running (or start over at the next point). */
    java.util.Set<TableRef> tablesInFlight() {
        return java.util.Set.copyOf(inFlight.keySet());
    }

    @Override
    public String database() {
        return view.database();
    }

    @Override
    public Optional<Position> replicationStart() {
        return view.position();
    }

    @Override
    public List<TableInfo> tables() {
        if (tableLock == null) {
            return view.tables();
        }
        // Read-locked (non-transactional) tables first, so their writers wait for as short a time as can be.
        List<TableInfo> ordered = new java.util.ArrayList<>(view.tables());
        ordered.sort(java.util.Comparator.comparing((TableInfo t) -> !tableLock.holds(t.ref())));
        return ordered;
    }

    /** How many connections copy in parallel (1 when the snapshot fell back to a single connection). */
    public int workers() {
        return pool.size();
    }

    @Override
    public void copySchemaBefore(DatabaseConnection destination) {
        copy.fence().check();
        new SchemaWriter(connector, destination, view.database())
                .createTables(view.schema().sequences(), view.schema().tables().values());
    }

    @Override
    public CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress) {
        return copyTable(table, destination, progress, Set.of());
    }

    /**
     * Copies the table in key ranges on the snapshot's workers, reporting each finished range through
     * {@link CopyProgress#chunkCopied} with an id that describes its bounds (such as {@code [1000,2000)}); given the
     * ids reported by an interrupted copy, keeps those rows and copies the rest. The result counts the rows kept.
     * Once the rows are in, the table's secondary indexes are built (foreign keys wait for copySchemaAfter).
     */
    @Override
    public CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress, Set<String> chunksDone) {
        if (!schemas.containsKey(table.ref())) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Table %s is not part of the snapshot of database %s".formatted(table.ref(), view.database()));
        }
        Set<String> keep = chunksDone;
        while (true) {
            WorkerPool.Epoch epoch = pool.epoch();
            inFlight.put(table.ref(), progress);
            try {
                pool.touch(table.ref());
                TableSchema ts = schemaAt(table.ref(), epoch, destination);
                CopyResult result = copy.copy(table, ts, destination, progress, keep, epoch.number());
                if (!pool.current(epoch.number())) {
                    // The point gave way to a DDL while this copy ran, after its last read: the statement may have
                    // changed this table, so the copy starts over at the next point like the copies it interrupted.
                    throw new WorkerPool.PointEnded(epoch.number());
                }
                if (tableLock != null) {
                    tableLock.copied(table.ref());
                }
                progress.rowsLoaded();
                // Build the table's secondary indexes now, while other tables still load, rather than all at the end.
                new SchemaWriter(connector, destination, view.database()).addIndexes(ts);
                return epoch.number() == 0 ? result
                        : new CopyResult(result.rows(), result.bytes(), epoch.position().orElse(null));
            } catch (RuntimeException e) {
                if (pool.current(epoch.number()) && !(e instanceof WorkerPool.PointEnded)) {
                    throw e;
                }
                // The point ended under the copy: it gave way to another session. Start over at the next point.
                keep = Set.of();
            } finally {
                inFlight.remove(table.ref());
            }
        }
    }

    /**
     * The table's definition at {@code epoch}: read again at a point later than the one it was read at, and when it
     * changed meanwhile (the DDL the copy gave way to) the destination table is made again from the new one.
     */
    private TableSchema schemaAt(TableRef ref, WorkerPool.Epoch epoch, DatabaseConnection destination) {
        TableSchema known = schemas.get(ref);
        if (schemaEpochs.getOrDefault(ref, 0) >= epoch.number()) {
            return known;
        }
        TableSchema read = epoch.schemas().get(ref);
        if (read == null) {
            // No definitions were read under a global lock (no RELOAD privilege): read it now, in the point.
            Catalog.TableEntry entry = entries.getOrDefault(ref, new Catalog.TableEntry(
                    new TableInfo(ref, 0, 0, !known.key().isEmpty()), known.engine()));
            Connection c = pool.borrow(Long.MAX_VALUE, epoch.number());
            try {
                read = SchemaReader.read(c, view.database(), List.of(entry), selection).tables().get(ref);
            } catch (SQLException e) {
                throw SqlErrors.map(e, destination, "read the definition of table " + ref + " again");
            } finally {
                pool.giveBack(c);
            }
        }
        if (!read.ddl().equals(known.ddl())) {
            new SchemaWriter(connector, destination, view.database()).recreateTable(read);
        }
        schemas.put(ref, read);
        schemaEpochs.put(ref, epoch.number());
        return read;
    }

    @Override
    public List<String> notes() {
        return view.notes();
    }

    @Override
    public void copySchemaAfter(DatabaseConnection destination) {
        copy.fence().check();
        // A continuous job gets its triggers and events at promotion: they would otherwise act again on
        // replicated rows whose effects the binlog already carries.
        SourceSchema read = view.schema();
        Map<TableRef, TableSchema> current = new LinkedHashMap<>();
        read.tables().keySet().forEach(ref -> current.put(ref, schemas.getOrDefault(ref, read.tables().get(ref))));
        SourceSchema latest = new SourceSchema(read.database(), current, read.sequences(), read.views(), read.routines(),
                read.triggers(), read.events());
        new SchemaWriter(connector, destination, view.database()).finish(latest, !view.continuous());
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        try {
            if (tableLock != null) {
                tableLock.close();
            }
        } finally {
            pool.close();
        }
    }
}
