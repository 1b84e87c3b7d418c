package dev.ferry.control.runner;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.store.Store;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds what an engine needs to replicate (or compare) one database of a job, from the job's checkpoints. */
final class ReplicationRequests {
    private final Store store;

    ReplicationRequests(Store store) {
        this.store = store;
    }

    /**
     * The request for {@code database} among the job's {@code databases}: its replication start, the later
     * positions tables of a resumed load were copied at, the recorded names of its slot and publication.
     */
    ReplicationRequest request(MigrationJob job, Engine engine, String database, List<String> databases,
            DatabaseConnection source, DatabaseConnection destination) {
        Map<String, String> checkpoints = store.checkpoints(job.name());
        String start = checkpoints.get(FullLoad.replicationKey(database));
        if (start == null) {
            throw new IllegalStateException("no replication start recorded for " + database);
        }
        Map<TableRef, Position> copiedAt = new HashMap<>();
        for (JobObject object : store.listObjects(job.name())) {
            if (!object.database().equals(database)) {
                continue;
            }
            String mark = checkpoints.getOrDefault(FullLoad.tableKey(database, object.table()), "");
            int at = mark.indexOf('@');
            if (at > 0 && !mark.substring(at + 1).equals(start)) {
                copiedAt.put(object.table(), Position.parse(mark.substring(at + 1)));
            }
        }
        return new ReplicationRequest(job.name(), database, source.withDatabase(database),
                destination.withDatabase(database), Position.parse(start), copiedAt, databases, job.objectsConfig(),
                job.reliabilityConfig(), new ReplicationRecords(store).names(checkpoints, job, engine, database),
                ChangeReplication.applyPartitions(job)).withFence(store.fence());
    }

    /** A request per database the job replicates (its replication start is recorded), sorted by database. */
    List<ReplicationRequest> replicated(MigrationJob job, Engine engine, DatabaseConnection source,
            DatabaseConnection destination) {
        List<String> databases = FullLoad.databasesReplicated(store.checkpoints(job.name())).stream().sorted().toList();
        return databases.stream().map(db -> request(job, engine, db, databases, source, destination)).toList();
    }
}
