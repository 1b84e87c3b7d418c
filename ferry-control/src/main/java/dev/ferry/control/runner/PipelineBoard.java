package dev.ferry.control.runner;

import dev.ferry.core.cdc.PipelineStats;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest change pipeline report of every database a job replicates, in memory only: a report is a second old at
 * most while the job replicates, and means nothing once it stops. So the board holds what this server's runners
 * report, and a job's entries go when its replication ends (stopped, failed, promoted, or Ferry shutting down); another
 * Ferry server sharing the store does not see them. Thread-safe.
 */
public final class PipelineBoard {
    private final Clock clock;
    private final Map<String, Map<String, PipelineSnapshot>> jobs = new ConcurrentHashMap<>();

    public PipelineBoard(Clock clock) {
        this.clock = clock;
    }

    /** {@code database}'s pipeline of {@code job} reported {@code stats}; {@code caughtUp} as in {@link PipelineSnapshot}. */
    public void record(String job, String database, PipelineStats stats, boolean caughtUp) {
        jobs.computeIfAbsent(job, j -> new ConcurrentHashMap<>())
                .put(database, new PipelineSnapshot(database, stats, clock.instant().truncatedTo(ChronoUnit.MILLIS), caughtUp));
    }

    /** The job no longer replicates: its reports are dropped. */
    public void forget(String job) {
        jobs.remove(job);
    }

    /** The job's latest reports, one per database, by database name; empty when it does not replicate here. */
    public List<PipelineSnapshot> read(String job) {
        Map<String, PipelineSnapshot> databases = jobs.get(job);
        if (databases == null) {
            return List.of();
        }
        return databases.values().stream().sorted(Comparator.comparing(PipelineSnapshot::database)).toList();
    }
}
