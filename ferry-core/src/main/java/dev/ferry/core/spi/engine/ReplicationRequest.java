package dev.ferry.core.spi.engine;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import java.util.Map;
import java.util.Objects;

/**
 * What to replicate: changes of {@code database} on {@code source} committed after {@code start}
 * (the position of the job's first snapshot), applied to the same database on {@code destination}.
 * {@code copiedAt} gives, for tables copied from a later snapshot (a resumed full load), the position
 * of that snapshot: changes to such a table at or before it are already in the copy and are skipped.
 * {@code replicationObjects} names the job's slot and publication as recorded when they were created;
 * null means the engine's names for the job without an installation (jobs of older Ferry versions).
 */
public record ReplicationRequest(
        String jobName,
        String database,
        DatabaseConnection source,
        DatabaseConnection destination,
        Position start,
        Map<TableRef, Position> copiedAt,
        ReplicationObjects replicationObjects) {
    public ReplicationRequest(String jobName, String database, DatabaseConnection source, DatabaseConnection destination,
            Position start, Map<TableRef, Position> copiedAt) {
        this(jobName, database, source, destination, start, copiedAt, null);
    }

    public ReplicationRequest {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(start, "start");
        copiedAt = copiedAt == null ? Map.of() : Map.copyOf(copiedAt);
    }
}
