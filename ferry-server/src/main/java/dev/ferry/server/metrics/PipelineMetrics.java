package dev.ferry.server.metrics;

import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.cdc.PipelineStats;
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
    private record Family(String name, String help, String type, ToDoubleFunction<PipelineStats> value) {}

    private static final List<Family> FAMILIES = List.of(
            new Family("ferry_cdc_queue_events", "change events read from the source and not yet batched", "gauge",
                    PipelineStats::queueEvents),
            new Family("ferry_cdc_queue_bytes", "bytes the change events waiting in the queue hold", "gauge",
                    PipelineStats::queueBytes),
            new Family("ferry_cdc_queue_capacity_bytes", "bytes the queue holds at most before reading waits", "gauge",
                    PipelineStats::queueCapacityBytes),
            new Family("ferry_cdc_rows_read_total", "row changes read from the source since replication started", "counter",
                    PipelineStats::rowsRead),
            new Family("ferry_cdc_rows_applied_total",
                    "row changes committed on the destination since replication started, as the source made them", "counter",
                    PipelineStats::rowsApplied),
            new Family("ferry_cdc_rows_written_total",
                    "row writes the destination received for the rows applied, after compaction", "counter",
                    PipelineStats::rowsWritten),
            new Family("ferry_cdc_compaction_ratio", "fraction of row writes compaction saved (1 - written / applied)", "gauge",
                    PipelineStats::compaction),
            new Family("ferry_cdc_last_batch_rows", "row changes in the last batch applied, before compaction", "gauge",
                    PipelineStats::lastBatchRows));

    private PipelineMetrics() {}

    /** Appends every family for {@code reports} (job name to its databases' latest reports) to {@code out}. */
    static void render(StringBuilder out, Map<String, List<PipelineSnapshot>> reports) {
        for (Family family : FAMILIES) {
            MetricsRoutes.header(out, family.name(), family.help(), family.type());
            reports.forEach((job, snapshots) -> {
                for (PipelineSnapshot snapshot : snapshots) {
                    out.append(family.name()).append(labels(job, snapshot)).append("} ")
                            .append(number(family.value().applyAsDouble(snapshot.stats()))).append('\n');
                }
            });
        }
        MetricsRoutes.header(out, "ferry_cdc_partition_lag_seconds", "seconds from the source commit an apply partition "
                + "applied last to the report; 0 while the database is caught up", "gauge");
        reports.forEach((job, snapshots) -> {
            for (PipelineSnapshot snapshot : snapshots) {
                for (PipelineStats.Partition partition : snapshot.stats().partitions()) {
                    snapshot.partitionLag(partition).ifPresent(lag -> out.append("ferry_cdc_partition_lag_seconds")
                            .append(labels(job, snapshot)).append(",partition=\"").append(partition.number()).append("\"} ")
                            .append(lag.toMillis() / 1000.0).append('\n'));
                }
            }
        });
    }

    private static String labels(String job, PipelineSnapshot snapshot) {
        return "{job=\"" + MetricsRoutes.label(job) + "\",database=\"" + MetricsRoutes.label(snapshot.database()) + "\"";
    }

    /** Whole numbers without a fraction ({@code 12}, not {@code 12.0}); others as Java writes a double. */
    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
