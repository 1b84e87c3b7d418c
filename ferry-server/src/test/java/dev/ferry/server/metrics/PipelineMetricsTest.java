package dev.ferry.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.cdc.PipelineStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

    private static PipelineSnapshot shop(boolean caughtUp) {
        var stats = new PipelineStats(120, 65_536, 33_554_432, 10_000, 8_000, 6_000, 500, 490, 42, 250, 3, List.of(
                new PipelineStats.Partition(0, "pg:0/16B3748", T.minusMillis(2_250)),
                new PipelineStats.Partition(1, "pg:0/16B3748", null)));
        return new PipelineSnapshot("shop", stats, T, caughtUp);
    }

    private static String render(Map<String, List<PipelineSnapshot>> reports) {
        return MetricsRoutes.write(PipelineMetrics.families(reports));
    }

    @Test
    void writesEachFamilyOnceWithJobAndDatabaseLabels() {
        var reports = new LinkedHashMap<String, List<PipelineSnapshot>>();
        reports.put("follow", List.of(shop(false)));
        reports.put("q\"uote", List.of(shop(false)));

        String text = render(reports);

        assertThat(text).contains("""
                # HELP ferry_cdc_queue_events change events read from the source and not yet batched
                # TYPE ferry_cdc_queue_events gauge
                ferry_cdc_queue_events{database="shop",job="follow"} 120.0
                ferry_cdc_queue_events{database="shop",job="q\\"uote"} 120.0
                """);
        assertThat(text).contains("ferry_cdc_queue_bytes{database=\"shop\",job=\"follow\"} 65536.0\n")
                .contains("ferry_cdc_queue_capacity_bytes{database=\"shop\",job=\"follow\"} 3.3554432E7\n")
                .contains("# TYPE ferry_cdc_rows_read_total counter\n")
                .contains("ferry_cdc_rows_read_total{database=\"shop\",job=\"follow\"} 10000.0\n")
                .contains("# TYPE ferry_cdc_rows_applied_total counter\n")
                .contains("ferry_cdc_rows_applied_total{database=\"shop\",job=\"follow\"} 8000.0\n")
                .contains("ferry_cdc_rows_written_total{database=\"shop\",job=\"follow\"} 6000.0\n")
                .contains("ferry_cdc_batches_total{database=\"shop\",job=\"follow\"} 42.0\n")
                .contains("ferry_cdc_in_order_batches_total{database=\"shop\",job=\"follow\"} 3.0\n")
                .contains("ferry_cdc_compaction_ratio{database=\"shop\",job=\"follow\"} 0.25\n")
                .contains("ferry_cdc_last_batch_rows{database=\"shop\",job=\"follow\"} 250.0\n")
                .contains("ferry_cdc_partition_lag_seconds{database=\"shop\",job=\"follow\",partition=\"0\"} 2.25\n")
                .doesNotContain("partition=\"1\"");
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE ferry_cdc_queue_events"))).hasSize(1);
    }

    @Test
    void aCaughtUpDatabasesPartitionsAreNotBehind() {
        String text = render(Map.of("follow", List.of(shop(true))));

        assertThat(text).contains("ferry_cdc_partition_lag_seconds{database=\"shop\",job=\"follow\",partition=\"0\"} 0.0\n")
                .contains("ferry_cdc_partition_lag_seconds{database=\"shop\",job=\"follow\",partition=\"1\"} 0.0\n");
    }

    @Test
    void withoutReplicatingJobsNothingIsWritten() {
        String text = render(Map.of());

        assertThat(text).isEmpty();
    }
}
