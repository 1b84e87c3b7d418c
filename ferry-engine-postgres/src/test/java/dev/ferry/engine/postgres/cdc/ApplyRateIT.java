package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.LocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rough apply rate for a pgbench-like workload: many small source transactions, each one single-row
 * update, applied from a backlog. Logs the figure; asserts only the result, never the time.
 */
@Timeout(120)
class ApplyRateIT {
    private static final Logger log = LoggerFactory.getLogger(ApplyRateIT.class);
    private static final int TRANSACTIONS = 100_000;

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    @Test
    void manySmallUpdateTransactionsAreAppliedAndTheRateIsLogged() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))",
                "INSERT INTO accounts SELECT g, 1, 0, '' FROM generate_series(1, 10000) g")) {
            long generating = System.nanoTime();
            f.source.execute("DO $$ BEGIN FOR i IN 1.." + TRANSACTIONS + " LOOP "
                    + "UPDATE accounts SET abalance = abalance + 1 WHERE aid = (i * 7919) % 10000 + 1; COMMIT; END LOOP; END $$");
            long generatedMs = (System.nanoTime() - generating) / 1_000_000;

            var recorder = new CdcFixture.Recorder();
            long started = System.nanoTime();
            try (PgReplication replication = f.open()) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
            }
            long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
            log.atInfo().addKeyValue("transactions", TRANSACTIONS).addKeyValue("applyMs", ms)
                    .addKeyValue("rowsPerSecond", TRANSACTIONS * 1000L / ms)
                    .addKeyValue("destinationCommits", recorder.applied.size())
                    .addKeyValue("sourceGenerationMs", generatedMs).log("apply rate of single-row update transactions");

            assertThat(recorder.rows("accounts")).isEqualTo(TRANSACTIONS);
            assertThat(f.destinationHashes("accounts")).isEqualTo(f.sourceHashes("accounts"));
        }
    }
}
