package dev.ferry.core.spi.engine;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to replicate: changes of {@code database} on {@code source} committed after {@code start}
 * (the position of the job's first snapshot), applied to the same database on {@code destination}.
 * {@code copiedAt} gives, for tables copied from a later snapshot (a resumed full load), the position
 * of that snapshot: changes to such a table at or before it are already in the copy and are skipped.
 * {@code jobDatabases} are all the databases the job replicates (each with its own request, this one's
 * included) and {@code objects} the job's selection, so that a replication can tell an object it must
 * not touch (not selected) from one it should know but does not. {@code reliability} carries the job's
 * settings for faults, lock waits and divergence.
 * {@code replicationObjects} names the job's slot and publication as recorded when they were created;
 * null means the engine's names for the job without an installation (jobs of older Ferry versions).
 * {@code applyPartitions} is how many destination sessions apply changes in parallel; 0 means the default for the
 * cores available ({@link dev.ferry.core.model.PerformanceConfig#effectiveApplyPartitions}).
 * {@code fence} guards the job's writes when several Ferry servers share a store, else {@link Fence#NONE} (see
 * {@link #withFence}).
 */
public record ReplicationRequest(
        String jobName,
        String database,
        DatabaseConnection source,
        DatabaseConnection destination,
        Position start,
        Map<TableRef, Position> copiedAt,
        List<String> jobDatabases,
        ObjectsConfig objects,
        ReliabilityConfig reliability,
        ReplicationObjects replicationObjects,
        int applyPartitions,
        Fence fence) {
    public ReplicationRequest {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(start, "start");
        copiedAt = copiedAt == null ? Map.of() : Map.copyOf(copiedAt);
        jobDatabases = jobDatabases == null || jobDatabases.isEmpty() ? List.of(database) : List.copyOf(jobDatabases);
        if (!jobDatabases.contains(database)) {
            throw new IllegalArgumentException("database " + database + " is not among the job's databases " + jobDatabases);
        }
        objects = objects == null ? ObjectsConfig.ALL : objects;
        reliability = reliability == null ? ReliabilityConfig.DEFAULT : reliability;
        fence = fence == null ? Fence.NONE : fence;
        if (applyPartitions < 0 || applyPartitions > dev.ferry.core.model.PerformanceConfig.MAX_APPLY_PARTITIONS) {
            throw new IllegalArgumentException("applyPartitions out of range: " + applyPartitions);
        }
    }

    /** A request without fencing (see {@link #withFence}). */
    public ReplicationRequest(String jobName, String database, DatabaseConnection source, DatabaseConnection destination,
            Position start, Map<TableRef, Position> copiedAt, List<String> jobDatabases, ObjectsConfig objects,
            ReliabilityConfig reliability, ReplicationObjects replicationObjects, int applyPartitions) {
        this(jobName, database, source, destination, start, copiedAt, jobDatabases, objects, reliability, replicationObjects,
                applyPartitions, Fence.NONE);
    }

    /**
     * The same request fenced by {@code fence}, the lease under which the job's runner works when several Ferry
     * servers share one store. An engine that records its applied position on the destination records the fence's
     * epoch with it and refuses to commit once a newer epoch was recorded there: the job moved to another node, and
     * this one must not write any more. Its other writes (DDL replay, sequence synchronisation, dropping the slot and
     * publication) each {@link Fence#check} first.
     */
    public ReplicationRequest withFence(Fence fence) {
        return new ReplicationRequest(jobName, database, source, destination, start, copiedAt, jobDatabases, objects, reliability,
                replicationObjects, applyPartitions, fence);
    }

    /** The epoch of the lease the job's runner works under; 0 without fencing. */
    public long fenceEpoch() {
        return fence.epoch();
    }

    /** A request with the default number of apply partitions. */
    public ReplicationRequest(String jobName, String database, DatabaseConnection source, DatabaseConnection destination,
            Position start, Map<TableRef, Position> copiedAt, List<String> jobDatabases, ObjectsConfig objects,
            ReliabilityConfig reliability, ReplicationObjects replicationObjects) {
        this(jobName, database, source, destination, start, copiedAt, jobDatabases, objects, reliability, replicationObjects, 0);
    }

    /** The apply partitions to use: the request's, else the default for {@code availableCores}. */
    public int effectiveApplyPartitions(int availableCores) {
        return applyPartitions > 0 ? applyPartitions : dev.ferry.core.model.PerformanceConfig.defaultApplyPartitions(availableCores);
    }

    /** The same request with {@code partitions} apply partitions. */
    public ReplicationRequest withApplyPartitions(int partitions) {
        return new ReplicationRequest(jobName, database, source, destination, start, copiedAt, jobDatabases, objects, reliability,
                replicationObjects, partitions, fence);
    }

    /** A request for a job that replicates this one database, all of it, with the default reliability settings. */
    public ReplicationRequest(String jobName, String database, DatabaseConnection source, DatabaseConnection destination,
            Position start, Map<TableRef, Position> copiedAt) {
        this(jobName, database, source, destination, start, copiedAt, List.of(database), ObjectsConfig.ALL, null, null, 0);
    }

    /** A request for a job that replicates this one database, all of it. */
    public ReplicationRequest(String jobName, String database, DatabaseConnection source, DatabaseConnection destination,
            Position start, Map<TableRef, Position> copiedAt, ReliabilityConfig reliability) {
        this(jobName, database, source, destination, start, copiedAt, List.of(database), ObjectsConfig.ALL, reliability, null, 0);
    }

    /** A request with the default reliability settings. */
    public ReplicationRequest(String jobName, String database, DatabaseConnection source, DatabaseConnection destination,
            Position start, Map<TableRef, Position> copiedAt, List<String> jobDatabases, ObjectsConfig objects) {
        this(jobName, database, source, destination, start, copiedAt, jobDatabases, objects, null, null, 0);
    }
}
