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
    void showsRowsAppliedPerTableForAContinuousJob() throws Exception {
        JsonNode objects = json("[{'name': 'db.public.t', 'state': 'COPIED', 'rowsCopied': 10, 'rowsEstimated': 10, "
                + "'bytesCopied': 100, 'percent': 100, 'rowsApplied': 12345}]");

        String continuous = JobView.objects(objects, true).render();
        String oneTime = JobView.objects(objects, false).render();

        assertThat(continuous).contains("APPLIED").containsPattern("db\\.public\\.t\\s+COPIED.*100%\\s+12,345");
        assertThat(oneTime).doesNotContain("APPLIED").doesNotContain("12,345");
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
