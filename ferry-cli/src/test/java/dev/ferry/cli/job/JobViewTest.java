package dev.ferry.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JobViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static final String CONTINUOUS = "{'name': 'follow', 'type': 'CONTINUOUS', 'source': 's', 'destination': 'd', "
            + "'state': 'RUNNING', 'phase': 'CDC', 'duration': '12s', "
            + "'lag': {'seconds': 1.25, 'bytes': 2048, 'measureTime': '2026-11-28T17:00:00Z'}}";

    @Test
    void listsTheLagOfAContinuousJobAndADashForAOneTimeJob() throws Exception {
        JsonNode jobs = json("[" + CONTINUOUS + ", {'name': 'once', 'type': 'ONE_TIME', 'state': 'COMPLETED'}]");

        String text = JobView.list(jobs).render();

        assertThat(text.lines().findFirst().orElseThrow()).endsWith("LAG");
        assertThat(text).containsPattern("follow\\s+CONTINUOUS.*12s\\s+1\\.3s\\n").containsPattern("once\\s+ONE_TIME.*-\\n");
    }

    @Test
    void describesTheLagWithBytesAndWhenItWasMeasured() throws Exception {
        String text = JobView.describe(json(CONTINUOUS)).render();

        assertThat(text).containsPattern("Lag:\\s+1\\.3s behind, 2\\.0 KB of source log \\(measured 2026-11-28T17:00:00Z\\)");
    }

    @Test
    void describesWhatTheJobCostsItsSourcePerDatabase() throws Exception {
        String text = JobView.describe(json("{'name': 'follow', 'sourceRetention': [{'database': 'shop', "
                + "'retainedWalBytes': 2048, 'cleanupHeldBackTransactions': 7, 'measureTime': '2026-11-28T17:00:00Z'}, "
                + "{'database': 'crm', 'retainedWalBytes': null, 'cleanupHeldBackTransactions': 3}]}")).render();

        assertThat(text).containsPattern("Source retention:\\s+shop: slot keeps 2\\.0 KB of WAL, cleanup held back 7 "
                + "transactions; crm: cleanup held back 3 transactions");
    }

    @Test
    void describesTheLastSchemaComparisonPerDatabase() throws Exception {
        String text = JobView.describe(json("{'name': 'follow', 'schema': [{'database': 'crm', 'pending': 0, "
                + "'unreconcilable': 0, 'checkTime': '2026-11-28T17:00:00Z'}, {'database': 'shop', 'pending': 2, "
                + "'unreconcilable': 1, 'checkTime': '2026-11-28T17:00:30Z'}]}")).render();
        String none = JobView.describe(json(CONTINUOUS)).render();

        assertThat(text).containsPattern("Schema:\\s+crm: same on both sides \\(compared 2026-11-28T17:00:00Z\\); shop: 2 "
                + "differences promotion reconciles, 1 it cannot \\(compared 2026-11-28T17:00:30Z\\); list them with: "
                + "ferry migration-jobs verify");
        assertThat(none).doesNotContain("Schema");
    }

    @Test
    void describesTheNodeRunningTheJobAndWhenItsLeaseExpires() throws Exception {
        String text = JobView.describe(json("{'name': 'follow', 'lease': {'node': 'ferry-2', 'epoch': 4, "
                + "'heartbeatTime': '2026-11-28T17:00:00Z', 'expireTime': '2026-11-28T17:00:20Z'}}")).render();
        String none = JobView.describe(json(CONTINUOUS)).render();

        assertThat(text).containsPattern("Node:\\s+ferry-2 \\(lease epoch 4, expires 2026-11-28T17:00:20Z unless renewed\\)");
        assertThat(none).doesNotContain("Node:");
    }

    @Test
    void describesTheApplyPartitionsSetOrTheDefaultOfAContinuousJob() throws Exception {
        String set = JobView.describe(json("{'name': 'follow', 'type': 'CONTINUOUS', "
                + "'performanceConfig': {'parallelism': 4, 'applyPartitions': 6}}")).render();
        String unset = JobView.describe(json(CONTINUOUS)).render();
        String oneTime = JobView.describe(json("{'name': 'once', 'type': 'ONE_TIME', 'performanceConfig': {}}")).render();

        assertThat(set).containsPattern("Parallelism:\\s+4\\n").containsPattern("Apply partitions:\\s+6\\n");
        assertThat(unset).containsPattern("Apply partitions:\\s+default \\(twice the server's cores, 2 to 8\\)");
        assertThat(oneTime).doesNotContain("Apply partitions");
    }

    @Test
    void rendersThePipelineOfEachReplicatingDatabase() throws Exception {
        JsonNode job = json("{'name': 'follow', 'pipeline': [{'database': 'shop', 'measureTime': '2026-12-03T10:00:00Z', "
                + "'caughtUp': false, 'queueEvents': 1204, 'queueBytes': 3250586, 'queueCapacityBytes': 33554432, "
                + "'rowsRead': 1234567, 'rowsApplied': 1230000, 'rowsWritten': 812000, 'readRowsPerSecond': 5230.4, "
                + "'applyRowsPerSecond': 5100.0, 'compaction': 0.3398, 'batches': 1234, 'lastBatchRows': 20000, "
                + "'inOrderBatches': 2, 'partitions': [{'number': 0, 'position': 'pg:0/1A2B3C4', "
                + "'commitTime': '2026-12-03T09:59:59.200Z', 'lagSeconds': 0.8}, "
                + "{'number': 1, 'position': 'pg:0/1A2B3C4 +7 of 733'}]}, "
                + "{'database': 'crm', 'measureTime': '2026-12-03T10:00:00Z', 'caughtUp': true, 'queueEvents': 0, "
                + "'queueBytes': 0, 'queueCapacityBytes': 33554432, 'rowsRead': 0, 'rowsApplied': 0, 'rowsWritten': 0, "
                + "'readRowsPerSecond': 0, 'applyRowsPerSecond': 0, 'compaction': 0, 'batches': 0, 'lastBatchRows': 0, "
                + "'inOrderBatches': 0, 'partitions': []}]}");

        String text = JobView.pipeline(job);

        assertThat(text).isEqualTo("""
                Pipeline of shop (measured 2026-12-03T10:00:00Z):
                  Queue:    1,204 events, 3.1 MB of 32.0 MB
                  Rate:     read 5.2k rows/s, applied 5.1k rows/s
                  Rows:     1,234,567 read, 1,230,000 applied, 812,000 written (compaction saved 34%)
                  Batches:  1,234, last 20,000 rows, 2 applied change by change
                  PARTITION  POSITION                LAST COMMIT                LAG
                          0  pg:0/1A2B3C4            2026-12-03T09:59:59.200Z  0.8s
                          1  pg:0/1A2B3C4 +7 of 733  -                            -
                Pipeline of crm, caught up (measured 2026-12-03T10:00:00Z):
                  Queue:    0 events, 0 B of 32.0 MB
                  Rate:     read 0 rows/s, applied 0 rows/s
                  Rows:     0 read, 0 applied, 0 written (compaction saved 0%)
                  Batches:  0, last 0 rows
                """);
    }

    @Test
    void aJobThatDoesNotReplicateHasNoPipelineBlock() throws Exception {
        assertThat(JobView.pipeline(json(CONTINUOUS))).isEmpty();
    }

    @Test
    void showsRowsAppliedPerTableForAContinuousJob() throws Exception {
        JsonNode objects = json("[{'name': 'db.public.t', 'state': 'COPIED', 'rowsCopied': 10, 'rowsEstimated': 10, "
                + "'bytesCopied': 100, 'percent': 100, 'rowsApplied': 12345}]");

        String continuous = JobView.objects(objects, true).render();
        String oneTime = JobView.objects(objects, false).render();

        assertThat(continuous).contains("APPLIED").containsPattern("db\\.public\\.t\\s+COPIED.*100%\\s+12,345");
        assertThat(oneTime).doesNotContain("APPLIED").doesNotContain("12,345");
    }

    /**
     * A table done counts what it copied, whatever its estimate said (a source table never analyzed is only guessed
     * from its size); a table still copying its estimate, or its rows so far once they are more.
     */
    @Test
    void progressTotalsCountWhatFinishedTablesCopied() throws Exception {
        JsonNode objects = json("[{'state': 'COPIED', 'rowsCopied': 800, 'rowsEstimated': 1100, 'bytesCopied': 52, "
                + "'bytesEstimated': 67}, {'state': 'COPYING', 'rowsCopied': 30, 'rowsEstimated': 20, 'bytesCopied': 3, "
                + "'bytesEstimated': 9}, {'state': 'PENDING', 'rowsCopied': 0, 'rowsEstimated': 500, 'bytesCopied': 0, "
                + "'bytesEstimated': 40}]");

        var progress = JobView.progress(json(CONTINUOUS), objects);

        assertThat(progress.tablesDone()).isEqualTo(1);
        assertThat(progress.tablesTotal()).isEqualTo(3);
        assertThat(progress.rowsCopied()).isEqualTo(830);
        assertThat(progress.rowsEstimated()).isEqualTo(800 + 30 + 500);
        assertThat(progress.bytesCopied()).isEqualTo(55);
        assertThat(progress.bytesEstimated()).isEqualTo(52 + 9 + 40);
    }

    @Test
    void progressCarriesLagAndRowsApplied() throws Exception {
        JsonNode objects = json("[{'rowsApplied': 5}, {'rowsApplied': 7}]");

        var progress = JobView.progress(json(CONTINUOUS), objects);

        assertThat(progress.rowsApplied()).isEqualTo(12);
        assertThat(progress.lagSeconds()).isEqualTo(1.25);
        assertThat(progress.lagBytes()).isEqualTo(2048);
        assertThat(progress.replicating()).isTrue();
    }
}
