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
import java.util.List;
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

    MySqlSnapshot(View view, WorkerPool pool, TableReadLock tableLock, ChunkedCopy copy, MySqlConnector connector) {
        this.view = view;
        this.pool = pool;
        this.tableLock = tableLock;
        this.copy = copy;
        this.connector = connector;
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
        return view.tables();
    }

    /** How many connections copy in parallel (1 when the snapshot fell back to a single connection). */
    public int workers() {
        return pool.size();
    }

    @Override
    public void copySchemaBefore(DatabaseConnection destination) {
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
        TableSchema ts = view.schema().tables().get(table.ref());
        if (ts == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Table %s is not part of the snapshot of database %s".formatted(table.ref(), view.database()));
        }
        CopyResult result = copy.copy(table, ts, destination, progress, chunksDone);
        if (tableLock != null) {
            tableLock.copied(table.ref());
        }
        // Build the table's secondary indexes now, while other tables still load, rather than all at the end.
        new SchemaWriter(connector, destination, view.database()).addIndexes(ts);
        return result;
    }

    @Override
    public List<String> notes() {
        return view.notes();
    }

    @Override
    public void copySchemaAfter(DatabaseConnection destination) {
        // A continuous job gets its triggers and events at promotion: they would otherwise act again on
        // replicated rows whose effects the binlog already carries.
        new SchemaWriter(connector, destination, view.database()).finish(view.schema(), !view.continuous());
    }

    @Override
    public void close() {
        try {
            if (tableLock != null) {
                tableLock.close();
            }
        } finally {
            pool.close();
        }
    }
}
