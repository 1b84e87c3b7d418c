package dev.ferry.control.runner;

import dev.ferry.core.cdc.PipelineStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One database's change pipeline as it last reported (about once a second while it replicates), as the server that runs
 * the job keeps it in memory. {@code measured} is when the report arrived (to the millisecond); {@code caughtUp} says
 * that the database's last lag report was zero (nothing it had received was waiting to be applied), which under a
 * steady load may also happen for a moment between two batches.
 */
public record PipelineSnapshot(String database, PipelineStats stats, Instant measured, boolean caughtUp) {
    public PipelineSnapshot {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(measured, "measured");
    }

    /**
     * How far {@code partition} is behind, as of {@link #measured}: zero while the database is caught up; otherwise the
     * time from the source commit of the last transaction the partition applied to the report (never negative); empty
     * when that commit time is unknown (nothing applied since replication started). The job's lag follows the same
     * rule, so while changes flow a partition's lag is at most a batch longer than the job's.
     */
    public Optional<Duration> partitionLag(PipelineStats.Partition partition) {
        if (caughtUp) {
            return Optional.of(Duration.ZERO);
        }
        if (partition.commitTime() == null) {
            return Optional.empty();
        }
        Duration behind = Duration.between(partition.commitTime(), measured);
        return Optional.of(behind.isNegative() ? Duration.ZERO : behind);
    }
}
