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

    /**
     * Facts about how the snapshot was taken that the user should see in the job's events (such as how
     * long a global lock was held, or a fallback taken for lack of a privilege), oldest first.
     */
    default java.util.List<String> notes() {
        return java.util.List.of();
    }

    /** The selected tables, largest first. */
    List<TableInfo> tables();

    /** Creates schemas, types, tables and everything the data needs before it is loaded. */
    void copySchemaBefore(DatabaseConnection destination);

    /** Streams one table's rows into the (empty) destination table and reports progress. */
    CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress);

    /**
     * Resumes a table copy that was interrupted after the chunks in {@code chunksDone} were reported
     * through {@link CopyProgress#chunkCopied}: those rows stay, everything else of the table is removed
     * and copied again. Engines that do not copy in chunks never report any, so the set is empty and this
     * is {@link #copyTable(TableInfo, DatabaseConnection, CopyProgress)}. The result counts all rows.
     */
    default CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress,
            java.util.Set<String> chunksDone) {
        if (!chunksDone.isEmpty()) {
            throw new IllegalStateException("this engine does not resume copies by chunk");
        }
        return copyTable(table, destination, progress);
    }

    /** Creates what is built after the data: indexes, constraints, triggers, and the rest. */
    void copySchemaAfter(DatabaseConnection destination);

    @Override
    void close();
}
