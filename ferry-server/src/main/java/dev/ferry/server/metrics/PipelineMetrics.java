package dev.ferry.server.metrics;

import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.cdc.PipelineStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The change pipeline's metrics, labelled {@code job} and {@code database}, from the latest report of each database
 * that replicates on this server. A job's series go when its replication ends, as its health does; the counters count
 * since replication last started (a restart begins them at zero again, which Prometheus' {@code rate()} takes as a
 * counter reset). Pure.
 */
final class PipelineMetrics {
    private record Definition(Family family, ToDoubleFunction<PipelineStats> value) {}

    private PipelineMetrics() {}

    private static List<Definition> definitions() {
        return List.of(
                new Definition(Family.gauge("ferry_cdc_queue_events", "change events read from the source and not yet batched"),
                        PipelineStats::queueEvents),
                new Definition(Family.gauge("ferry_cdc_queue_bytes", "bytes the change events waiting in the queue hold"),
                        PipelineStats::queueBytes),
                new Definition(Family.gauge("ferry_cdc_queue_capacity_bytes", "bytes the queue holds at most before reading waits"),
                        PipelineStats::queueCapacityBytes),
                new Definition(Family.counter("ferry_cdc_rows_read_total",
                        "row changes read from the source since replication started"), PipelineStats::rowsRead),
                new Definition(Family.counter("ferry_cdc_rows_applied_total",
                        "row changes committed on the destination since replication started, as the source made them"),
                        PipelineStats::rowsApplied),
                new Definition(Family.counter("ferry_cdc_rows_written_total",
                        "row writes the destination received for the rows applied, after compaction"), PipelineStats::rowsWritten),
                new Definition(Family.counter("ferry_cdc_batches_total",
                        "destination transactions the appliers committed since replication started"), PipelineStats::batches),
                new Definition(Family.counter("ferry_cdc_in_order_batches_total",
                        "batches applied change by change because compaction was impossible or refused"),
                        PipelineStats::inOrderBatches),
                new Definition(Family.gauge("ferry_cdc_compaction_ratio", "fraction of row writes compaction saved (1 - written / applied)"),
                        PipelineStats::compaction),
                new Definition(Family.gauge("ferry_cdc_last_batch_rows", "row changes in the last batch applied, before compaction"),
                        PipelineStats::lastBatchRows));
    }

    /** Every family for {@code reports} (job name to its databases' latest reports). */
    static List<Family> families(Map<String, List<PipelineSnapshot>> reports) {
        List<Family> families = new ArrayList<>();
        for (Definition definition : definitions()) {
            reports.forEach((job, snapshots) -> {
                for (PipelineSnapshot snapshot : snapshots) {
                    definition.family().add(definition.value().applyAsDouble(snapshot.stats()), "job", job,
                            "database", snapshot.database());
                }
            });
            families.add(definition.family());
        }
        Family partitionLag = Family.gauge("ferry_cdc_partition_lag_seconds", "seconds from the source commit an apply "
                + "partition applied last to the report; 0 while the database is caught up");
        reports.forEach((job, snapshots) -> {
            for (PipelineSnapshot snapshot : snapshots) {
                for (PipelineStats.Partition partition : snapshot.stats().partitions()) {
                    snapshot.partitionLag(partition).ifPresent(lag -> partitionLag.add(lag.toMillis() / 1000.0, "job", job,
                            "database", snapshot.database(), "partition", Integer.toString(partition.number())));
                }
            }
        });
        families.add(partitionLag);
        return families;
    }
}
