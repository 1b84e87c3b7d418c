package dev.ferry.server.job;

import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.server.http.Times;
import java.util.List;

/**
 * Output only: one database's change pipeline as it last reported (about once a second, {@code measureTime}), present
 * while the job replicates on the server answering. Counters ({@code rowsRead}, {@code rowsApplied}, {@code rowsWritten},
 * {@code batches}, {@code inOrderBatches}) count since replication last started. {@code compaction} is the fraction of
 * row writes compaction saved ({@code 1 - rowsWritten / rowsApplied}); {@code caughtUp} says the database's last lag
 * report was zero (nothing it had received was waiting to be applied).
 */
public record PipelineJson(String database, String measureTime, boolean caughtUp, int queueEvents, long queueBytes,
        long queueCapacityBytes, long rowsRead, long rowsApplied, long rowsWritten, double readRowsPerSecond,
        double applyRowsPerSecond, double compaction, long batches, long lastBatchRows, long inOrderBatches,
        List<PartitionJson> partitions) {

    /**
     * One apply partition (numbered from 0): the source position it applied up to (with {@code +N of TXN} while inside a
     * transaction cut into several batches), the source commit time of the last transaction it applied, and how far
     * behind that is: 0 while the database is caught up, else the seconds from that commit to {@code measureTime}
     * (null when no commit time is known yet).
     */
    public record PartitionJson(int number, String position, String commitTime, Double lagSeconds) {}

    static PipelineJson of(PipelineSnapshot snapshot) {
        PipelineStats s = snapshot.stats();
        List<PartitionJson> partitions = s.partitions().stream()
                .map(p -> new PartitionJson(p.number(), p.position(), Times.instant(p.commitTime()),
                        snapshot.partitionLag(p).map(d -> d.toMillis() / 1000.0).orElse(null)))
                .toList();
        return new PipelineJson(snapshot.database(), Times.instant(snapshot.measured()), snapshot.caughtUp(), s.queueEvents(),
                s.queueBytes(), s.queueCapacityBytes(), s.rowsRead(), s.rowsApplied(), s.rowsWritten(), tenths(s.readRate()),
                tenths(s.applyRate()), Math.round(s.compaction() * 10_000) / 10_000.0, s.batches(), s.lastBatchRows(),
                s.inOrderBatches(), partitions);
    }

    private static double tenths(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
