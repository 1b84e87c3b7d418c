package dev.ferry.control.runner;

import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;

/**
 * The sessions a job's run opens on its source at most, known before it starts: what a connection budget reserves
 * for it. The one place that counts them, read off the runner and the engines:
 * <ul>
 *   <li>{@code copies}: the copy sessions of the full load, its parallelism ({@code performanceConfig.parallelism},
 *       else twice the cores, 2 to 16), within the job's {@code maxSourceConnections} less the snapshot's session;</li>
 *   <li>one session holding the database's consistent snapshot while its tables copy (PostgreSQL: the exporting
 *       session; MySQL/MariaDB: the one that read the binlog position);</li>
 *   <li>one session watching for other sessions waiting on the copy's locks (PostgreSQL's lock watcher, MySQL's
 *       metadata lock watcher), opened while a copy holds a table;</li>
 *   <li>a continuous job's replication session: on PostgreSQL the slot's replication connection, which exports the
 *       snapshot and stays open while the database copies; then the change stream.</li>
 * </ul>
 * Databases load one after another, so the full load's sessions are counted once. Change replication streams each
 * database on its own session once the load is done, when the copy sessions are closed: a job replicating more
 * databases than its full load's sessions (rare: that many databases with a parallelism of one) opens more than this.
 */
record SourceSessions(int copies, int wantedCopies, int snapshot, int lockWatch, int replication) {
    /** The sessions of {@code job} on a host with {@code cores} cores. */
    static SourceSessions of(MigrationJob job, int cores) {
        int wanted = job.performanceConfig().effectiveParallelism(cores);
        Integer cap = job.reliabilityConfig().maxSourceConnections();
        int copies = cap == null || wanted <= cap - 1 ? wanted : Math.max(1, cap - 1);
        return new SourceSessions(copies, wanted, 1, 1, job.type() == JobType.CONTINUOUS ? 1 : 0);
    }

    /** The sessions of {@code job} on this host. */
    static SourceSessions of(MigrationJob job) {
        return of(job, Runtime.getRuntime().availableProcessors());
    }

    /** Whether the job's {@code maxSourceConnections} lowered the copy parallelism. */
    boolean capped() {
        return copies < wantedCopies;
    }

    /** How many source connections the job holds at most: what its reservation takes. */
    int total() {
        return copies + snapshot + lockWatch + replication;
    }

    /** {@code 4 copy sessions, 1 holding the snapshot, 1 watching locks, 1 replicating}. */
    String describe() {
        return "%d copy session%s, %d holding the snapshot, %d watching locks%s".formatted(copies, copies == 1 ? "" : "s",
                snapshot, lockWatch, replication == 0 ? "" : ", %d replicating".formatted(replication));
    }
}
