package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where an object stands for one database's replication: {@link Place#OURS} (this replication's database and
 * selected), {@link Place#ELSEWHERE} (another database the job replicates, which its own replication handles) or
 * {@link Place#UNSELECTED} (nothing Ferry may touch: not selected, a database outside the job, a system database).
 * Pure and thread-safe.
 */
record ReplicationScope(String database, List<String> jobDatabases, ObjectSelection selection) {
    private static final Set<String> SYSTEM = Set.of("mysql", "sys", "information_schema", "performance_schema");

    enum Place { OURS, ELSEWHERE, UNSELECTED }

    ReplicationScope {
        jobDatabases = List.copyOf(jobDatabases);
        if (!jobDatabases.contains(database)) {
            throw new IllegalArgumentException(database + " is not among " + jobDatabases);
        }
    }

    static ReplicationScope of(String database, List<String> jobDatabases, ObjectsConfig objects) {
        return new ReplicationScope(database, jobDatabases, new ObjectSelection(objects, EngineKind.MYSQL));
    }

    /** A table, view or sequence. */
    Place table(String db, String name) {
        if (!replicated(db)) {
            return Place.UNSELECTED;
        }
        if (!selection.includesTable(db, new TableRef(db, name))) {
            return Place.UNSELECTED;
        }
        return db.equals(database) ? Place.OURS : Place.ELSEWHERE;
    }

    /** A database, or an object that follows its database whole (routines, events). */
    Place database(String db) {
        if (!replicated(db)) {
            return Place.UNSELECTED;
        }
        return db.equals(database) ? Place.OURS : Place.ELSEWHERE;
    }

    /** Whether the table is in this replication's database but not selected: its changes are not Ferry's to apply. */
    boolean unselected(TableRef table) {
        return table.schema().equals(database) && !selection.includesTable(database, table);
    }

    private boolean replicated(String db) {
        return jobDatabases.contains(db) && !SYSTEM.contains(db.toLowerCase(Locale.ROOT));
    }
}
