package dev.ferry.control.runner;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.store.Store;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names of the replication objects (slot, publication) a job keeps on the source, one record per
 * database. A name is recorded before the object is created, and only recorded names are ever dropped, so a
 * job never drops another job's or another installation's objects. Jobs started before names were recorded
 * have a replication start but no names: theirs are the engine's names without an installation.
 */
public final class ReplicationRecords {
    private static final String PREFIX = "replication-objects/";

    private final Store store;

    public ReplicationRecords(Store store) {
        this.store = store;
    }

    static String key(String database) {
        return PREFIX + database;
    }

    /** The recorded names for {@code database}, recording this installation's names first when there are none. */
    ReplicationObjects recordBeforeCreating(MigrationJob job, Engine engine, String database) {
        Optional<String> recorded = store.checkpoint(job.name(), key(database));
        if (recorded.isPresent()) {
            return ReplicationObjects.parse(recorded.get());
        }
        ReplicationObjects names = engine.replicationObjects(store.installationId(), job.name(), database);
        store.putCheckpoint(job.name(), key(database), names.text());
        return names;
    }

    /** The names of the objects the job keeps for {@code database}: as recorded, else the legacy names. */
    ReplicationObjects names(Map<String, String> checkpoints, MigrationJob job, Engine engine, String database) {
        String recorded = checkpoints.get(key(database));
        return recorded != null ? ReplicationObjects.parse(recorded) : engine.replicationObjects(null, job.name(), database);
    }

    /**
     * Drops what the job keeps on the source, database by database, forgetting each record once its objects
     * are gone, so a delete or restart that fails half-way can be retried and drops only what is left.
     */
    void release(MigrationJob job, Engine engine, DatabaseConnection source) {
        Map<String, String> checkpoints = store.checkpoints(job.name());
        Set<String> databases = new HashSet<>(FullLoad.databasesReplicated(checkpoints));
        checkpoints.keySet().stream().filter(k -> k.startsWith(PREFIX)).map(k -> k.substring(PREFIX.length()))
                .forEach(databases::add);
        for (String database : databases) {
            store.fence().check();
            engine.dropReplication(source.withDatabase(database), database, names(checkpoints, job, engine, database));
            forget(job.name(), checkpoints, FullLoad.replicationKey(database));
            forget(job.name(), checkpoints, key(database));
        }
    }

    /** Whether the job still records replication objects on the source. */
    boolean holdsAny(String job) {
        return store.checkpoints(job).keySet().stream()
                .anyMatch(k -> k.startsWith(PREFIX) || k.startsWith(FullLoad.replicationKey("")));
    }

    /** Every name recorded by any job of this installation (verify compares them with the source). */
    public Set<ReplicationObjects> allRecorded() {
        Set<ReplicationObjects> all = new HashSet<>();
        for (var job : store.listJobs()) {
            store.checkpoints(job.name()).forEach((k, v) -> {
                if (k.startsWith(PREFIX)) {
                    all.add(ReplicationObjects.parse(v));
                }
            });
        }
        return all;
    }

    private void forget(String job, Map<String, String> checkpoints, String key) {
        if (checkpoints.containsKey(key)) {
            store.deleteCheckpoint(job, key);
        }
    }
}
