package dev.ferry.core.spi.engine;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import java.util.List;
import java.util.Optional;

/**
 * A consistent view of one source database and the means to copy it. Every method reads the same
 * snapshot. {@link #copyTable} may be called from several threads at once (each call uses its own
 * connections); the schema methods are called once each, before and after all table copies. Closing
 * releases the snapshot and its connections.
 */
public interface SourceSnapshot extends AutoCloseable {
    String database();

    /** The replication start position tied to this snapshot, when it was opened for replication. */
    Optional<Position> replicationStart();

    /** The selected tables, largest first. */
    List<TableInfo> tables();

    /** Creates schemas, types, tables and everything the data needs before it is loaded. */
    void copySchemaBefore(DatabaseConnection destination);

    /** Streams one table's rows into the (empty) destination table and reports progress. */
    CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress);

    /** Creates what is built after the data: indexes, constraints, triggers, and the rest. */
    void copySchemaAfter(DatabaseConnection destination);

    @Override
    void close();
}
