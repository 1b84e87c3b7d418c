package dev.ferry.core.cdc;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a running pipeline, about once a second, for {@code describe} and the metrics.
 *
 * @param queueEvents events read and not yet batched
 * @param queueBytes bytes those events hold (the queue's cap is {@code queueCapacityBytes})
 * @param rowsRead row changes read since the pipeline started
 * @param rowsApplied row changes committed on the destination since the pipeline started (as the source made them)
 * @param rowsWritten row writes the destination received for them after compaction
 * @param readRate rows read per second over the last interval
 * @param applyRate rows applied per second over the last interval
 * @param batches destination batches committed (per partition)
 * @param lastBatchRows rows in the last batch, before compaction
 * @param inOrderBatches batches applied change by change (compaction impossible or refused by the destination)
 * @param partitions each partition's applied position and the source commit time of its last transaction
 */
public record PipelineStats(int queueEvents, long queueBytes, long queueCapacityBytes, long rowsRead, long rowsApplied,
        long rowsWritten, double readRate, double applyRate, long batches, long lastBatchRows, long inOrderBatches,
        List<Partition> partitions) {
    public PipelineStats {
        partitions = List.copyOf(partitions);
    }

    /** One apply partition: where it is and how far behind the source commit it applied last. */
    public record Partition(int number, String position, Instant commitTime) {}

    /** Row writes saved by compaction, as a fraction of the rows applied (0 when nothing was applied). */
    public double compaction() {
        return rowsApplied == 0 ? 0 : 1.0 - (double) rowsWritten / rowsApplied;
    }
}
