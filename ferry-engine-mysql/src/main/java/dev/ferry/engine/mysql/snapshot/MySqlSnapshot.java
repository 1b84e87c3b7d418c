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
import dev.ferry.engine.mysql.copy.TableCopier;
import dev.ferry.engine.mysql.schema.SchemaWriter;
import dev.ferry.engine.mysql.schema.SourceSchema;
import dev.ferry.engine.mysql.schema.TableSchema;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * A consistent view of one MySQL/MariaDB database: the schema as SHOW CREATE printed it when the snapshot
 * opened, and a pool of connections inside the snapshot transaction that {@link #copyTable} calls borrow,
 * one per call. Thread-safe; closing ends the transactions and releases any table locks.
 */
public final class MySqlSnapshot implements SourceSnapshot {
    private final DatabaseConnection source;
    private final String database;
    private final Optional<Position> position;
    private final List<TableInfo> tables;
    private final SourceSchema schema;
    private final WorkerPool pool;
    private final TableReadLock tableLock;
    private final TableCopier copier;
    private final MySqlConnector connector;

    MySqlSnapshot(DatabaseConnection source, String database, Optional<Position> position, List<TableInfo> tables,
            SourceSchema schema, WorkerPool pool, TableReadLock tableLock, TableCopier copier, MySqlConnector connector) {
        this.source = source;
        this.database = database;
        this.position = position;
        this.tables = List.copyOf(tables);
        this.schema = schema;
        this.pool = pool;
        this.tableLock = tableLock;
        this.copier = copier;
        this.connector = connector;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public Optional<Position> replicationStart() {
        return position;
    }

    @Override
    public List<TableInfo> tables() {
        return tables;
    }

    /** How many connections copy in parallel (1 when the snapshot fell back to a single connection). */
    public int workers() {
        return pool.size();
    }

    @Override
    public void copySchemaBefore(DatabaseConnection destination) {
        new SchemaWriter(connector, destination, database).createTables(schema.sequences(), schema.tables().values());
    }

    @Override
    public CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress) {
        TableSchema ts = schema.tables().get(table.ref());
        if (ts == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Table %s is not part of the snapshot of database %s".formatted(table.ref(), database));
        }
        long rowBytes = table.estimatedRows() > 0 ? table.estimatedBytes() / table.estimatedRows() : 0;
        Connection worker = pool.borrow();
        try {
            CopyResult result = copier.copy(worker, source, ts, destination, rowBytes, progress);
            if (tableLock != null) {
                tableLock.copied(table.ref());
            }
            return result;
        } finally {
            pool.giveBack(worker);
        }
    }

    @Override
    public void copySchemaAfter(DatabaseConnection destination) {
        new SchemaWriter(connector, destination, database).finish(schema);
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
